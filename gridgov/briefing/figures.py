"""The briefing's numbers, each taken from the function the pages and `python -m gridgov` use.

Nothing here defines a measure: totals come from metrics.period_metrics (what `metrics` prints),
places and league classes from case_analytics/league (诉求办理), grades from grading (网格分级,
`grades`), warnings from early_warning, hotspots from hotmap (热点地图), lights and the red list
from case_analytics (三色督办), petitions and 诉转访 from petition_analytics (信访).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import polars as pl

from gridgov import (case_analytics, drill, early_warning, grading, hotmap, hotspots, league, metrics,
                     petition_analytics, periods)
from gridgov.config import Config
from gridgov.periods import Period

Fetch = metrics.Fetch
# The volume chart: the granularity and number of buckets per period kind.
VOLUME = {"week": ("week", 12), "month": ("month", 12), "quarter": ("month", 12), "half": ("month", 12)}


@dataclass(frozen=True)
class Figures:
    period: Period
    street: str | None
    basis: str
    span: metrics.DataSpan
    current: dict                  # metrics.period_metrics: what `python -m gridgov metrics` prints
    previous: dict | None          # the period before (环比); None when the data do not reach it
    year_ago: dict | None          # the same period a year earlier (同比); None when not covered
    volume: pl.DataFrame           # case_analytics.volume: bucket, received, received_year_ago
    volume_granularity: str
    units: pl.DataFrame            # child places ranked by composite score, with league classes
    unit_level: str                # "street" (district scope) or "community" (a street)
    unmatched: int                 # cases of the period with no known grid (in totals, in no place)
    grades: grading.Grading        # the half-year containing the period's end, restricted to the scope
    half_partial: bool
    categories: pl.DataFrame       # case_analytics.case_units by category, with received_before
    warning_week: Period
    warnings: pl.DataFrame         # early_warning.detect: every tested unit, flagged first
    hotspot_period: Period
    hotspots: pl.DataFrame         # hotmap.hotspot_frame within the scope (gi_z, gi_class, trend)
    lights: dict                   # case_analytics.light_totals as of the data's time
    red_list: pl.DataFrame         # case_analytics.case_list of red cases, most overdue first
    escalated: pl.DataFrame        # petition_analytics.escalations
    petitions: dict                # petition_analytics.totals for the scope
    petition_units: pl.DataFrame   # petition_analytics.petition_units per child place

    @property
    def as_of(self) -> datetime:
        return self.span.as_of

    @property
    def scope(self) -> drill.Scope:
        return drill.Scope(self.street)


def covered(p: Period, span: metrics.DataSpan) -> bool:
    """The data reach back to the start of the period (so a comparison with it is meaningful)."""
    if span.first_received_at is None:
        return False
    return p.start >= datetime.combine(span.first_received_at.date(), time())


def half_of(period: Period) -> Period:
    """The half-year containing the period's last day."""
    return periods.containing("half", period.end - timedelta(days=1))


def hotspot_period(period: Period) -> Period:
    """The period the hotspot analysis covers: the briefing's own, or for a week (the 热点地图 has
    no weeks) the last month complete by the week's end."""
    if period.kind in hotmap.PERIOD_KINDS:
        return period
    return periods.last_complete("month", period.end)


def gather(fetch: Fetch, period: Period, cfg: Config, street: str | None = None, basis: str = "assessment",
           neighbours: hotspots.Neighbours | None = None) -> Figures:
    span = metrics.data_span(fetch)
    if span.as_of is None:
        raise ValueError("the database holds no cases")
    places = fetch("grid_places")
    if street and street not in set(places["street_name"].to_list()):
        raise ValueError(f"unknown street {street!r}")
    scope = drill.Scope(street)
    as_of = span.as_of

    def totals(p: Period) -> dict | None:
        return metrics.period_metrics(fetch, p, cfg, street=street, basis=basis) if covered(p, span) else None

    current = metrics.period_metrics(fetch, period, cfg, street=street, basis=basis)
    granularity, buckets = VOLUME[period.kind]
    volume = case_analytics.volume(fetch, period, scope, basis, granularity, span.first_received_at.date(), buckets)

    units, _ = case_analytics.scope_figures(fetch, period, cfg, scope, basis, places)
    before, _ = case_analytics.scope_figures(fetch, period.previous(), cfg, scope, basis, places)
    ranked = metrics.rank_units(league.classify(units, before, cfg), "unit", cfg)
    unmatched = int(units.filter(pl.col("unit") == metrics.UNKNOWN_STREET)["received"].sum() or 0)

    half = half_of(period)
    grades = grading.restrict(grading.grade(fetch, half, cfg), street)

    now = case_analytics.case_units(fetch, period.start, period.end, cfg, scope, basis, "category")
    then = case_analytics.case_units(fetch, period.previous().start, period.previous().end, cfg, scope, basis,
                                     "category")
    categories = now.join(then.select("unit", pl.col("received").alias("received_before")), on="unit",
                          how="left").with_columns(pl.col("received_before").fill_null(0))
    categories = categories.sort(["received", "unit"], descending=[True, False])

    week = early_warning.warning_week(period, as_of)
    warnings = early_warning.detect(fetch, week, cfg, scope, basis, span.first_received_at)

    hot_period = hotspot_period(period)
    nb = neighbours or hotspots.neighbours(fetch("grid_boundaries"), cfg.hotspots)
    hot = hotmap.hotspot_frame(fetch, hotmap.MapFilters(hot_period, street=street, basis=basis), nb, cfg.hotspots.fdr)
    if street:
        hot = hot.filter(pl.col("street_name") == street)
    if not any(nb.lists):   # no grid has a neighbour (no boundaries): there is nothing to analyse
        hot = hot.clear()

    light_units = case_analytics.light_units(fetch, period, as_of, scope, basis, scope.child or "grid")
    red_list = case_analytics.case_list(fetch, period, as_of, scope, basis, cfg, ("red",), carry_over=True)

    escalated = petition_analytics.escalations(fetch, period, cfg, scope)
    petition_units = petition_analytics.petition_units(fetch, period, as_of, cfg, scope, scope.child or "grid",
                                                       places, escalated)
    petition_totals = petition_analytics.totals(petition_units, cfg, drill.scope_population(places, scope))

    return Figures(
        period=period, street=street, basis=basis, span=span, current=current,
        previous=totals(period.previous()), year_ago=totals(period.year_ago()),
        volume=volume, volume_granularity=granularity, units=ranked, unit_level=scope.child or "grid",
        unmatched=unmatched, grades=grades, half_partial=hotmap.is_partial(half, as_of), categories=categories,
        warning_week=week, warnings=warnings, hotspot_period=hot_period, hotspots=hot,
        lights=case_analytics.light_totals(light_units), red_list=red_list, escalated=escalated,
        petitions=petition_totals, petition_units=petition_units,
    )
