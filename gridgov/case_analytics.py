"""诉求办理 and 三色督办: case measures per place, category, channel and handling unit; volume with
环比/同比; case lights; the case list and one case's timeline. Shared by the pages and the CLI.

Functions take `fetch(name, **params) -> polars.DataFrame` (see gridgov.metrics).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from gridgov import drill, measures, metrics, periods
from gridgov.config import Config
from gridgov.periods import Period

Fetch = metrics.Fetch
PLACES = ("street", "community", "grid")
DIMENSIONS = PLACES + ("category", "subcategory", "channel", "handling_level", "handling_unit")
GRANULARITIES = ("day", "week", "month")
DEFAULT_BUCKETS = {"day": 42, "week": 26, "month": 24}
LIGHT_DIMENSIONS = PLACES + ("handling_unit", "category")
BLANK = "（空）"
LIGHT_COUNTS = ("red_cases", "yellow_cases", "green_cases", "red_overdue", "red_repeat_open",
                "red_dissatisfied", "carried_over", "cancelled")


def _label_nulls(frame: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """Cases with no known grid (or an empty field) stay in the totals under a visible label."""
    label = metrics.UNKNOWN_STREET if dimension in PLACES else BLANK
    return frame.with_columns(pl.col("unit").fill_null(label), pl.col("unit_name").fill_null(label))


def case_units(fetch: Fetch, start: datetime, end: datetime, cfg: Config, scope: drill.Scope,
               basis: str, dimension: str, places: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per unit of `dimension` inside the scope: counts and every case measure.

    Places (street, community, grid) list every place of the register in the scope, with none
    received as zeros, and add the population, petitions and the per-population rates.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {DIMENSIONS}")
    if basis not in metrics.BASES:
        raise ValueError(f"basis must be one of {metrics.BASES}, not {basis!r}")
    counts = fetch("case_counts_by", dimension=dimension, start=start, end=end, basis=basis, **scope.params())
    if dimension in PLACES and places is not None:
        petitions = fetch("petition_counts_by", dimension=dimension, start=start, end=end, as_of=end,
                          accept_days=cfg.analytics.accept_days, **scope.params())
        keys = drill.join_keys(dimension)
        # full: a petition with no known grid counts even in a period with no such case
        counts = drill.on_register(counts, places, scope, dimension).join(
            petitions.select(*keys, "petitions"), on=keys, how="full", coalesce=True, nulls_equal=True)
    present = [c for c in measures.CASE_COUNTS + ("handled_in_grid", "petitions") if c in counts.columns]
    counts = counts.with_columns(pl.col(present).fill_null(0))
    return measures.evaluate_pages(measures.evaluate(_label_nulls(counts, dimension), cfg), cfg)


def totals(units: pl.DataFrame, cfg: Config, population: int | None = None) -> dict[str, Any]:
    """The scope's figures: the units' counts summed, then every measure evaluated once more."""
    cols = [c for c in measures.CASE_COUNTS + ("handled_in_grid", "petitions") if c in units.columns]
    summed = units.select(pl.col(cols).sum()) if units.height else pl.DataFrame({c: [0] for c in cols})
    if population is not None:
        summed = summed.with_columns(pl.lit(population, dtype=pl.Int64).alias("population"))
    return measures.evaluate_pages(measures.evaluate(summed, cfg), cfg).to_dicts()[0]


def scope_figures(fetch: Fetch, period: Period, cfg: Config, scope: drill.Scope, basis: str,
                  places: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The scope's child places (or, inside a grid, the grid) for a period, and the scope's totals."""
    units = case_units(fetch, period.start, period.end, cfg, scope, basis, scope.child or "grid", places)
    return units, totals(units, cfg, drill.scope_population(places, scope))


PLACE_KEYS = {"street": ("street_name",), "community": ("street_name", "community_name"),
              "grid": ("community_name", "grid_id")}


def as_metric_rows(units: pl.DataFrame, dimension: str) -> list[dict[str, Any]]:
    """Place rows as `python -m gridgov metrics --by` prints them: the place (and its parent), then METRIC_KEYS."""
    names = PLACE_KEYS[dimension]
    place = [pl.col("unit").alias(names[-1])] + ([pl.col("parent").alias(names[0])] if len(names) > 1 else [])
    return units.select(*place, *measures.METRIC_KEYS).select(*names, *measures.METRIC_KEYS).to_dicts()


def _year_ago(granularity: str, day: pl.Expr) -> pl.Expr:
    """The bucket a day of last year lands in: 52 weeks on for days and weeks, 12 months for months."""
    return day.dt.offset_by("1y") if granularity == "month" else day + timedelta(weeks=52)


