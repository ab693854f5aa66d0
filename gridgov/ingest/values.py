"""Cleaning one column of text as read into canonical values, vectorised with polars.

Every parser returns the parsed series and leaves a value it cannot read as null, so the caller
can tell "empty in the file" (null before) from "unreadable" (text before, null after). The
costly steps (regular expressions, Unicode folding, trying one more time format) run only on the
rows that need them, so a clean million-row export is parsed at close to polars' own speed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

import polars as pl

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
# Text that means "no value" in exports (Excel, SQL dumps, hand-typed registers), in the
# spellings met in practice (matched exactly: a hash lookup, not a lower-casing of every cell).
NULL_WORDS = ["", "null", "NULL", "Null", "none", "None", "NONE", "nan", "NaN", "NAN", "nat", "NaT", "n/a", "N/A",
              "na", "NA", "#N/A", "-", "--", "—", "/", "无数据"]

_TAGS = r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?\s*>"
_BREAKS = r"<\s*(?:br|BR|Br)\s*/?\s*>|<\s*/\s*(?:p|P|div|DIV)\s*>"
_ENTITIES = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'",
             "&ldquo;": "“", "&rdquo;": "”", "&hellip;": "…", "&mdash;": "—", "&amp;": "&"}
# Mainland resident ID numbers and mobile numbers inside free text are masked before storage.
_PERSONAL = (r"[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
             r"|(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}")
MASK = "〔已脱敏〕"
_SPACES = "\u3000\u00a0\u200b\u200c\u200d\ufeff"
_WIDE = r"[\uff01-\uff5e\u3000]"   # full-width ASCII forms and the ideographic space


def on_rows(s: pl.Series, mask: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """Apply fn to the rows where mask holds, leave the others as they are."""
    mask = mask.fill_null(False)
    if not mask.any():
        return s
    idx = mask.arg_true()
    return s.clone().scatter(idx, fn(s.gather(idx)).cast(s.dtype))   # scatter writes in place: never into the caller's


def by_distinct(s: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """fn computed once per distinct value (coded columns hold a handful), then looked up per row."""
    distinct = s.drop_nulls().unique()
    result = fn(distinct)
    return s.replace_strict(distinct, result, default=None, return_dtype=result.dtype).alias(s.name)


def nfkc(s: pl.Series) -> pl.Series:
    """Fold full-width digits, letters and punctuation (ids, numbers, words and times only)."""
    return on_rows(s, s.str.contains(_WIDE), lambda x: x.str.normalize("NFKC"))


def strip(s: pl.Series) -> pl.Series:
    """Trim whitespace (incl. full-width and zero-width spaces); words meaning "no value" become null."""
    s = s.str.strip_chars(" \t\r\n\v\f" + _SPACES)
    return pl.select(pl.when(s.is_in(NULL_WORDS)).then(None).otherwise(s)).to_series().alias(s.name)


def _unhtml(s: pl.Series) -> pl.Series:
    s = s.str.replace_all(_BREAKS, "\n").str.replace_all(_TAGS, "")
    for entity, char in _ENTITIES.items():
        s = s.str.replace_all(entity, char, literal=True)
    return s.str.replace_all(r"&#(\d+);", "")


def free_text(s: pl.Series) -> pl.Series:
    """Long text: HTML tags and entities removed, line breaks kept, phone and ID numbers masked."""
    s = on_rows(s, s.str.contains("\r", literal=True), lambda x: x.str.replace_all(r"\r\n?", "\n"))
    s = on_rows(s, s.str.contains(r"[<&]"), _unhtml)
    s = s.str.replace_all(_PERSONAL, MASK)
    s = on_rows(s, s.str.contains(r"[ \t\u3000]\n|\n\n\n"),
                lambda x: x.str.replace_all(r"[ \t\u3000]+\n", "\n").str.replace_all(r"\n{3,}", "\n\n"))
    return strip(s)


def text(s: pl.Series) -> pl.Series:
    """Short text: HTML residue removed and inner runs of whitespace collapsed."""
    s = on_rows(s, s.str.contains(r"[<&]"), lambda x: x.str.replace_all(_TAGS, "")
                .str.replace_all("&nbsp;", " ", literal=True).str.replace_all("&amp;", "&", literal=True))
    s = on_rows(s, s.str.contains(r"\s\s|[\t\r\n\u3000]"), lambda x: x.str.replace_all(r"[\s\u3000]+", " "))
    return strip(s)


def ident(s: pl.Series) -> pl.Series:
    """Identifiers: full-width folded, all whitespace removed, a float's ".0" tail (Excel) dropped."""
    s = nfkc(strip(s))
    s = on_rows(s, s.str.contains(r"\s|\.0+$"),
                lambda x: x.str.replace_all(r"\s+", "").str.replace(r"^(\d+)\.0+$", "${1}"))
    return strip(s)


def number(s: pl.Series) -> pl.Series:
    """Decimal numbers: thousands separators and trailing units (人, 户, 个) tolerated."""
    s = nfkc(strip(s))
    s = on_rows(s, s.str.contains(r"[,\s人户个名]"),
                lambda x: x.str.replace_all(",", "", literal=True).str.replace(r"\s*(人|户|个|名)$", "").str.strip_chars())
    return s.cast(pl.Float64, strict=False)


