"""诉求办理's measures on the tiny analytics district (tests/tiny_analytics.py), worked out by hand."""
from __future__ import annotations

from datetime import date, datetime

import pytest

import queries
from gridgov import case_analytics, drill, measures, metrics, periods, store
from tests import tiny_analytics as ta

OCTOBER = periods.parse("month", "2026-10")


@pytest.fixture
def fetch(tmp_path):
    con = store.connect(ta.build(tmp_path / "analytics.duckdb"))
    yield lambda name, **params: queries.fetch(con, name, **params)
    con.close()


@pytest.fixture
def places(fetch):
    return fetch("grid_places")


def _rows(frame, key="unit"):
    return {r[key]: r for r in frame.to_dicts()}


def test_district_totals_of_october_on_the_assessment_basis(fetch, places):
    # k1-k6 and k8 (k7 is excluded); closed k1 k2 k3 k8; on time k1 k8 of 4; rated 4, contacted 3,
    # resolved 3, satisfied 2 + basically 1 of 4; k5 a repeat; k1 and k3 handled in the grid.
    _, total = case_analytics.scope_figures(fetch, OCTOBER, ta.config(), drill.Scope(), "assessment", places)
    assert (total["received"], total["closed"], total["rated"], total["population"]) == (7, 4, 4, 4000)
    assert total["completion_rate"] == pytest.approx(4 / 7)
    assert total["on_time_rate"] == pytest.approx(0.5)
    assert total["response_rate"] == pytest.approx(0.75)
    assert total["resolution_rate"] == pytest.approx(0.75)
    assert total["satisfaction_rate"] == pytest.approx(0.75)
    assert total["composite_score"] == pytest.approx(0.1 * 0.75 + 0.5 * 0.75 + 0.4 * 0.75)
    assert total["repeat_rate"] == pytest.approx(1 / 7)
    assert total["grid_handled_share"] == pytest.approx(2 / 7)
    assert total["cases_per_10k"] == pytest.approx(7 / 4000 * 10_000)
    assert total["petitions"] == 8


def test_the_district_totals_equal_the_overviews_period_metrics(fetch, places):
    cfg = ta.config()
    for basis in ("assessment", "all"):
        _, total = case_analytics.scope_figures(fetch, OCTOBER, cfg, drill.Scope(), basis, places)
        same = metrics.period_metrics(fetch, OCTOBER, cfg, basis=basis)
        assert {k: total[k] for k in measures.METRIC_KEYS} == pytest.approx(same)


def test_streets_list_every_street_and_keep_unmatched_cases(fetch, places):
    units, _ = case_analytics.scope_figures(fetch, OCTOBER, ta.config(), drill.Scope(), "assessment", places)
    rows = _rows(units)
    assert set(rows) == {"东街道", "西镇", metrics.UNKNOWN_STREET}
    assert (rows["东街道"]["received"], rows["东街道"]["population"]) == (6, 2000)
    assert rows["东街道"]["cases_per_10k"] == pytest.approx(30.0)
    assert rows["东街道"]["petitions"] == 5            # q1 q2 q3 q5 q8
    # 西镇's only case (k7) is excluded: no case, so every rate is undefined, never 0%
    assert rows["西镇"]["received"] == 0 and rows["西镇"]["completion_rate"] is None
    assert rows["西镇"]["cases_per_10k"] == 0.0 and rows["西镇"]["petitions"] == 2
    assert rows[metrics.UNKNOWN_STREET]["received"] == 1 and rows[metrics.UNKNOWN_STREET]["population"] is None


def test_all_cases_basis_counts_the_excluded_case(fetch, places):
    units, total = case_analytics.scope_figures(fetch, OCTOBER, ta.config(), drill.Scope(), "all", places)
    assert total["received"] == 8
    assert _rows(units)["西镇"]["received"] == 1


def test_drilling_into_a_street_lists_its_communities_then_grids(fetch, places):
    cfg = ta.config()
    street = drill.Scope("东街道")
    units, total = case_analytics.scope_figures(fetch, OCTOBER, cfg, street, "assessment", places)
    rows = _rows(units)
    assert set(rows) == {"东社区", "南社区"}
    assert (rows["东社区"]["received"], rows["东社区"]["population"]) == (4, 1500)
    assert (rows["南社区"]["received"], rows["南社区"]["population"]) == (2, 500)
    assert total["received"] == 6 and total["population"] == 2000
    grids, total = case_analytics.scope_figures(fetch, OCTOBER, cfg, street.down("东社区"), "assessment", places)
    rows = _rows(grids)
    assert {k: (r["unit_name"], r["received"]) for k, r in rows.items()} == {"g1": ("东一网格", 2), "g2": ("东二网格", 2)}
    assert rows["g1"]["completion_rate"] == 1.0 and rows["g2"]["completion_rate"] == 0.5
    # k2 closed after its deadline, k1 before: half on time in g1
    assert rows["g1"]["on_time_rate"] == 0.5


def test_categories_channels_levels_and_handling_units(fetch):
    cfg = ta.config()

    def by(dimension):
        return _rows(case_analytics.case_units(fetch, OCTOBER.start, OCTOBER.end, cfg, drill.Scope(), "assessment",
                                               dimension))
    assert {k: r["received"] for k, r in by("category").items()} == {"物业服务": 2, "停车难": 1, "噪音扰民": 1, "其他": 3}
    assert {k: r["received"] for k, r in by("channel").items()} == {"hotline": 6, "app": 1}
    assert {k: r["received"] for k, r in by("handling_level").items()} == {
        "grid": 2, "community": 2, "street": 1, "district": 2}
    units = by("handling_unit")
    assert units["区政务服务中心"]["received"] == 2 and units["区政务服务中心"]["parent"] == "district"
    assert units["东一网格"]["satisfaction_rate"] == 1.0