def volume(fetch: Fetch, period: Period, scope: drill.Scope, basis: str, granularity: str,
           first_day: date | None, buckets: int = 0) -> pl.DataFrame:
    """Cases received per day, week or month up to the period's end, beside the same bucket a year
    earlier (同比; None where the data do not reach back). One row per bucket: bucket, received,
    received_year_ago."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}")
    n = buckets or DEFAULT_BUCKETS[granularity]
    end = period.end
    if granularity == "day":
        start = end - timedelta(days=n)
    else:
        start = periods.containing(granularity, end - timedelta(days=1)).shift(1 - n).start
    start = min(start, period.start)
    source_start = start - timedelta(days=372)
    days = fetch("case_counts_by", dimension="day", start=source_start, end=end, basis=basis, **scope.params())
    days = days.select(pl.col("unit").str.to_date().alias("day"), "received")
    truncate = {"day": "1d", "week": "1w", "month": "1mo"}[granularity]
    current = (days.with_columns(pl.col("day").dt.truncate(truncate).alias("bucket"))
               .group_by("bucket").agg(pl.col("received").sum()))
    earlier = (days.with_columns(_year_ago(granularity, pl.col("day")).dt.truncate(truncate).alias("bucket"))
               .group_by("bucket").agg(pl.col("received").sum().alias("received_year_ago")))
    dates = pl.date_range(start.date(), (end - timedelta(days=1)).date(), interval=truncate, eager=True)
    frame = (pl.DataFrame({"bucket": dates})
             .join(current, on="bucket", how="left").join(earlier, on="bucket", how="left")
             .with_columns(pl.col("received", "received_year_ago").fill_null(0)))
    if first_day is not None:  # a year-ago bucket the data do not cover is unknown, not zero
        reach = frame.select(pl.col("bucket"), _year_ago(granularity, pl.lit(first_day)).alias("reach"))
        frame = frame.with_columns(
            pl.when(reach["bucket"] < reach["reach"].dt.truncate(truncate)).then(None)
            .otherwise(pl.col("received_year_ago")).alias("received_year_ago"),
            pl.when(pl.col("bucket") < pl.lit(first_day).dt.truncate(truncate)).then(None)
            .otherwise(pl.col("received")).alias("received"),
        )
    return frame.sort("bucket")


def light_units(fetch: Fetch, period: Period, as_of: datetime, scope: drill.Scope, basis: str,
                dimension: str) -> pl.DataFrame:
    """Case lights as of `as_of` per unit of `dimension` inside the scope (see case_light_counts.sql)."""
    if dimension not in LIGHT_DIMENSIONS:
        raise ValueError(f"dimension must be one of {LIGHT_DIMENSIONS}")
    frame = fetch("case_light_counts", dimension=dimension, start=period.start, end=period.end, as_of=as_of,
                  basis=basis, **scope.params())
    return _label_nulls(frame, dimension).sort(["red_cases", "yellow_cases", "unit"], descending=[True, True, False])


def light_totals(units: pl.DataFrame) -> dict[str, int]:
    return {c: int(units[c].sum() or 0) for c in LIGHT_COUNTS}


def case_list(fetch: Fetch, period: Period, as_of: datetime, scope: drill.Scope, basis: str, cfg: Config,
              lights: tuple[str, ...] = (), carry_over: bool = False) -> pl.DataFrame:
    """Cases of the scope with their light as of `as_of`, most overdue first (at most list_rows)."""
    return fetch("case_list", start=period.start, end=period.end, as_of=as_of, basis=basis, lights=list(lights),
                 carry_over=carry_over, row_limit=cfg.analytics.list_rows, **scope.params())


TIMELINE = ("received_at", "dispatched_at", "responded_at", "closed_at")


def timeline(case: dict[str, Any]) -> pl.DataFrame:
    """One case's steps (received → dispatched → responded → closed → rated): step, at, hours after
    receipt, and for the rating its result (no rating time is recorded)."""
    received = case["received_at"]
    rows = [{"step": s, "at": case.get(s), "hours": None if case.get(s) is None else
             round((case[s] - received).total_seconds() / 3600, 1), "result": None} for s in TIMELINE]
    rows.append({"step": "rated", "at": None, "hours": None, "result": case.get("satisfaction")})
    return pl.DataFrame(rows, schema={"step": pl.String, "at": pl.Datetime("us"), "hours": pl.Float64,
                                      "result": pl.String})
