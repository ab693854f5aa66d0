"""The league table's four classes (先进/进步/整改/治理类) among units compared in one period.

Rules (counts N from [league] in gridgov.toml, stated on the page):
- 先进 advanced: the N units with the highest composite score;
- 进步 progress: the N units whose composite score rose most since the previous period (rises only);
- 整改 rectify: the N units with the lowest composite score, not already 先进;
- 治理类 governance: the N units with the most requests per 10,000 residents (万人诉求比).
Only units with at least `min_denominator` rated cases (in both periods, for 进步) take one of the
first three classes, so no unit is praised or blamed on three phone calls; 治理类 needs a known
population. Ties go to the unit with more cases received, then by name. A unit may hold several
classes (a 治理类 street can also be 进步).
"""
from __future__ import annotations

import polars as pl

from gridgov import metrics
from gridgov.config import Config

CLASSES = ("advanced", "progress", "rectify", "governance")


def _top(frame: pl.DataFrame, by: str, n: int, descending: bool) -> list[str]:
    if n <= 0 or frame.height == 0:
        return []
    ordered = frame.sort([by, "received", "unit"], descending=[descending, True, False])
    return ordered["unit"].head(n).to_list()


def classify(current: pl.DataFrame, previous: pl.DataFrame, cfg: Config) -> pl.DataFrame:
    """The current units with `composite_change` (points vs the previous period, as a fraction) and
    `league` (the list of classes each holds, in CLASSES order)."""
    n = cfg.analytics.league
    units = current.filter(pl.col("unit") != metrics.UNKNOWN_STREET)
    before = previous.filter(pl.col("rated") >= cfg.min_denominator).select(
        "unit", pl.col("composite_score").alias("previous_score"))
    units = units.join(before, on="unit", how="left").with_columns(
        pl.when(pl.col("rated") >= cfg.min_denominator)
        .then(pl.col("composite_score") - pl.col("previous_score")).alias("composite_change"))
    rated = units.filter((pl.col("rated") >= cfg.min_denominator) & pl.col("composite_score").is_not_null())
    advanced = _top(rated, "composite_score", n["advanced"], descending=True)
    rectify = _top(rated.filter(~pl.col("unit").is_in(advanced)), "composite_score", n["rectify"], descending=False)
    rising = rated.filter(pl.col("composite_change") > 0)
    progress = _top(rising, "composite_change", n["progress"], descending=True)
    peopled = units.filter(pl.col("cases_per_10k").is_not_null()) if "cases_per_10k" in units.columns else units.clear()
    governance = _top(peopled, "cases_per_10k", n["governance"], descending=True)
    chosen = {"advanced": advanced, "progress": progress, "rectify": rectify, "governance": governance}
    league = [[c for c in CLASSES if unit in chosen[c]] for unit in units["unit"].to_list()]
    return units.drop("previous_score").with_columns(pl.Series("league", league, dtype=pl.List(pl.String)))


def members(table: pl.DataFrame, league_class: str) -> list[str]:
    """The units holding one class, in the table's order."""
    return table.filter(pl.col("league").list.contains(league_class))["unit"].to_list()