def integer(s: pl.Series) -> pl.Series:
    """Whole numbers; 12.0 is 12, 12.5 is unreadable."""
    f = number(s)
    whole = f.is_not_null() & (f == f.round(0)) & (f.abs() < 2**31)
    return pl.select(pl.when(whole).then(f).otherwise(None).cast(pl.Int32)).to_series().alias(s.name)


def words(s: pl.Series, mapping: dict[str, object], dtype: pl.DataType = pl.String) -> pl.Series:
    """Map words (case-insensitive, trimmed) through a word map; unknown words become null."""
    lowered = {str(k).strip().lower().replace(" ", ""): v for k, v in mapping.items()}

    def lookup(distinct: pl.Series) -> pl.Series:
        keys = nfkc(strip(distinct)).str.to_lowercase().str.replace_all(r"\s+", "")
        return keys.replace_strict(lowered, default=None, return_dtype=dtype)
    return by_distinct(s, lookup)


def boolean(s: pl.Series, mapping: dict[str, bool]) -> pl.Series:
    return words(s, mapping, pl.Boolean)


# Formats tried on the text as it is (one of them fits almost every export), then, for the rows
# still unread, on a normalised copy (年月日, 上午/下午, T, unpadded parts, UTC offsets, serials).
_DIRECT = {
    "ymd": ["%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"],
    "mdy": ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y"],
    "dmy": ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y"],
}
_FORMATS = {
    "ymd": ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p",
            "%Y-%m-%d", "%Y%m%d%H%M%S", "%Y%m%d"],
    "mdy": ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"],
    "dmy": ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y"],
}
_YMD = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?"
_WITH_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"
_DATETIME = pl.Datetime("us")


def _try_formats(s: pl.Series, formats: list[str]) -> pl.Series:
    """Each value parsed by the first format that reads it; later formats only see what is left."""
    out = pl.Series(s.name, [None] * len(s), dtype=_DATETIME)
    todo = s.is_not_null()
    for f in formats:
        if not todo.any():
            break
        idx = todo.arg_true()
        parsed = s.gather(idx).str.strptime(_DATETIME, f, strict=False)
        out = out.scatter(idx, parsed)
        todo = todo.scatter(idx, parsed.is_null())
    return out


def _normalised(t: pl.Series, date_order: str, timezone: str) -> pl.Series:
    """The slow path: rewrite the many spellings into a few, then try every format."""
    t = (nfkc(t).str.replace(_YMD, "${1}-${2}-${3}")
         .str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})[T\s]+", "${1} ")
         .str.replace_all(r"(\d{1,2})\s*[时点]\s*(\d{1,2})\s*分\s*(?:(\d{1,2})\s*秒)?", "${1}:${2}:${3}")
         .str.replace(r":$", ":00")
         .str.replace(r"(上午|凌晨|早上|AM|am)\s*(\d{1,2}:\d{1,2}(?::\d{1,2})?)$", "${2} AM")
         .str.replace(r"(下午|晚上|中午|PM|pm)\s*(\d{1,2}:\d{1,2}(?::\d{1,2})?)$", "${2} PM")
         .str.replace(r"\s+(am|pm)$", " AM").str.replace_all(r"\s+", " "))
    formats = _FORMATS[date_order] + (_FORMATS["ymd"] if date_order != "ymd" else [])
    out = _try_formats(t.str.replace(_WITH_OFFSET, ""), formats)
    offset = t.str.contains(_WITH_OFFSET) & out.is_not_null()
    if offset.any():
        aware = (t.str.replace(r"Z$", "+00:00").str.replace(r"([+-]\d{2})(\d{2})$", "${1}:${2}")
                 .str.replace(r"^(\d{4}-\d{1,2}-\d{1,2}) ", "${1}T")
                 .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="us")
                 .dt.convert_time_zone(timezone).dt.replace_time_zone(None))
        out = pl.select(pl.when(offset).then(aware).otherwise(out)).to_series()
    serial = t.str.contains(r"^\d{5}(\.\d+)?$")
    if serial.any():
        days = t.cast(pl.Float64, strict=False)
        excel = pl.lit(datetime(1899, 12, 30)) + pl.duration(microseconds=pl.lit((days * 86_400_000_000).round(0)))
        out = pl.select(pl.when(serial).then(excel).otherwise(out)).to_series().cast(_DATETIME)
    return out


def timestamp(s: pl.Series, date_order: str = "ymd", timezone: str = "Asia/Shanghai") -> pl.Series:
    """Mixed timestamp formats in one column -> naive local datetimes.

    Understands 2019/4/25 9:32:09 (unpadded), ISO 8601 (with T, fractions, or a UTC offset,
    converted to `timezone`), 2019年4月25日 下午3时5分, US 12-hour 12/25/2013 11:59:08 PM (when
    date_order is "mdy"), day-first dates ("dmy"), 20190425, and Excel serial day numbers.
    Values outside 1990-2100 are unreadable rather than silently wrong.
    """
    if date_order not in _FORMATS:
        raise ValueError(f"date_order must be one of {', '.join(_FORMATS)}")
    raw = strip(s)
    out = _try_formats(raw, _DIRECT[date_order])
    left = raw.is_not_null() & out.is_null()
    if left.any():
        idx = left.arg_true()
        out = out.scatter(idx, _normalised(raw.gather(idx), date_order, timezone))
    year = out.dt.year()
    plausible = (year >= EARLIEST_YEAR) & (year <= LATEST_YEAR)
    return pl.select(pl.when(plausible).then(out).otherwise(None)).to_series().alias(s.name)
