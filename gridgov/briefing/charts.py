"""The briefing's charts as PNG images, drawn with matplotlib in a CJK font found on the machine
(no browser, no kaleido). Colours are the dashboard's (ui.charts), so a chart in the document
looks like the one on the page."""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gridgov import grading
from gridgov.briefing.model import Chart
from gridgov.i18n import t as ui_text
from ui.charts import LIGHTS, MUTED, PRIMARY, SECONDARY, TARGET

# Families tried in order: Debian's fonts-noto-cjk first, then what Windows and macOS ship.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                "Microsoft YaHei", "SimHei", "PingFang SC", "Noto Sans CJK JP")
WIDTH_IN = 6.1     # the text block of an A4 page with 公文 margins (156 mm)
DPI = 200


class NoCJKFont(RuntimeError):
    """No font on this machine can draw Chinese labels."""


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """The first CJK family matplotlib knows; raises NoCJKFont with what to install."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    raise NoCJKFont("no CJK font found for the briefing's charts: install Noto CJK "
                    "(Debian: apt-get install fonts-noto-cjk) or one of " + ", ".join(CJK_FAMILIES))


def _style() -> dict:
    return {"font.family": [cjk_family(), "DejaVu Sans"], "font.size": 8.5, "axes.spines.top": False,
            "axes.spines.right": False, "axes.edgecolor": "#999999", "axes.titlesize": 9.5,
            "legend.frameon": False, "legend.fontsize": 8, "axes.unicode_minus": False}


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def _volume(chart: Chart, lang: str) -> Figure:
    frame = chart.frame
    monthly = chart.options.get("granularity") == "month"
    labels = [f"{d:%Y-%m}" if monthly else f"{d:%m-%d}" for d in frame["bucket"].to_list()]
    fig = _figure(2.6)
    ax = fig.add_subplot()
    x = list(range(len(labels)))
    now = [v if v is not None else 0 for v in frame["received"].to_list()]
    bars = ax.bar(x, now, color=PRIMARY, width=0.62, label="本期" if lang == "zh" else "This year")
    ax.bar_label(bars, labels=[f"{v:,}" for v in now], fontsize=6.5, padding=1.5)
    before = frame["received_year_ago"].to_list()
    if any(v is not None for v in before):
        ax.plot(x, [float("nan") if v is None else v for v in before], color=SECONDARY, marker="o", markersize=2.5,
                linewidth=1.2, linestyle="--", label="去年同期" if lang == "zh" else "A year earlier")
    ax.set_xticks(x, labels, fontsize=7.5)
    ax.set_ylabel("件" if lang == "zh" else "cases")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylim(0, max(now + [v or 0 for v in before] + [1]) * 1.18)
    ax.legend(loc="upper left", ncols=2)
    ax.grid(axis="y", color="#eeeeee")
    ax.set_axisbelow(True)
    return fig


def _ranking(chart: Chart, lang: str) -> Figure:
    frame = chart.frame
    names = frame["unit_name"].to_list()[::-1]
    scores = [None if v is None else v * 100 for v in frame["composite_score"].to_list()][::-1]
    small = frame["small_sample"].to_list()[::-1]
    fig = _figure(max(1.6, 0.24 * len(names) + 0.6))
    ax = fig.add_subplot()
    y = list(range(len(names)))
    colours = [MUTED if s else PRIMARY for s in small]
    bars = ax.barh(y, [v or 0 for v in scores], color=colours, height=0.62)
    ax.bar_label(bars, labels=["—" if v is None else f"{v:.1f}" + (" *" if s else "") for v, s in zip(scores, small)],
                 fontsize=7, padding=2)
    ax.set_yticks(y, names, fontsize=7.5)
    known = [v for v in scores if v is not None]
    low = max(0.0, min(known) - 10) if known else 0.0
    ax.set_xlim(low, 102)
    target = chart.options.get("target")
    if target is not None:
        ax.axvline(target * 100, color=TARGET, linestyle="--", linewidth=1)
        ax.text(target * 100, -0.75, ("目标 " if lang == "zh" else "target ") + f"{target * 100:.1f}",
                fontsize=7, color=TARGET, ha="right", va="center")
        ax.set_ylim(-1.3, len(names) - 0.5)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    return fig


def _grades(chart: Chart, lang: str) -> Figure:
    frame = chart.frame.sort("unit_name", descending=True)
    names = frame["unit_name"].to_list()
    fig = _figure(max(1.6, 0.24 * len(names) + 0.7))
    ax = fig.add_subplot()
    y = list(range(len(names)))
    left = [0] * len(names)
    for grade in grading.GRADES:
        values = frame[grade].to_list()
        ax.barh(y, values, left=left, color=LIGHTS[grade], height=0.62, label=ui_text("grade_" + grade, lang))
        for i, v in enumerate(values):
            if v >= 3:
                ax.text(left[i] + v / 2, i, str(v), ha="center", va="center", fontsize=6.5,
                        color="white" if grade in ("red", "green") else "#333333")
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(y, names, fontsize=7.5)
    ax.set_xlabel("网格数" if lang == "zh" else "grids")
    ax.legend(loc="lower right", ncols=4, bbox_to_anchor=(1, 1))
    return fig


def _categories(chart: Chart, lang: str) -> Figure:
    frame = chart.frame
    names = frame["unit_name"].to_list()[::-1]
    now = frame["received"].to_list()[::-1]
    before = frame["received_before"].to_list()[::-1]
    fig = _figure(max(1.6, 0.3 * len(names) + 0.6))
    ax = fig.add_subplot()
    y = list(range(len(names)))
    bars = ax.barh([v + 0.18 for v in y], now, height=0.36, color=PRIMARY, label="本期" if lang == "zh" else "This period")
    ax.barh([v - 0.18 for v in y], before, height=0.36, color=MUTED, label="上期" if lang == "zh" else "Previous")
    ax.bar_label(bars, labels=[f"{v:,}" for v in now], fontsize=6.5, padding=2)
    ax.set_yticks(y, names, fontsize=7.5)
    ax.legend(loc="lower right")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    return fig


def _bars(chart: Chart, lang: str) -> Figure:
    column = chart.options["value"]
    frame = chart.frame.sort([column, "unit_name"], descending=[False, True])
    names, values = frame["unit_name"].to_list(), frame[column].to_list()
    fig = _figure(max(1.6, 0.24 * len(names) + 0.6))
    ax = fig.add_subplot()
    y = list(range(len(names)))
    bars = ax.barh(y, values, color=PRIMARY, height=0.62)
    minimum = chart.options.get("min_label", 0)
    # counts below the privacy minimum are not printed (the table shows them as "<n")
    ax.bar_label(bars, labels=[f"{v:,}" if v >= minimum else "" for v in values], fontsize=7, padding=2)
    ax.set_yticks(y, names, fontsize=7.5)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    return fig


DRAW = {"volume": _volume, "ranking": _ranking, "grades": _grades, "categories": _categories, "bars": _bars}


def render(chart: Chart, lang: str = "zh") -> bytes:
    """One chart as PNG bytes."""
    with matplotlib.rc_context(_style()):
        return _png(DRAW[chart.kind](chart, lang))
