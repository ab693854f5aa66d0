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
    m = MEASURES[measure]
    if m.denominator is None:
        return False
    n = row.get(m.denominator) or 0
    return 0 < n < cfg.min_denominator


def format_value(measure: str, value: float | int | None) -> str:
    """Display form: rates as percentages with one decimal, scores ×100, undefined as '—'."""
    if value is None:
        return "—"
    kind = MEASURES[measure].kind
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "score":
        return f"{value * 100:.1f}"
    return f"{int(value):,}"


def format_change(measure: str, current: float | None, previous: float | None, lang: str = "zh") -> str | None:
    """The change vs a previous value: points for rates and scores, percent for counts."""
    if current is None or previous is None:
        return None
    kind = MEASURES[measure].kind
    if kind in ("rate", "score"):
        points = f"{(current - previous) * 100:+.1f}"
        if kind == "score":
            return points
        return points + ("个百分点" if lang == "zh" else " pp")
    if previous == 0:
        return None
    return f"{(current - previous) / previous * 100:+.1f}%"
