"""信访: petition measures per place, form and category, and 诉转访 (petitions that followed a case).

诉转访 links a petition to an earlier case of the same person (caller_key = petitioner_key) within
`escalation_person_days`, or, because petition and case categories differ, to an earlier case of
its grid in a category mapped to the petition's in [petitions.escalation_categories] within
`escalation_place_days` that was not settled by then (see queries/escalated_petitions.sql).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from gridgov import drill, measures, metrics
from gridgov.config import Config
from gridgov.periods import Period

DIMENSIONS = ("street", "community", "grid", "form", "category")
PLACES = ("street", "community", "grid")
COUNTS = measures.PETITION_COUNTS + measures.PETITION_DETAIL_COUNTS + ("persons",)
LINKS = ("person", "place")


def escalations(fetch: metrics.Fetch, period: Period, cfg: Config, scope: drill.Scope) -> pl.DataFrame:
    """One row per petition of the period and scope that followed a case (escalated_petitions.sql)."""
    a = cfg.analytics
    pairs = [(p, c) for p, cases in sorted(a.escalation_categories.items()) for c in cases]
    return fetch("escalated_petitions", start=period.start, end=period.end,
                 person_days=a.escalation_person_days, place_days=a.escalation_place_days,
                 map_petition_categories=[p for p, _ in pairs], map_case_categories=[c for _, c in pairs],
                 **scope.params())


def _escalated_by(escalated: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """Escalated petitions per unit, keyed as the petition counts are (unit, and parent for places)."""
    unit, parent = {"street": ("street_name", None), "community": ("community_name", "street_name"),
                    "grid": ("grid_id", "community_name"), "category": ("petition_category", None)}[dimension]
    by = [pl.col(unit).alias("unit")] + ([pl.col(parent).alias("parent")] if parent else [])
    return escalated.group_by(by).agg(pl.len().cast(pl.Int64).alias("escalated_petitions"))


def petition_units(fetch: metrics.Fetch, period: Period, as_of: datetime, cfg: Config, scope: drill.Scope,
                   dimension: str, places: pl.DataFrame | None = None,
                   escalated: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per unit of `dimension` inside the scope: petition counts and measures; places list
    every place of the register with its population (per-1,000 rate) and escalated petitions."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}")
    counts = fetch("petition_counts_by", dimension=dimension, start=period.start, end=period.end, as_of=as_of,
                   accept_days=cfg.analytics.accept_days, **scope.params())
    if dimension in PLACES and places is not None:
        counts = drill.on_register(counts, places, scope, dimension)
    if escalated is not None and dimension in ("street", "community", "grid", "category"):
        keys = drill.join_keys(dimension) if dimension in PLACES else ["unit"]
        counts = counts.join(_escalated_by(escalated, dimension), on=keys, how="left", nulls_equal=True)
    present = [c for c in COUNTS + ("escalated_petitions",) if c in counts.columns]
    counts = counts.with_columns(pl.col(present).fill_null(0))
    label = metrics.UNKNOWN_STREET if dimension in PLACES else "（空）"
    counts = counts.with_columns(pl.col("unit").fill_null(label), pl.col("unit_name").fill_null(label))
    return measures.evaluate_pages(counts, cfg).sort(["petitions", "unit"], descending=[True, False])


def totals(units: pl.DataFrame, cfg: Config, population: int | None = None) -> dict[str, Any]:
    """The scope's petition figures: the units' counts summed, then each measure evaluated once more."""
    cols = [c for c in COUNTS + ("escalated_petitions",) if c in units.columns]
    summed = units.select(pl.col(cols).sum()) if units.height else pl.DataFrame({c: [0] for c in cols})
    if population is not None:
        summed = summed.with_columns(pl.lit(population, dtype=pl.Int64).alias("population"))
    return measures.evaluate_pages(summed, cfg).to_dicts()[0]


def link_counts(escalated: pl.DataFrame) -> dict[str, int]:
    """Escalated petitions by the link that named their case (a person link wins over a place link)."""
    return {link: int((escalated["link"] == link).sum()) for link in LINKS} if escalated.height else dict.fromkeys(LINKS, 0)
