"""Words of the briefing: phrase templates (Chinese and English) and the helpers that turn numbers
into clauses. Values and changes are worded from measures.format_value / format_change, so the
text shows exactly the figures the pages and tables show."""
from __future__ import annotations

from typing import TYPE_CHECKING

from gridgov import measures
from gridgov.i18n import t as ui_text

if TYPE_CHECKING:
    from gridgov.briefing.model import Briefing

LANGS = ("zh", "en")

PHRASES: dict[str, tuple[str, str]] = {
    "title": ("党建引领网格治理工作简报", "Grid governance briefing"),
    "subtitle": ("{period} · {scope}", "{period} · {scope}"),
    "as_of_line": ("数据截至{as_of}", "Data as of {as_of}"),
    "basis_line": ("统计口径：{basis}；口径版本：{version}", "Basis: {basis}; definitions version: {version}"),
    "district": ("全区", "the district"),
    "this_week": ("本周", "This week"), "this_month": ("本月", "This month"),
    "this_quarter": ("本季度", "This quarter"), "this_half": ("本半年度", "This half-year"),
    "up": ("上升", "up "), "down": ("下降", "down "), "flat": ("持平", "unchanged"),
    "mom": ("环比{change}", "{change} on the previous period"),
    "mom_none": ("环比无可比数据", "no previous period to compare with"),
    "yoy": ("同比{change}", "{change} on a year earlier"),
    "yoy_none": ("去年同期无数据", "no data a year earlier"),
    "sep": ("，", ", "), "semi": ("；", "; "), "end": ("。", "."), "list": ("、", ", "),
    "none": ("无", "none"),
}


def t(key: str, lang: str, **fields) -> str:
    zh, en = PHRASES[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    return lang


def value(measure: str, v) -> str:
    """A figure as the pages show it ("—" when undefined)."""
    return measures.format_value(measure, v)


def count(v: int | None, lang: str, unit: str = "件") -> str:
    """A count with its measure word: 2,794件 / 2,794."""
    shown = measures.format_value("received", v)
    return shown + (unit if lang == "zh" else "")


def change(measure: str, current, previous, lang: str) -> str | None:
    """上升3.2% / 下降0.5个百分点 / 持平 (None when either value is undefined or the base is zero)."""
    signed = measures.format_change(measure, current, previous, lang)
    if signed is None:
        return None
    sign, magnitude = signed[0], signed[1:]
    digits = "".join(ch for ch in magnitude if ch.isdigit())
    if digits.strip("0") == "":
        return t("flat", lang)
    if measures.ALL_MEASURES[measure].kind == "score" and lang == "zh":
        magnitude += "分"
    return t("up" if sign == "+" else "down", lang) + magnitude


def comparisons(measure: str, current: dict, previous: dict | None, year_ago: dict | None, lang: str) -> str:
    """环比…，同比… for one measure; states plainly when a comparison has no data."""
    value_now = current.get(measure)
    mom = change(measure, value_now, previous.get(measure), lang) if previous is not None else None
    yoy = change(measure, value_now, year_ago.get(measure), lang) if year_ago is not None else None
    parts = [t("mom", lang, change=mom) if mom else t("mom_none", lang),
             t("yoy", lang, change=yoy) if yoy else t("yoy_none", lang)]
    return t("sep", lang).join(parts)


def period_word(kind: str, lang: str) -> str:
    return t("this_" + kind, lang)


def names(items: list[str], lang: str) -> str:
    return t("list", lang).join(items) if items else t("none", lang)


def measure_label(measure: str, lang: str) -> str:
    return measures.ALL_MEASURES[measure].label(lang)


def basis_label(basis: str, lang: str) -> str:
    return ui_text("basis_" + basis, lang)


def as_of_text(moment, lang: str) -> str:
    return f"{moment:%Y年%m月%d日 %H:%M}" if lang == "zh" else f"{moment:%Y-%m-%d %H:%M}"


def header_lines(b: "Briefing") -> list[str]:
    return [t("subtitle", b.lang, period=b.period_title, scope=b.scope),
            t("as_of_line", b.lang, as_of=as_of_text(b.as_of, b.lang)),
            t("basis_line", b.lang, basis=basis_label(b.basis, b.lang), version=b.definitions_version)]


def sentence(parts: list[str], lang: str) -> str:
    """Clauses joined by Chinese commas (or English ones) and closed with a full stop."""
    body = t("sep", lang).join(p for p in parts if p)
    return body + t("end", lang)


def sentences(parts: list[str], lang: str) -> str:
    """Whole sentences run together (with a space between them in English)."""
    return ("" if lang == "zh" else " ").join(p for p in parts if p)
