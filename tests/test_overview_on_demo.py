"""The overview's numbers on the demo district, recomputed independently from the raw rows."""
from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

import queries
from gridgov import demo, metrics, store
from gridgov.config import Config


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.build(path, cases=30_000)
    con = store.connect(path)
    cases = pl.from_arrow(con.execute("select * from cases").to_arrow_table())
    grids = pl.from_arrow(con.execute("select grid_id, street_name from grids").to_arrow_table())
    petitions = pl.from_arrow(con.execute("select received_at, grid_id from petitions").to_arrow_table())
    yield con, cases.join(grids, on="grid_id", how="left"), petitions.join(grids, on="grid_id", how="left")
    con.close()


def _by_hand(cases: pl.DataFrame, petitions: pl.DataFrame, start, end, cfg: Config) -> dict:
    """SCHEMA.md's definitions, written out again in plain polars."""
    c = cases.filter((pl.col("received_at") >= start) & (pl.col("received_at") < end)
                     & ~pl.col("excluded").fill_null(False))
    closed = c.filter(pl.col("status") == "closed")
    with_deadline = closed.filter(pl.col("deadline_at").is_not_null())
    rated = c.filter(pl.col("satisfaction").is_not_null())

    def share(part: int, whole: int):
        return part / whole if whole else None

    response = share(rated.filter(pl.col("contacted").fill_null(False)).height, rated.height)
    resolution = share(rated.filter(pl.col("resolved").fill_null(False)).height, rated.height)
    sat = rated.filter(pl.col("satisfaction") == "satisfied").height \
        + cfg.basically_satisfied_weight * rated.filter(pl.col("satisfaction") == "basically_satisfied").height
    satisfaction = share(sat, rated.height)
    w = cfg.composite_weights
    return {
        "received": c.height,
        "closed": closed.height,
        "completion_rate": share(closed.height, c.height),
        "on_time_rate": share(with_deadline.filter(pl.col("closed_at") <= pl.col("deadline_at")).height,
                              with_deadline.height),
        "rated": rated.height,
        "response_rate": response,
        "resolution_rate": resolution,
        "satisfaction_rate": satisfaction,
        "composite_score": (w["response_rate"] * response + w["resolution_rate"] * resolution
                            + w["satisfaction_rate"] * satisfaction) if rated.height else None,
        "repeat_rate": share(c.filter(pl.col("is_repeat").fill_null(False)).height, c.height),
        "petitions": petitions.filter((pl.col("received_at") >= start) & (pl.col("received_at") < end)).height,
    }


def _close(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k]), k


def test_overview_equals_an_independent_recomputation(district):
    con, cases, petitions = district
    cfg = Config(basically_satisfied_weight=0.9)

    def fetch(name, **p):
        return queries.fetch(con, name, **p)

    span = metrics.data_span(fetch)
    week = metrics.default_week(span)
    assert week.label == "2026-W46"
    view = metrics.overview(fetch, week, cfg, as_of=span.as_of)
    current = {k: view.current[k] for k in metrics.measures.METRIC_KEYS}
    _close(current, _by_hand(cases, petitions, week.start, week.end, cfg))
    previous = {k: view.previous[k] for k in metrics.measures.METRIC_KEYS}
    _close(previous, _by_hand(cases, petitions, week.previous().start, week.start, cfg))

    # every week of the trend
    for row in view.trend.iter_rows(named=True):
        start = pl.Series([row["week_start"]]).cast(pl.Datetime("us"))[0]
        expected = _by_hand(cases, petitions, start, start + timedelta(days=7), cfg)
        assert row["received"] == expected["received"]
        assert row["completion_rate"] == pytest.approx(expected["completion_rate"])

    # a street's ranking row
    street = view.ranking["street_name"][0]
    row = view.ranking.row(0, named=True)
    mine = _by_hand(cases.filter(pl.col("street_name") == street),
                    petitions.filter(pl.col("street_name") == street), week.start, week.end, cfg)
    _close({k: row[k] for k in mine}, mine)

    # the red list: open, past the deadline as of the data's time, most overdue first
    overdue = cases.filter(pl.col("status").is_in(["pending", "in_progress"])
                           & (pl.col("deadline_at") < span.as_of)).sort(["deadline_at", "case_id"])
    assert view.overdue["case_id"].to_list() == overdue["case_id"].head(cfg.overdue_rows).to_list()


def test_street_totals_add_up_to_the_district(district):
    con, _, _ = district

    def fetch(name, **p):
        return queries.fetch(con, name, **p)

    week = metrics.default_week(metrics.data_span(fetch))
    cfg = Config()
    total = metrics.period_metrics(fetch, week, cfg)
    streets = metrics.period_metrics(fetch, week, cfg, by_street=True)
    for key in ("received", "closed", "rated", "petitions"):
        assert sum(r[key] for r in streets) == total[key]
