"""Apply a profile to a read export: canonical values for good rows, a reason for every bad one.

Rows are never dropped silently: each row read ends either in `frame` (to be stored) or in
`problems` with the action "rejected"; rows stored with a remark have a "flagged" problem too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable

import numpy as np
import polars as pl

from . import geo, keys, schema, values
from .problems import REASONS, IngestError
from .profiles import Profile
from .readers import GEOMETRY, ROW, Source

NONE_WORD = "\x00none"   # a word the profile maps to "no value" (e.g. 未回访), told apart from unknown words
VALUE_CHARS = 200
DTYPES = {"id": pl.String, "text": pl.String, "free": pl.String, "time": pl.Datetime("us"), "lon": pl.Float64,
          "lat": pl.Float64, "int": pl.Int32, "bool": pl.Boolean, "enum": pl.String, "hash": pl.String,
          "geometry": pl.String}
PROBLEM_SCHEMA = {"source_row": pl.Int64, "record_id": pl.String, "column_name": pl.String, "value": pl.String,
                  "reason": pl.String, "action": pl.String, "received_at": pl.Datetime("us"), "row_json": pl.String}


@dataclass
class Context:
    """What the database knows that cleaning needs: the grid register and the hashing key."""
    grid_ids: set[str] = field(default_factory=set)
    grid_index: geo.PolygonIndex | None = None
    hash_key: Callable[[], bytes] | None = None


@dataclass
class Cleaned:
    frame: pl.DataFrame            # rows to store: canonical columns + source_row
    columns: list[str]             # the canonical columns this file sets
    problems: pl.DataFrame         # PROBLEM_SCHEMA
    rows_read: int
    rejected: int
    flagged: int
    mapping: dict[str, str]        # canonical column -> what it is read from, for display
    hashed: bool = False


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[pl.Series, str, str, pl.Series]] = []

    def add(self, mask: pl.Series, column: str, reason: str, raw: pl.Series) -> None:
        mask = mask.fill_null(False)
        if mask.any():
            self.items.append((mask, column, reason, raw))

    def rejected_mask(self, n: int) -> pl.Series:
        mask = pl.Series([False] * n, dtype=pl.Boolean)
        for m, _, reason, _ in self.items:
            if REASONS[reason][0] == "rejected":
                mask = mask | m
        return mask


def _raw_columns(source: Source, profile: Profile, table: str) -> tuple[dict[str, pl.Series], dict[str, str]]:
    f = source.frame
    mapping = profile.resolve(source.headers)
    raw = {c: f[h] for c, h in mapping.items()}
    shown = dict(mapping)
    for c, (parts, sep) in profile.resolve_joins(source.headers).items():
        if c not in raw:
            stripped = [values.strip(f[p]) for p in parts]
            raw[c] = pl.select(pl.concat_str(stripped, separator=sep, ignore_nulls=True).replace("", None)).to_series().alias(c)
            shown[c] = " + ".join(parts)
    if "boundary" in schema.columns(table) and "boundary" not in raw and source.has_geometry:
        raw["boundary"], shown["boundary"] = f[GEOMETRY], "(geometry)"
    key = schema.KEY[table]
    if key not in raw and profile.key_fallback == "row":
        stem = PurePath(source.name).stem
        raw[key] = f.select(pl.concat_str(pl.lit(stem + "#"), (pl.col(ROW) - 1).cast(pl.String))).to_series().alias(key)
        shown[key] = f"{stem}#<n>"
    missing = [c for c in schema.REQUIRED[table] if c not in raw]
    if missing:
        aliases = "; ".join(f"{c} ({' / '.join(profile.columns.get(c, ())[:3]) or '—'})" for c in missing)
        raise IngestError(f"{source.name}: required columns missing for profile {profile.name}: {aliases}",
                          f"{source.name}：按映射 {profile.name} 缺少必需的列：{aliases}")
    return raw, shown


def _enum(s: pl.Series, column: str, profile: Profile) -> pl.Series:
    words = {v: v for v in schema.ENUMS[column]}
    words |= {w: (v if v != "" else NONE_WORD) for w, v in profile.values.get(column, {}).items()}
    return values.words(s, words)


def clean(source: Source, profile: Profile, table: str, ctx: Context) -> Cleaned:
    cols = schema.columns(table)
    key = schema.KEY[table]
    raw, shown = _raw_columns(source, profile, table)
    n = source.frame.height
    problems = _Problems()
    out: dict[str, pl.Series] = {}
    hashed = False
    for c, s in raw.items():
        kind = cols[c]
        s = values.strip(s)   # once here; the parsers' own strip then finds nothing to do
        present = s.is_not_null()
        if kind == "id":
            v = values.ident(s)
        elif kind == "text":
            v = values.text(s)
        elif kind == "free":
            v = values.free_text(s)
        elif kind == "time":
            v = values.timestamp(s, profile.date_order, profile.timezone)
            problems.add(present & v.is_null(), c, "bad_timestamp", s)
        elif kind in ("lon", "lat"):
            v = values.number(s)
            problems.add(present & v.is_null(), c, "bad_coordinate", s)
        elif kind == "int":
            v = values.integer(s)
            problems.add(present & (v.is_null() | (v < 0)), c, "bad_number", s)
            v = pl.select(pl.when(v >= 0).then(v)).to_series()
        elif kind == "bool":
            v = values.boolean(s, {**schema.BOOLEAN_WORDS, **profile.values.get("boolean", {})})
            problems.add(present & v.is_null(), c, "unknown_value", s)
        elif kind == "enum":
            v = _enum(s, c, profile)
            problems.add(present & v.is_null(), c, "unknown_value", s)
            v = v.replace(NONE_WORD, None)
        elif kind == "hash":
            if ctx.hash_key is None:
                raise IngestError("no hashing key available for personal data")
            v, hashed = keys.hash_series(s, ctx.hash_key()), True
        else:
            continue  # geometry below
        out[c] = v.alias(c).cast(DTYPES[kind])
    for c, value in profile.constants.items():
        if c not in out:
            out[c] = pl.repeat(value, n, dtype=pl.String, eager=True).alias(c)
            shown[c] = f"= {value}"

    centroids = None
    if "boundary" in raw:
        out["boundary"], centroids = _geometry(raw["boundary"], profile.crs, problems)
    _coordinates(raw, out, table, profile.crs, problems, centroids, shown)
    if profile.closed_at_when_closed and "closed_at" in out and "status" in out:
        out["closed_at"] = pl.select(pl.when(out["status"] == "closed").then(out["closed_at"])).to_series().alias("closed_at")

    problems.add(out[key].is_null(), key, "missing_key", raw[key])
    if "received_at" in schema.REQUIRED[table]:
        problems.add(raw["received_at"].is_null() | (values.strip(raw["received_at"]).is_null()),
                     "received_at", "missing_value", raw["received_at"])
    if "closed_at" in out and "received_at" in out:
        problems.add(out["closed_at"] < out["received_at"], "closed_at", "closed_before_received",
                     raw.get("closed_at", out["closed_at"].cast(pl.String)))
    if table in ("cases", "petitions"):
        _grids(out, raw, ctx, problems, shown)

    frame = pl.DataFrame(out).with_columns(source.frame[ROW].alias("source_row"))
    rejected = problems.rejected_mask(n)
    _duplicates(frame, key, rejected, problems, raw)
    rejected = problems.rejected_mask(n)
    problem_frame = _problem_frame(problems, source, frame, table, raw, shown, rejected)
    if source.ragged:
        ragged = pl.DataFrame(
            {"source_row": [r for r, _, _ in source.ragged], "record_id": [None] * len(source.ragged),
             "column_name": [None] * len(source.ragged),
             "value": [f"{got} fields, header has {want}" for _, got, want in source.ragged],
             "reason": ["wrong_field_count"] * len(source.ragged), "action": ["rejected"] * len(source.ragged),
             "received_at": [None] * len(source.ragged), "row_json": [None] * len(source.ragged)},
            schema=PROBLEM_SCHEMA)
        problem_frame = pl.concat([ragged, problem_frame]).sort("source_row", maintain_order=True)
    flagged_rows = problem_frame.filter(pl.col("action") == "flagged")["source_row"].n_unique()
    return Cleaned(
        frame=frame.filter(~rejected), columns=[c for c in out if c != key], problems=problem_frame,
        rows_read=n + len(source.ragged), rejected=int(rejected.sum()) + len(source.ragged), flagged=flagged_rows,
        mapping=shown, hashed=hashed,
    )


def _geometry(raw: pl.Series, crs: str, problems: _Problems) -> tuple[pl.Series, tuple[np.ndarray, np.ndarray]]:
    """Polygons as WGS-84 GeoJSON, and a point inside each (NaN where there is none)."""
    texts, lons, lats, bad = [], [], [], []
    for value in raw.to_list():
        text, x, y, broken = None, np.nan, np.nan, False
        if value is not None and str(value).strip():
            try:
                g = geo.convert_geometry(geo.polygon_from(value.strip()), crs)
                if geo.outside_lonlat(g):
                    raise geo.GeometryError("coordinates outside longitude/latitude range")
                x, y = geo.centroid(g)
                text = geo.to_geojson(g)
            except geo.GeometryError:
                broken = True
        texts.append(text), lons.append(x), lats.append(y), bad.append(broken)
    problems.add(pl.Series(bad, dtype=pl.Boolean), "boundary", "bad_geometry", raw.str.slice(0, VALUE_CHARS))
    return pl.Series("boundary", texts, dtype=pl.String), (np.array(lons, float), np.array(lats, float))


def _coordinates(raw: dict, out: dict, table: str, crs: str, problems: _Problems,
                 centroids: tuple[np.ndarray, np.ndarray] | None, shown: dict) -> None:
    if table not in schema.POINT:
        return
    lon_c, lat_c = schema.POINT[table]
    if lon_c not in out and lat_c not in out:
        if centroids is not None:   # already WGS-84: the polygon was converted
            out[lon_c] = pl.Series(lon_c, centroids[0], dtype=pl.Float64).fill_nan(None)
            out[lat_c] = pl.Series(lat_c, centroids[1], dtype=pl.Float64).fill_nan(None)
            shown[lon_c] = shown[lat_c] = "(boundary centroid)"
        return
    n = len(next(iter(out.values())))
    lon = out.get(lon_c, pl.Series([None] * n, dtype=pl.Float64)).to_numpy().astype(float)
    lat = out.get(lat_c, pl.Series([None] * n, dtype=pl.Float64)).to_numpy().astype(float)
    zero = (lon == 0) & (lat == 0)       # 0,0 is how many systems write "no location"
    lon[zero], lat[zero] = np.nan, np.nan
    one_sided = np.isnan(lon) != np.isnan(lat)
    out_of_range = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    with np.errstate(invalid="ignore"):
        lon, lat = geo.to_wgs84(np.where(out_of_range, np.nan, lon), np.where(out_of_range, np.nan, lat), crs)
    bad = pl.Series(one_sided | out_of_range)
    for c in (lon_c, lat_c):
        if c in raw:
            problems.add(bad, c, "bad_coordinate", raw[c])
    keep = ~(one_sided | out_of_range)
    lon, lat = np.where(keep, lon, np.nan), np.where(keep, lat, np.nan)
    if centroids is not None:
        missing = np.isnan(lon)
        lon, lat = np.where(missing, centroids[0], lon), np.where(missing, centroids[1], lat)
    out[lon_c] = pl.Series(lon_c, lon, dtype=pl.Float64).fill_nan(None)
    out[lat_c] = pl.Series(lat_c, lat, dtype=pl.Float64).fill_nan(None)


def _grids(out: dict, raw: dict, ctx: Context, problems: _Problems, shown: dict) -> None:
    n = len(out[next(iter(out))])
    grid = out.get("grid_id", pl.Series("grid_id", [None] * n, dtype=pl.String))
    if "lon" in out and "lat" in out and ctx.grid_index is not None and len(ctx.grid_index):
        needs = grid.is_null() & out["lon"].is_not_null() & out["lat"].is_not_null()
        if needs.any():
            idx = np.flatnonzero(needs.to_numpy())
            found = ctx.grid_index.locate(out["lon"].to_numpy()[idx], out["lat"].to_numpy()[idx])
            filled = grid.to_list()
            for i, g in zip(idx.tolist(), found):
                filled[i] = g
            grid = pl.Series("grid_id", filled, dtype=pl.String)
            problems.add(needs & grid.is_null(), "lon", "outside_grids", out["lon"].cast(pl.String) + "," + out["lat"].cast(pl.String))
            out["grid_id"] = grid
            shown.setdefault("grid_id", "(point in grid boundary)")
    if "grid_id" in out and ctx.grid_ids:
        known = pl.Series(list(ctx.grid_ids), dtype=pl.String)
        problems.add(out["grid_id"].is_not_null() & ~out["grid_id"].is_in(known.implode()), "grid_id", "unknown_grid",
                     raw.get("grid_id", out["grid_id"]))


def _duplicates(frame: pl.DataFrame, key: str, rejected: pl.Series, problems: _Problems, raw: dict) -> None:
    """A key seen again in the file: the first readable row is kept, the others are set aside."""
    if not frame[key].drop_nulls().is_duplicated().any():
        return
    ok = frame.with_columns(rejected.alias("__rejected__"), frame.drop("source_row").hash_rows().alias("__hash__"))
    ok = ok.with_row_index("__i__").filter(~pl.col("__rejected__") & pl.col(key).is_not_null())
    ok = ok.with_columns(pl.col("__hash__").first().over(key).alias("__first__"),
                         pl.col(key).is_first_distinct().alias("__is_first__"))
    later = ok.filter(~pl.col("__is_first__"))
    if later.height == 0:
        return
    n = frame.height
    for reason, same in (("duplicate_row", True), ("duplicate_key", False)):
        rows = later.filter((pl.col("__hash__") == pl.col("__first__")) == same)["__i__"]
        mask = pl.Series([False] * n, dtype=pl.Boolean)
        if rows.len():
            mask = mask.scatter(rows.cast(pl.Int64).to_list(), True)
        problems.add(mask, key, reason, raw[key])


def _problem_frame(problems: _Problems, source: Source, frame: pl.DataFrame, table: str, raw: dict,
                   shown: dict, rejected: pl.Series) -> pl.DataFrame:
    key = schema.KEY[table]
    parts = []
    record = frame[key]
    received = frame["received_at"] if "received_at" in frame.columns else pl.Series([None] * frame.height, dtype=pl.Datetime("us"))
    row_json = _row_json(source, frame, shown, rejected, schema.columns(table))
    for mask, column, reason, value in problems.items:
        sub = pl.DataFrame({
            "source_row": frame["source_row"], "record_id": record.cast(pl.String).fill_null(raw[key].cast(pl.String)),
            "column_name": pl.Series([column] * frame.height, dtype=pl.String),
            "value": value.cast(pl.String).str.slice(0, VALUE_CHARS),
            "reason": pl.Series([reason] * frame.height, dtype=pl.String),
            "action": pl.Series([REASONS[reason][0]] * frame.height, dtype=pl.String),
            "received_at": received.cast(pl.Datetime("us")), "row_json": row_json,
        }).filter(mask)
        parts.append(sub)
    if not parts:
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    return pl.concat(parts).sort("source_row", maintain_order=True).cast(PROBLEM_SCHEMA)


def _row_json(source: Source, frame: pl.DataFrame, shown: dict, rejected: pl.Series, kinds: dict) -> pl.Series:
    """The rejected row as the file had it (mapped columns only; personal data as its hash, free text masked)."""
    n = frame.height
    if not rejected.any():
        return pl.Series([None] * n, dtype=pl.String)
    headers = [h for h in source.headers if h in set(shown.values())]
    by_header = {h: source.frame[h] for h in headers}
    for c, h in shown.items():
        if h in by_header and c in frame.columns and kinds.get(c) in ("hash", "free"):
            by_header[h] = frame[c].cast(pl.String)
    if not by_header:
        return pl.Series([None] * n, dtype=pl.String)
    encoded = pl.DataFrame(by_header).select(pl.struct(pl.all()).struct.json_encode()).to_series()
    return pl.select(pl.when(rejected).then(encoded)).to_series().alias("row_json")
