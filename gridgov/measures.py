"""Every measure, defined once: its formula over additive counts, its labels and its definition.

Queries return additive counts (queries/case_counts.sql, petition_counts.sql); this module turns
summed counts into measures. A rate whose denominator is zero is undefined (null, shown "—").
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from gridgov.config import Config

# Additive counts returned by case_counts.sql and petition_counts.sql.
CASE_COUNTS = (
    "received", "closed", "closed_with_deadline", "closed_on_time", "rated", "rated_contacted",
    "rated_resolved", "satisfied", "basically_satisfied", "dissatisfied", "repeats",
)
PETITION_COUNTS = ("petitions", "repeat_petitions", "skip_level_petitions", "collective_petitions")
ALL_COUNTS = CASE_COUNTS + PETITION_COUNTS


@dataclass(frozen=True)
class Measure:
    name: str
    kind: str  # "count", "rate" (a fraction 0-1) or "score"
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    denominator: str | None = None  # the count a rate divides by (for small-sample marks)
    higher_is_better: bool = True

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def definition(self, lang: str) -> str:
        return self.definition_zh if lang == "zh" else self.definition_en


_MEASURES = [
    Measure("received", "count", "受理量", "Received",
            "统计期内受理（受理时间在期内）的工单数；考核口径剔除不纳入考核的工单。",
            "Cases received in the period; the assessment basis leaves excluded cases out."),
    Measure("closed", "count", "办结量", "Closed",
            "统计期内受理的工单中，状态为已办结的件数。",
            "Cases received in the period whose status is closed."),
    Measure("completion_rate", "rate", "办结率", "Completion rate",
            "办结率 = 办结量 ÷ 受理量（同一批受理工单）。",
            "Completion rate = closed ÷ received (the period's cohort).", "received"),
    Measure("on_time_rate", "rate", "按期办结率", "On-time rate",
            "按期办结率 = 办结时间不晚于办结时限的办结件 ÷ 有办结时限的办结件。",
            "On-time rate = closed on or before the deadline ÷ closed cases with a deadline.",
            "closed_with_deadline"),
    Measure("rated", "count", "回访量", "Rated",
            "有回访评价结果（满意度不为空）的工单数。",
            "Cases with a follow-up rating (satisfaction not empty)."),
    Measure("response_rate", "rate", "响应率", "Response rate",
            "响应率 = 回访件中承办单位已联系群众的件数 ÷ 回访量。",
            "Response rate = rated cases whose unit contacted the resident ÷ rated cases.", "rated"),
    Measure("resolution_rate", "rate", "解决率", "Resolution rate",
            "解决率 = 回访件中群众认为问题已解决的件数 ÷ 回访量。",
            "Resolution rate = rated cases the resident called solved ÷ rated cases.", "rated"),
    Measure("satisfaction_rate", "rate", "满意率", "Satisfaction rate",
            "满意率 = （满意 + 权重 × 基本满意）÷ 回访量；权重见配置（默认 1.0）。",
            "Satisfaction rate = (satisfied + w × basically satisfied) ÷ rated cases; w is configured (default 1.0).",
            "rated"),
    Measure("composite_score", "score", "综合得分", "Composite score",
            "综合得分 = 0.1×响应率 + 0.5×解决率 + 0.4×满意率（权重见配置）。",
            "Composite score = 0.1·response + 0.5·resolution + 0.4·satisfaction (weights configured).",
            "rated"),
    Measure("repeat_rate", "rate", "重复诉求率", "Repeat rate",
            "重复诉求率 = 重复诉求件数 ÷ 受理量。",
            "Repeat rate = repeat requests ÷ cases received.", "received", higher_is_better=False),
    Measure("petitions", "count", "信访量", "Petitions",
            "统计期内登记的信访件数（信、访、网）。",
            "Petitions registered in the period (letter, visit, online).", higher_is_better=False),
]

MEASURES: dict[str, Measure] = {m.name: m for m in _MEASURES}
# The keys `python -m gridgov metrics` prints, in order (CLI.md).
METRIC_KEYS = tuple(MEASURES)

# Measures of the analytics pages (诉求办理, 三色督办, 信访) beyond the period measures above. Kept
# apart from MEASURES, which `metrics` prints and the workbench pivots over case counts.
_PAGE_MEASURES = [
    Measure("grid_handled_share", "rate", "网格内办理占比", "Handled in the grid",
            "网格内办理占比 = 承办层级为网格的工单 ÷ 受理量（“小事不出网格”）。",
            "Handled in the grid = cases whose handling level is the grid ÷ cases received (small matters stay in the grid).",
            "received"),
    Measure("cases_per_10k", "per", "万人诉求比", "Requests per 10,000",
            "万人诉求比 = 受理量 ÷ 常住人口 × 10,000；人口为所辖网格常住人口之和，未匹配网格的工单不计入各单位。",
            "Requests per 10,000 residents = cases received ÷ population × 10,000 (the population of the unit's grids).",
            higher_is_better=False),
    Measure("red_cases", "count", "红灯", "Red",
            "红灯：截至所选时点未办结且已超过办结时限，或重复诉求尚未办结，或已办结但群众不满意。",
            "Red: as of the chosen moment not closed and past its deadline, or a repeat complaint not yet closed, "
            "or closed with the resident dissatisfied.", higher_is_better=False),
    Measure("yellow_cases", "count", "黄灯", "Yellow",
            "黄灯：截至所选时点未办结、仍在办结时限内（非重复诉求）。",
            "Yellow: as of the chosen moment not closed and within its deadline (not a repeat complaint).",
            higher_is_better=False),
    Measure("green_cases", "count", "绿灯", "Green",
            "绿灯：截至所选时点已办结且群众未表示不满意（含未回访）。已撤销的工单不亮灯。",
            "Green: closed by the chosen moment and the resident not dissatisfied (unrated included). "
            "Cancelled cases get no light."),
    Measure("repeat_petitions", "count", "重复访", "Repeat petitions",
            "统计期内登记的重复信访件数。", "Repeat petitions registered in the period.", higher_is_better=False),
    Measure("skip_level_petitions", "count", "越级访", "Skip-level petitions",
            "统计期内登记的越级信访件数。", "Skip-level petitions registered in the period.", higher_is_better=False),
    Measure("collective_petitions", "count", "集体访", "Collective petitions",
            "统计期内登记的集体信访件数。", "Collective petitions registered in the period.", higher_is_better=False),
    Measure("timely_acceptance_rate", "rate", "及时受理率", "Timely acceptance",
            "及时受理率 = 登记后受理期限内（见配置，默认 15 日）受理的信访件 ÷ 已受理或受理期限已过的信访件。",
            "Timely acceptance = petitions accepted within the acceptance limit (configured, default 15 days) "
            "÷ petitions accepted or past that limit.", "acceptance_due"),
    Measure("petition_on_time_rate", "rate", "信访按期办结率", "Petitions closed on time",
            "信访按期办结率 = 办结时间不晚于办理期限的办结信访件 ÷ 有办理期限的办结信访件。",
            "Petitions closed on time = closed on or before the deadline ÷ closed petitions with a deadline.",
            "petitions_closed_with_deadline"),
    Measure("petition_satisfaction_rate", "rate", "信访满意率", "Petition satisfaction",
            "信访满意率 = （满意 + 权重 × 基本满意）÷ 有评价的信访件；权重同工单满意率。",
            "Petition satisfaction = (satisfied + w × basically satisfied) ÷ rated petitions; w as for cases.",
            "petitions_rated"),
    Measure("petitions_per_1000", "per", "千人信访量", "Petitions per 1,000",
            "千人信访量 = 信访量 ÷ 常住人口 × 1,000；人口为所辖网格常住人口之和。",
            "Petitions per 1,000 residents = petitions ÷ population × 1,000 (the population of the unit's grids).",
            higher_is_better=False),
    Measure("escalated_petitions", "count", "诉转访", "Case then petition",
            "诉转访件数：登记前若干日内（见配置，默认 90 日）有同一来电人（来电人标识 = 信访人标识），"
            "或同一网格、对应类别（类别对照见配置）工单的信访件。",
            "Petitions preceded, within the configured window (default 90 days), by a case from the same person "
            "(caller key = petitioner key) or from the same grid in a mapped category.", higher_is_better=False),
    Measure("escalation_share", "rate", "诉转访占比", "Case-then-petition share",
            "诉转访占比 = 诉转访件数 ÷ 信访量。", "Case-then-petition share = such petitions ÷ petitions.",
            "petitions", higher_is_better=False),
]
# Every measure a page can show: the definition behind each label, hover text and number format.
ALL_MEASURES: dict[str, Measure] = {**MEASURES, **{m.name: m for m in _PAGE_MEASURES}}
PETITION_DETAIL_COUNTS = (
    "acceptance_due", "accepted_timely", "petitions_closed", "petitions_closed_with_deadline",
    "petitions_closed_on_time", "petitions_rated", "petitions_satisfied", "petitions_basically_satisfied",
    "petitions_dissatisfied",
)


def _ratio(numerator: pl.Expr, denominator: str) -> pl.Expr:
    den = pl.col(denominator)
    return pl.when(den > 0).then(numerator.cast(pl.Float64) / den).otherwise(None)


def evaluate(counts: pl.DataFrame, cfg: Config) -> pl.DataFrame:
    """Add every measure as a column to a frame of summed counts (one row per unit)."""
    missing = [c for c in CASE_COUNTS if c not in counts.columns]
    if missing:
        raise ValueError(f"counts lack {missing}")
    w = cfg.basically_satisfied_weight
    weights = cfg.composite_weights
    frame = counts.with_columns(
        _ratio(pl.col("closed"), "received").alias("completion_rate"),
        _ratio(pl.col("closed_on_time"), "closed_with_deadline").alias("on_time_rate"),
        _ratio(pl.col("rated_contacted"), "rated").alias("response_rate"),
        _ratio(pl.col("rated_resolved"), "rated").alias("resolution_rate"),
        _ratio(pl.col("satisfied") + w * pl.col("basically_satisfied"), "rated").alias("satisfaction_rate"),
        _ratio(pl.col("repeats"), "received").alias("repeat_rate"),
    )
    frame = frame.with_columns(
        (
            weights["response_rate"] * pl.col("response_rate")
            + weights["resolution_rate"] * pl.col("resolution_rate")
            + weights["satisfaction_rate"] * pl.col("satisfaction_rate")
        ).alias("composite_score")
    )
    if "petitions" not in frame.columns:
        frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias("petitions"))
    return frame


def is_small_sample(measure: str, row: dict, cfg: Config) -> bool:
    """True when a rate rests on fewer cases than the configured minimum (but more than none)."""
    m = ALL_MEASURES[measure]
    if m.denominator is None:
        return False
    n = row.get(m.denominator) or 0
    return 0 < n < cfg.min_denominator


def format_value(measure: str, value: float | int | None) -> str:
    """Display form: rates as percentages with one decimal, scores ×100, undefined as '—'."""
    if value is None:
        return "—"
    kind = ALL_MEASURES[measure].kind
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "score":
        return f"{value * 100:.1f}"
    if kind == "per":  # small per-population rates keep a second decimal, so 0.04 does not read 0.0
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{int(value):,}"


def format_change(measure: str, current: float | None, previous: float | None, lang: str = "zh") -> str | None:
    """The change vs a previous value: points for rates and scores, percent for counts."""
    if current is None or previous is None:
        return None
    kind = ALL_MEASURES[measure].kind
    if kind in ("rate", "score"):
        points = f"{(current - previous) * 100:+.1f}"
        if kind == "score":
            return points
        return points + ("个百分点" if lang == "zh" else " pp")
    if previous == 0:
        return None
    return f"{(current - previous) / previous * 100:+.1f}%"


def display_scale(measure: str) -> int:
    """Tables show rates and scores ×100 (98.2, as the cards do); counts and per-population rates as they are."""
    return 100 if ALL_MEASURES[measure].kind in ("rate", "score") else 1


def evaluate_pages(counts: pl.DataFrame, cfg: Config) -> pl.DataFrame:
    """Add the page measures whose counts the frame holds (handling level, population, petitions)."""
    cols = set(counts.columns)
    exprs = []
    if {"handled_in_grid", "received"} <= cols:
        exprs.append(_ratio(pl.col("handled_in_grid"), "received").alias("grid_handled_share"))
    if {"population", "received"} <= cols:
        exprs.append(_ratio(pl.col("received") * 10_000, "population").alias("cases_per_10k"))
    if {"population", "petitions"} <= cols:
        exprs.append(_ratio(pl.col("petitions") * 1_000, "population").alias("petitions_per_1000"))
    if set(PETITION_DETAIL_COUNTS) <= cols:
        w = cfg.basically_satisfied_weight
        exprs += [
            _ratio(pl.col("accepted_timely"), "acceptance_due").alias("timely_acceptance_rate"),
            _ratio(pl.col("petitions_closed_on_time"), "petitions_closed_with_deadline").alias("petition_on_time_rate"),
            _ratio(pl.col("petitions_satisfied") + w * pl.col("petitions_basically_satisfied"),
                   "petitions_rated").alias("petition_satisfaction_rate"),
        ]
    if {"escalated_petitions", "petitions"} <= cols:
        exprs.append(_ratio(pl.col("escalated_petitions"), "petitions").alias("escalation_share"))
    return counts.with_columns(exprs) if exprs else counts