def test_subcategories_carry_their_category(fetch):
    frame = case_analytics.case_units(fetch, OCTOBER.start, OCTOBER.end, ta.config(), drill.Scope(), "all",
                                      "subcategory")
    # the fixture leaves subcategories empty: one blank subcategory per category, never dropped
    assert frame["received"].sum() == 8
    assert set(frame["parent"]) == {"物业服务", "停车难", "噪音扰民", "其他", "环境整治"}


def test_monthly_volume_beside_the_same_month_a_year_earlier(fetch):
    frame = case_analytics.volume(fetch, OCTOBER, drill.Scope(), "assessment", "month", date(2025, 10, 8), buckets=2)
    assert frame.to_dicts() == [
        {"bucket": date(2026, 9, 1), "received": 2, "received_year_ago": None},   # before the data reach back
        {"bucket": date(2026, 10, 1), "received": 7, "received_year_ago": 1},     # k11 in 2025-10
    ]


def test_daily_volume_lines_up_weekdays_a_year_apart(fetch):
    week = periods.parse("week", "2026-W45")
    frame = case_analytics.volume(fetch, week, drill.Scope(), "all", "day", date(2025, 10, 8), buckets=7)
    by_day = {r["bucket"]: (r["received"], r["received_year_ago"]) for r in frame.to_dicts()}
    # w0..w5 on 2-7 Nov 2026 and w6 on 4 Nov; 52 weeks earlier each weekday meets 2025's same weekday:
    # b0 (Tue 4 Nov 2025) → Tue 3 Nov 2026; b1, b3, b4 (Wed 5 Nov) → Wed 4 Nov; b2 (Thu 6 Nov) → Thu 5 Nov
    assert by_day[date(2026, 11, 3)] == (1, 1)
    assert by_day[date(2026, 11, 4)] == (2, 3)
    assert by_day[date(2026, 11, 5)] == (1, 1)
    assert by_day[date(2026, 11, 6)] == (1, 0)
    assert sum(v[1] for v in by_day.values()) == 5


def test_the_timeline_of_one_case_in_hours_after_receipt(fetch):
    case = fetch("case_detail", case_id="k3", as_of=ta.AS_OF).row(0, named=True)
    steps = case_analytics.timeline(case)
    assert steps["step"].to_list() == ["received_at", "dispatched_at", "responded_at", "closed_at", "rated"]
    assert steps["hours"].to_list() == [0.0, 1.0, 4.0, 432.0, None]
    assert steps["result"].to_list()[-1] == "basically_satisfied"


def test_metric_rows_name_the_place_and_its_parent(fetch, places):
    units = case_analytics.case_units(fetch, OCTOBER.start, OCTOBER.end, ta.config(), drill.Scope("东街道"),
                                      "assessment", "grid", places)
    rows = case_analytics.as_metric_rows(units, "grid")
    assert [(r["community_name"], r["grid_id"], r["received"]) for r in rows] == [
        ("东社区", "g1", 2), ("东社区", "g2", 2), ("南社区", "g3", 2)]
    assert list(rows[0])[:3] == ["community_name", "grid_id", "received"]


def test_a_bad_drill_path_is_cut_back_at_the_first_unknown_place(places):
    assert drill.checked(drill.Scope("东街道", "西村", "g4"), places) == drill.Scope("东街道")
    assert drill.checked(drill.Scope("东街道", "东社区", "g3"), places) == drill.Scope("东街道", "东社区")
    assert drill.checked(drill.Scope("北街道", "东社区"), places) == drill.Scope()
    assert drill.checked(drill.Scope("东街道", "东社区", "g1"), places).level == "grid"


def test_a_period_with_no_cases_has_undefined_rates(fetch, places):
    week = periods.parse("week", "2026-W46")
    _, total = case_analytics.scope_figures(fetch, week, ta.config(), drill.Scope(), "assessment", places)
    assert total["received"] == 0 and total["petitions"] == 1
    assert total["completion_rate"] is None and total["composite_score"] is None
    assert total["cases_per_10k"] == 0.0


def test_period_options_are_complete_periods_newest_first():
    span = metrics.DataSpan(datetime(2025, 10, 8, 9), datetime(2026, 11, 15), ta.AS_OF, 1, 1, 1, None)
    months = metrics.period_options(span, "month")
    assert months[0].label == "2026-10" and months[-1].label == "2025-10" and len(months) == 13
    assert [q.label for q in metrics.period_options(span, "quarter")] == ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4"]
    assert [h.label for h in metrics.period_options(span, "half")] == ["2026-H1", "2025-H2"]


def test_a_petition_with_no_known_grid_counts_in_a_week_with_no_such_case(fetch, places):
    week = periods.parse("week", "2026-W42")      # q6 (no grid) on 15 Oct; k4-k7 all have grids
    units, total = case_analytics.scope_figures(fetch, week, ta.config(), drill.Scope(), "assessment", places)
    assert total["petitions"] == 1
    unmatched = units.filter(units["unit"] == metrics.UNKNOWN_STREET).row(0, named=True)
    assert (unmatched["received"], unmatched["petitions"]) == (0, 1)
