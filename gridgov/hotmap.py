"""The data behind the 热点地图 (hotspot map): per-grid rates with Gi*, grades, density squares, red-light cases.

Everything is aggregated in DuckDB: the browser receives one row per grid, one per occupied density
square and at most `red_points` red-light cases, never the case table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import polars as pl

from gridgov import geo, grading, hotspots, periods
from gridgov.config import Config
from gridgov.periods import Period

Fetch = Callable[..., pl.DataFrame]
RATES = ("case_rate", "petition_rate")
PERIOD_KINDS = ("half", "quarter", "month")


@dataclass(frozen=True)
class MapFilters:
    period: Period
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    street: str | None = None
    basis: str = "assessment"
    rate: str = "case_rate"   # the rate coloured and tested for hotspots


@dataclass(frozen=True)
class MapData:
    filters: MapFilters
    grids: pl.DataFrame          # every grid: counts, rates, Gi*, trend, grade of the half-year
    bins: pl.DataFrame           # bin_x, bin_y, cases
    bin_geometry: geo.Bins
    red: pl.DataFrame            # red-light cases drawn as points (at most red_points)
    red_total: int               # all red-light cases matching the filters
    half: Period                 # the half-year whose grades colour the grids
    grading: grading.Grading
    as_of: datetime


def rates(fetch: Fetch, f: MapFilters, period: Period | None = None) -> pl.DataFrame:
    """Each grid's cases (matching the filters) and petitions per 1,000 residents in the period."""
    p = period or f.period
    counts = fetch("grid_counts", start=p.start, end=p.end, categories=list(f.categories),
                   channels=list(f.channels), basis=f.basis)
    return grading.with_rates(counts)


def hotspot_frame(fetch: Fetch, f: MapFilters, nb: hotspots.Neighbours, fdr: bool) -> pl.DataFrame:
    """This period's rates with Gi* of the chosen rate, compared with the period before."""
    if f.rate not in RATES:
        raise ValueError(f"rate must be one of {RATES}")
    now = rates(fetch, f)
    before = rates(fetch, f, f.period.previous())
    analysed_now = hotspots.analyse(now.with_columns(pl.col(f.rate).alias("rate")), nb, fdr)
    analysed_before = hotspots.analyse(before.select("grid_id", pl.col(f.rate).alias("rate")), nb, fdr)
    had_data = before["cases"].sum() + before["petitions"].sum() > 0
    if not had_data:   # nothing before the data starts: no trend rather than "all new"
        analysed_before = analysed_before.with_columns(pl.lit(None, dtype=pl.String).alias("gi_class"))
    return hotspots.compare(analysed_now, analysed_before)


def half_of(period: Period) -> Period:
    """The half-year a period starts in (whose grades colour the map)."""
    return periods.containing("half", period.start)


def build(fetch: Fetch, f: MapFilters, cfg: Config, nb: hotspots.Neighbours, as_of: datetime,
          centre_latitude: float) -> MapData:
    streets = [f.street] if f.street else []
    grids = hotspot_frame(fetch, f, nb, cfg.hotspots.fdr)
    half = half_of(f.period)
    graded = grading.grade(fetch, half, cfg)
    grids = grids.join(graded.grids.select("grid_id", "grade", "previous_grade"), on="grid_id", how="left")
    b = geo.bins(cfg.hotspots.bin_m, centre_latitude)
    bins = fetch("case_density_bins", start=f.period.start, end=f.period.end, streets=streets,
                 categories=list(f.categories), channels=list(f.channels), basis=f.basis,
                 bin_lon=b.lon_step, bin_lat=b.lat_step)
    red = fetch("red_light_cases", as_of=as_of, start=f.period.start, end=f.period.end, streets=streets,
                categories=list(f.categories), channels=list(f.channels), basis=f.basis,
                row_limit=cfg.hotspots.red_points)
    red_total = int(red["red_total"][0]) if red.height else 0
    return MapData(f, grids, bins, b, red, red_total, half, graded, as_of)


def period_options(kind: str, first: datetime | None, as_of: datetime | None, limit: int = 60) -> list[Period]:
    """Periods of a kind with data, newest first (the one still running included)."""
    if first is None or as_of is None:
        return []
    out, p = [], periods.containing(kind, as_of)
    while p.end > first and len(out) < limit:
        out.append(p)
        p = p.previous()
    return out


def is_partial(period: Period, as_of: datetime | None) -> bool:
    return as_of is not None and period.end > as_of


def hotspot_summary(grids: pl.DataFrame) -> dict[str, int]:
    """Grids per Gi* class and per trend label."""
    out = {c: int((grids["gi_class"] == c).sum()) for c in hotspots.CLASSES}
    out.update({t: int((grids["trend"] == t).sum()) for t in hotspots.TRENDS})
    return out
