"""Header profiles: declarative TOML files mapping an export's columns onto the canonical schema.

Built-in profiles live in gridgov/ingest/profiles/; profiles users save from the import page go
to GRIDGOV_PROFILES_DIR (default data/profiles/). A profile is picked from the headers when the
user names none: every column in its `detect` list must be found, and the profile that finds the
most columns wins; a tie is reported, never settled by a guess.
"""
from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import geo, schema
from .problems import IngestError

BUILTIN_DIR = Path(__file__).resolve().parent / "profiles"
USER_ENV = "GRIDGOV_PROFILES_DIR"
DEFAULT_USER_DIR = Path("data/profiles")
NAME = re.compile(r"[a-z][a-z0-9_]{1,40}")
DATE_ORDERS = ("ymd", "mdy", "dmy")


def normalise(header: str) -> str:
    return re.sub(r"[\s_]+", "", unicodedata.normalize("NFKC", str(header))).lower()


@dataclass(frozen=True)
class Profile:
    name: str
    table: str
    title_zh: str
    title_en: str
    detect: tuple[str, ...] = ()
    crs: str = "wgs84"
    date_order: str = "ymd"
    timezone: str = "Asia/Shanghai"
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    join: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    key_fallback: str | None = None          # "row": file stem + feature number when no id column
    closed_at_when_closed: bool = False      # the mapped close time counts only for closed rows
    builtin: bool = True

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def resolve(self, headers: list[str]) -> dict[str, str]:
        """Canonical column -> the file's header it is read from (first alias found)."""
        by_norm = {}
        for h in headers:
            by_norm.setdefault(normalise(h), h)
        found = {}
        for column, aliases in self.columns.items():
            for alias in aliases:
                if normalise(alias) in by_norm:
                    found[column] = by_norm[normalise(alias)]
                    break
        return found

    def resolve_joins(self, headers: list[str]) -> dict[str, tuple[list[str], str]]:
        by_norm = {normalise(h): h for h in headers}
        out = {}
        for column, (parts, sep) in self.join.items():
            present = [by_norm[normalise(p)] for p in parts if normalise(p) in by_norm]
            if present:
                out[column] = (present, sep)
        return out

    def fits(self, headers: list[str]) -> int | None:
        """How many columns this profile finds in the headers, or None when a detect column is missing."""
        found = set(self.resolve(headers)) | set(self.resolve_joins(headers))
        if not set(self.detect) <= found:
            return None
        return len(found)

    def with_mapping(self, mapping: dict[str, str], name: str | None = None, title: str | None = None) -> "Profile":
        """A copy reading each canonical column from exactly the given header (the page's editor)."""
        columns = {c: (h,) for c, h in mapping.items() if h}
        joins = {c: j for c, j in self.join.items() if c not in columns}
        return replace(self, name=name or self.name, title_zh=title or self.title_zh, title_en=title or self.title_en,
                       columns=columns, join=joins, detect=tuple(c for c in self.detect if c in columns or c in joins),
                       builtin=False)


def _check(p: Profile, origin: str) -> Profile:
    cols = schema.columns(p.table)
    unknown = [c for c in [*p.columns, *p.join, *p.constants, *p.detect] if c not in cols]
    if unknown:
        raise IngestError(f"profile {origin}: {p.table} has no column {', '.join(unknown)}")
    for column, words in p.values.items():
        if column == "boolean":
            if not all(isinstance(v, bool) for v in words.values()):
                raise IngestError(f"profile {origin}: [values.boolean] maps words to true or false")
            continue
        allowed = schema.ENUMS.get(column)
        if allowed is None or cols.get(column) != "enum":
            raise IngestError(f"profile {origin}: [values.{column}] is not a coded column of {p.table}")
        bad = [v for v in words.values() if v not in allowed and v != ""]
        if bad:
            raise IngestError(f"profile {origin}: [values.{column}] maps to {bad}; allowed: {', '.join(allowed)}")
    for column, value in p.constants.items():
        if cols[column] == "enum" and value not in schema.ENUMS[column]:
            raise IngestError(f"profile {origin}: constant {column} = {value!r} is not one of {schema.ENUMS[column]}")
    if p.crs not in geo.CRS:
        raise IngestError(f"profile {origin}: crs must be one of {', '.join(geo.CRS)}")
    if p.date_order not in DATE_ORDERS:
        raise IngestError(f"profile {origin}: date_order must be one of {', '.join(DATE_ORDERS)}")
    return p


