"""Period metrics and the weekly overview, shared by the dashboard and `python -m gridgov metrics`.

Functions take `fetch(name, **params) -> polars.DataFrame`: the CLI passes queries.fetch bound to
a connection, the dashboard its cached fetch, so both compute every figure through one path.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

import polars as pl

from gridgov import measures
from gridgov.config import Config
from gridgov.periods import Period, last_complete

Fetch = Callable[..., pl.DataFrame]
BASES = ("assessment", "all")
UNKNOWN_STREET = "（未匹配网格）"


def _streets_param(street: str | None) -> list[str]:
    return [street] if street else []


def _counts(fetch: Fetch, start: datetime, end: datetime, street: str | None, basis: str) -> pl.DataFrame:
    """Case and petition counts per received day and street, joined."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    streets = _streets_param(street)
    cases = fetch("case_counts", start=start, end=end, level="street", streets=streets, basis=basis)
    petitions = fetch("petition_counts", start=start, end=end, level="street", streets=streets)
    keys = ["received_on", "street_name"]
    cases = cases.drop("unit")
    petitions = petitions.drop("unit")
    joined = cases.join(petitions, on=keys, how="full", coalesce=True, nulls_equal=True)
    counts = list(measures.ALL_COUNTS)
    return joined.with_columns(pl.col(counts).fill_null(0)).with_columns(
        pl.col("street_name").fill_null(UNKNOWN_STREET)
    )


def summarise(counts: pl.DataFrame, cfg: Config, by: list[str] | None = None) -> pl.DataFrame:
    """Sum counts (over everything, or per `by` columns) and evaluate every measure."""
    cols = list(measures.ALL_COUNTS)
    if by:
        summed = counts.group_by(by).agg(pl.col(cols).sum()).sort(by)
    else:
        summed = counts.select(pl.col(cols).sum())
        if summed.height == 0:
            summed = pl.DataFrame({c: [0] for c in cols})
    return measures.evaluate(summed, cfg)


def _as_dicts(frame: pl.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    return frame.select(keys + list(measures.METRIC_KEYS)).to_dicts()


def period_metrics(fetch: Fetch, period: Period, cfg: Config, street: str | None = None,
                   basis: str = "assessment", by_street: bool = False) -> Any:
    """The measures of SCHEMA.md for a period: one dict, or one dict per street."""
    counts = _counts(fetch, period.start, period.end, street, basis)
    if by_street:
        return _as_dicts(summarise(counts, cfg, by=["street_name"]), ["street_name"])
    return _as_dicts(summarise(counts, cfg), [])[0]


@dataclass(frozen=True)
class DataSpan:
    first_received_at: datetime | None
    last_received_at: datetime | None
    as_of: datetime | None
    cases: int
    petitions: int
    grids: int
    source: str | None

    @property
    def empty(self) -> bool:
        return self.cases == 0


def data_span(fetch: Fetch) -> DataSpan:
    row = fetch("data_span").row(0, named=True)
    return DataSpan(**row)


def default_week(span: DataSpan) -> Period | None:
    """The last complete ISO week in the data."""
    if span.as_of is None:
        return None
    return last_complete("week", span.as_of)


@dataclass(frozen=True)
class Overview:
    period: Period
    street: str | None
    basis: str
    as_of: datetime | None
    current: dict[str, Any]
    previous: dict[str, Any]
    trend: pl.DataFrame      # one row per week: week_start plus every measure
    ranking: pl.DataFrame    # one row per street for the period, best composite score first
    overdue: pl.DataFrame    # open cases past their deadline as of the data's as-of time
    unmatched_received: int  # cases of the period with no known grid (in the totals, in no street)


def overview(fetch: Fetch, period: Period, cfg: Config, street: str | None = None,
             basis: str = "assessment", as_of: datetime | None = None) -> Overview:
    """Everything the 总览 page shows for one week: two queries over the trend window, one for the red list."""
    weeks = max(cfg.trend_weeks, 2)
    trend_start = period.shift(-(weeks - 1)).start
    counts = _counts(fetch, trend_start, period.end, street, basis)
    in_period = counts.filter(pl.col("received_on") >= period.start.date())
    in_previous = counts.filter(
        (pl.col("received_on") >= period.previous().start.date()) & (pl.col("received_on") < period.start.date())
    )
    # Whole rows (counts too): the counts mark rates that rest on small samples.
    current = summarise(in_period, cfg).to_dicts()[0]
    previous = summarise(in_previous, cfg).to_dicts()[0]
    by_week = counts.with_columns(pl.col("received_on").dt.truncate("1w").alias("week_start"))
    trend = summarise(by_week, cfg, by=["week_start"])
    all_weeks = pl.DataFrame({"week_start": [(period.shift(-i).start).date() for i in range(weeks - 1, -1, -1)]})
    trend = all_weeks.join(trend.with_columns(pl.col("week_start").cast(pl.Date)), on="week_start", how="left")
    trend = trend.with_columns(pl.col(list(measures.ALL_COUNTS)).fill_null(0))
    ranking = rank_units(summarise(in_period, cfg, by=["street_name"]), "street_name", cfg)
    moment = as_of or period.end
    overdue = fetch("overdue_open_cases", as_of=moment, streets=_streets_param(street), row_limit=cfg.overdue_rows)
    unmatched = in_period.filter(pl.col("street_name") == UNKNOWN_STREET)["received"].sum()
    return Overview(period, street, basis, moment, current, previous, trend, ranking, overdue, int(unmatched or 0))


def rank_units(frame: pl.DataFrame, unit: str, cfg: Config, measure: str = "composite_score") -> pl.DataFrame:
    """Order units best first; units whose rating sample is small, or none, go last and are flagged.

    Cases without a known grid belong to no unit and are left out of the ranking (they still
    count in the district's totals).
    """
    m = measures.MEASURES[measure]
    flagged = frame.filter(pl.col(unit) != UNKNOWN_STREET).with_columns(
        (pl.col(m.denominator) < cfg.min_denominator).alias("small_sample") if m.denominator
        else pl.lit(False).alias("small_sample")
    )
    return flagged.sort(["small_sample", measure, "received"], descending=[False, m.higher_is_better, True],
                        nulls_last=True)


def gap_to_target(measure: str, value: float | None, cfg: Config) -> float | None:
    target = cfg.targets.get(measure)
    if target is None or value is None:
        return None
    return value - target


def week_options(span: DataSpan, limit: int = 104) -> list[Period]:
    """Complete weeks in the data, newest first (the week picker's choices)."""
    last = default_week(span)
    if last is None or span.first_received_at is None:
        return []
    out, p = [], last
    while p.end > span.first_received_at and len(out) < limit:
        out.append(p)
        p = p.previous()
    return out


def period_options(span: DataSpan, kind: str, limit: int = 104) -> list[Period]:
    """Complete periods of a kind (week, month, quarter, half) in the data, newest first."""
    if kind == "week":
        return week_options(span, limit)
    if span.as_of is None or span.first_received_at is None:
        return []
    out, p = [], last_complete(kind, span.as_of)
    while p.end > span.first_received_at and len(out) < limit:
        out.append(p)
        p = p.previous()
    return out
