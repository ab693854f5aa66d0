"""Measures on the tiny district (tests/tiny.py), each figure worked out by hand."""
from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from gridgov import measures, metrics, periods
from gridgov.config import Config
from tests import tiny

W46 = periods.parse("week", "2026-W46")
W45 = periods.parse("week", "2026-W45")


def test_assessment_basis_leaves_excluded_cases_out(fetch, cfg):
    # W46 cases c1..c6; c5 is excluded, so five count: c1, c2, c3, c4, c6.
    m = metrics.period_metrics(fetch, W46, cfg)
    assert m["received"] == 5
    assert m["closed"] == 3                       # c1, c2, c4
    assert m["completion_rate"] == pytest.approx(3 / 5)


def test_all_basis_keeps_excluded_cases(fetch, cfg):
    m = metrics.period_metrics(fetch, W46, cfg, basis="all")
    assert m["received"] == 6
    assert m["closed"] == 4
    # closed with a deadline: c1, c2, c5; on time: c1 (10th <= 12th) and c5 (14th <= 20th)
    assert m["on_time_rate"] == pytest.approx(2 / 3)


def test_on_time_rate_counts_only_closed_cases_with_a_deadline(fetch, cfg):
    # c1 on time, c2 late (14th > 12th), c4 has no deadline and is left out of both sides
    assert metrics.period_metrics(fetch, W46, cfg)["on_time_rate"] == pytest.approx(1 / 2)


def test_three_rates_count_among_rated_cases(fetch, cfg):
    m = metrics.period_metrics(fetch, W46, cfg)
    assert m["rated"] == 3                        # c1 satisfied, c2 basically, c4 dissatisfied
    assert m["response_rate"] == pytest.approx(2 / 3)       # c1, c2 contacted
    assert m["resolution_rate"] == pytest.approx(1 / 3)     # c1 resolved
    assert m["satisfaction_rate"] == pytest.approx(2 / 3)   # (1 + 1.0 * 1) / 3
    assert m["composite_score"] == pytest.approx(0.1 * 2 / 3 + 0.5 * 1 / 3 + 0.4 * 2 / 3)


def test_basically_satisfied_weight_comes_from_config(fetch):
    cfg = Config(basically_satisfied_weight=0.9)
    assert metrics.period_metrics(fetch, W46, cfg)["satisfaction_rate"] == pytest.approx(1.9 / 3)


def test_repeat_rate_and_petitions(fetch, cfg):
    m = metrics.period_metrics(fetch, W46, cfg)
    assert m["repeat_rate"] == pytest.approx(2 / 5)   # c4, c6
    assert m["petitions"] == 2                        # p1, p2 (p3 is in W45)


def test_street_scope_and_unknown_grid(fetch, cfg):
    east = metrics.period_metrics(fetch, W46, cfg, street="东街道")
    assert (east["received"], east["closed"], east["petitions"]) == (4, 3, 1)
    by_street = {r["street_name"]: r for r in metrics.period_metrics(fetch, W46, cfg, by_street=True)}
    # c6 has no grid: it counts for the district under its own label, never dropped
    assert by_street[metrics.UNKNOWN_STREET]["received"] == 1
    # 西镇's only case is excluded: no cases, so its rates are undefined, not 0% or 100%
    assert by_street["西镇"]["received"] == 0
    assert by_street["西镇"]["completion_rate"] is None
    assert by_street["西镇"]["petitions"] == 1
    assert sum(r["received"] for r in by_street.values()) == 5


def test_zero_denominator_is_undefined(fetch, cfg):
    empty_week = periods.parse("week", "2026-W30")
    m = metrics.period_metrics(fetch, empty_week, cfg)
    assert m["received"] == 0
    for name in ("completion_rate", "on_time_rate", "response_rate", "resolution_rate",
                 "satisfaction_rate", "composite_score", "repeat_rate"):
        assert m[name] is None, name


def test_format_shows_dash_for_undefined():
    assert measures.format_value("completion_rate", None) == "—"
    assert measures.format_value("completion_rate", 0.9823) == "98.2%"
    assert measures.format_value("received", 12345) == "12,345"
    assert measures.format_change("completion_rate", 0.60, 0.50, "en") == "+10.0 pp"
    assert measures.format_change("received", 5, 2) == "+150.0%"
    assert measures.format_change("received", 5, 0) is None


def test_small_sample_marks_rates_on_few_cases(cfg):
    row = {"rated": 3, "received": 5}
    assert measures.is_small_sample("satisfaction_rate", row, cfg)
    assert not measures.is_small_sample("satisfaction_rate", {"rated": 0}, cfg)
    assert not measures.is_small_sample("satisfaction_rate", {"rated": 12}, cfg)
    assert not measures.is_small_sample("received", row, cfg)


def test_overview_compares_with_previous_week_and_lists_overdue(fetch, cfg):
    view = metrics.overview(fetch, W46, cfg, as_of=tiny.AS_OF)
    assert view.current["received"] == 5
    assert view.previous["received"] == 2             # c7, c8
    assert view.previous["completion_rate"] == pytest.approx(1 / 2)
    assert view.trend.height == cfg.trend_weeks
    assert view.trend["received"].to_list()[-2:] == [2, 5]
    assert view.trend["received"].to_list()[0] == 0   # a week with no cases shows 0, not a gap
    # c3: in progress, deadline 13 Nov 00:00, as of 20 Nov 18:00 -> 7.75 days overdue; c6 not yet due
    assert view.overdue["case_id"].to_list() == ["c3"]
    assert view.overdue["days_overdue"][0] == pytest.approx(7.75)
    # 东街道 has 3 rated cases (< 10): ranked but flagged; 西镇 has none; the unknown grid is no street
    assert view.ranking["street_name"].to_list() == ["东街道", "西镇"]
    assert view.ranking["small_sample"].to_list() == [True, True]
    assert view.unmatched_received == 1


def test_ranking_puts_small_samples_last(cfg):
    frame = pl.DataFrame({"street_name": ["甲", "乙", "丙", metrics.UNKNOWN_STREET],
                          "composite_score": [0.99, 0.90, 0.95, 0.5], "rated": [3, 50, 40, 20],
                          "received": [5, 60, 50, 25]})
    ranked = metrics.rank_units(frame, "street_name", cfg)
    assert ranked["street_name"].to_list() == ["丙", "乙", "甲"]


def test_overview_numbers_equal_period_metrics(fetch, cfg):
    view = metrics.overview(fetch, W46, cfg, street="东街道", as_of=tiny.AS_OF)
    direct = metrics.period_metrics(fetch, W46, cfg, street="东街道")
    assert {k: view.current[k] for k in measures.METRIC_KEYS} == direct


def test_default_week_is_last_complete_week(fetch):
    span = metrics.data_span(fetch)
    assert span.as_of == datetime(2026, 11, 20, 18, 0)
    assert metrics.default_week(span).label == "2026-W46"
    assert [p.label for p in metrics.week_options(span)] == ["2026-W46", "2026-W45"]


def test_evaluate_refuses_frames_without_counts(cfg):
    with pytest.raises(ValueError):
        measures.evaluate(pl.DataFrame({"received": [1]}), cfg)