def parse(text: str, origin: str = "<text>", builtin: bool = False) -> Profile:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise IngestError(f"profile {origin}: invalid TOML ({e})") from None
    try:
        if raw.get("table") not in schema.TABLES:
            raise IngestError(f"profile {origin}: table must be one of {', '.join(schema.TABLES)}")
        columns = {c: (v,) if isinstance(v, str) else tuple(v) for c, v in raw.get("columns", {}).items()}
        join = {c: (tuple(v["columns"]), str(v.get("sep", "\n"))) for c, v in raw.get("join", {}).items()}
        profile = Profile(
            name=str(raw["name"]), table=raw["table"], title_zh=str(raw.get("title_zh", raw["name"])),
            title_en=str(raw.get("title_en", raw["name"])), detect=tuple(raw.get("detect", ())),
            crs=str(raw.get("crs", "wgs84")), date_order=str(raw.get("date_order", "ymd")),
            timezone=str(raw.get("timezone", "Asia/Shanghai")), columns=columns, join=join,
            constants={k: str(v) for k, v in raw.get("constants", {}).items()},
            values={k: dict(v) for k, v in raw.get("values", {}).items()},
            key_fallback=raw.get("key_fallback"), closed_at_when_closed=bool(raw.get("closed_at_when_closed", False)),
            builtin=builtin,
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise IngestError(f"profile {origin}: malformed ({e})") from None
    return _check(profile, origin)


def user_dir() -> Path:
    return Path(os.environ.get(USER_ENV) or DEFAULT_USER_DIR)


def all_profiles() -> dict[str, Profile]:
    """Built-in profiles, then the user's (a user profile never replaces a built-in one)."""
    found: dict[str, Profile] = {}
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        p = parse(path.read_text(encoding="utf-8"), path.name, builtin=True)
        found[p.name] = p
    folder = user_dir()
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                p = parse(path.read_text(encoding="utf-8"), path.name)
            except (IngestError, UnicodeDecodeError):
                continue  # a broken user file must not break every import; the page lists it
            if p.name not in found:
                found[p.name] = p
    return found


def for_table(table: str) -> dict[str, Profile]:
    return {n: p for n, p in all_profiles().items() if p.table == table}


def get(name: str, table: str | None = None) -> Profile:
    profiles = all_profiles()
    if name not in profiles:
        raise IngestError(f"no profile named {name!r}; known: {', '.join(sorted(profiles))}",
                          f"没有名为 {name} 的表头映射；现有：{'、'.join(sorted(profiles))}")
    p = profiles[name]
    if table and p.table != table:
        raise IngestError(f"profile {name} is for {p.table}, not {table}",
                          f"表头映射 {name} 用于 {p.table}，不能导入 {table}")
    return p


def detect(table: str, headers: list[str], has_geometry: bool = False) -> Profile:
    """The one profile that fits these headers best; an error naming the candidates otherwise."""
    scored = []
    for p in for_table(table).values():
        n = p.fits(headers)
        if n is None or (p.key_fallback and not has_geometry):
            continue
        scored.append((n, len(p.detect), p))
    if not scored:
        shown = ", ".join(headers[:8]) + ("…" if len(headers) > 8 else "")
        raise IngestError(
            f"no profile for {table} fits these headers ({shown}); choose one with --profile or save a mapping on the import page",
            f"没有适用于这些表头（{shown}）的{table}映射；请指定映射，或在“数据导入”页保存一个")
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    best = scored[0]
    tied = [s[2].name for s in scored if (s[0], s[1]) == (best[0], best[1])]
    if len(tied) > 1:
        raise IngestError(f"several profiles fit equally well ({', '.join(tied)}); choose one with --profile",
                          f"多个表头映射同样适用（{'、'.join(tied)}），请指定一个")
    return best[2]


def header_score(table: str):
    """A scorer for readers: how many cells of a row are headers some profile of this table knows."""
    known = {normalise(a) for p in for_table(table).values()
             for a in [*(x for v in p.columns.values() for x in v), *(x for v, _ in p.join.values() for x in v)]}
    return lambda cells: sum(1 for c in cells if c and normalise(c) in known)


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def to_toml(p: Profile) -> str:
    """The profile as a TOML file that parse() reads back to an equal profile."""
    lines = [f"name = {_q(p.name)}", f"table = {_q(p.table)}", f"title_zh = {_q(p.title_zh)}",
             f"title_en = {_q(p.title_en)}", "detect = [" + ", ".join(_q(d) for d in p.detect) + "]",
             f"crs = {_q(p.crs)}", f"date_order = {_q(p.date_order)}", f"timezone = {_q(p.timezone)}",
             f"closed_at_when_closed = {'true' if p.closed_at_when_closed else 'false'}"]
    if p.key_fallback:
        lines.append(f"key_fallback = {_q(p.key_fallback)}")
    lines += ["", "[columns]"] + [f"{c} = [" + ", ".join(_q(a) for a in al) + "]" for c, al in p.columns.items()]
    for c, (parts, sep) in p.join.items():
        lines += ["", f"[join.{c}]", "columns = [" + ", ".join(_q(x) for x in parts) + "]", f"sep = {_q(sep)}"]
    if p.constants:
        lines += ["", "[constants]"] + [f"{c} = {_q(v)}" for c, v in p.constants.items()]
    for c, words in p.values.items():
        lines += ["", f"[values.{c}]"]
        lines += [f"{_q(w)} = " + (("true" if v else "false") if isinstance(v, bool) else _q(str(v)))
                  for w, v in words.items()]
    return "\n".join(lines) + "\n"


def save(p: Profile) -> Path:
    """Write a user profile; refuses a bad name or one taken by a built-in profile."""
    if not NAME.fullmatch(p.name):
        raise IngestError("a profile name is 2-41 lower-case letters, digits or _, starting with a letter",
                          "映射名称须为 2–41 个小写字母、数字或下划线，以字母开头")
    builtin = {path.stem for path in BUILTIN_DIR.glob("*.toml")}
    if p.name in builtin:
        raise IngestError(f"{p.name} is a built-in profile; choose another name", f"{p.name} 是内置映射名称，请换一个")
    text = to_toml(replace(p, builtin=False))
    parse(text, p.name)  # never write a file that would not load
    folder = user_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{p.name}.toml"
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
