"""三色督办: case lights as of a moment (SCHEMA.md), worked out by hand on tests/tiny_analytics.py."""
from __future__ import annotations

from datetime import datetime

import pytest

import queries
from gridgov import case_analytics, drill, metrics, periods, store
from tests import tiny_analytics as ta

OCTOBER = periods.parse("month", "2026-10")


@pytest.fixture
def con(tmp_path):
    con = store.connect(ta.build(tmp_path / "analytics.duckdb"))
    yield con
    con.close()


@pytest.fixture
def fetch(con):
    return lambda name, **params: queries.fetch(con, name, **params)


def _light(con, status, closed_at, deadline_at, is_repeat, satisfaction, at=datetime(2026, 10, 20)):
    return con.execute("select case_light($s, $c, $d, $r, $sat, $t), case_light_reason($s, $c, $d, $r, $sat, $t)",
                       {"s": status, "c": closed_at, "d": deadline_at, "r": is_repeat, "sat": satisfaction,
                        "t": at}).fetchone()


@pytest.mark.parametrize("case,expected", [
    (("in_progress", None, datetime(2026, 10, 15), False, None), ("red", "overdue")),
    (("pending", None, datetime(2026, 11, 30), True, None), ("red", "repeat_open")),
    (("closed", datetime(2026, 10, 12), datetime(2026, 10, 9), False, "dissatisfied"), ("red", "dissatisfied")),
    (("in_progress", None, datetime(2026, 10, 25), False, None), ("yellow", "in_time")),
    (("pending", None, None, None, None), ("yellow", "in_time")),                 # no deadline: never overdue
    (("closed", datetime(2026, 10, 7), datetime(2026, 10, 8), False, "satisfied"), ("green", "closed")),
    (("closed", datetime(2026, 10, 7), datetime(2026, 10, 8), False, None), ("green", "closed")),  # unrated
    (("closed", datetime(2026, 10, 28), datetime(2026, 10, 25), False, "satisfied"), ("yellow", "in_time")),
    (("closed", None, datetime(2026, 10, 8), False, None), ("green", "closed")),   # closed, time unknown
    (("cancelled", None, datetime(2026, 10, 1), True, None), (None, "cancelled")),
])
def test_the_light_of_one_case_as_of_a_moment(con, case, expected):
    assert _light(con, *case) == expected


def test_an_open_repeat_past_its_deadline_is_red_for_being_overdue(con):
    assert _light(con, "in_progress", None, datetime(2026, 10, 1), True, None) == ("red", "overdue")


def test_lights_of_october_as_of_the_twentieth(fetch):
    # k1 green; k2 red (dissatisfied); k3 yellow (closes on the 28th); k4 red (overdue); k5 red (open
    # repeat); k6 cancelled; k7 excluded; k8 received after the moment; k9 carried over, red (overdue)
    units = case_analytics.light_units(fetch, OCTOBER, ta.MOMENT, drill.Scope(), "assessment", "street")
    totals = case_analytics.light_totals(units)
    assert totals == {"red_cases": 4, "yellow_cases": 1, "green_cases": 1, "red_overdue": 2, "red_repeat_open": 1,
                      "red_dissatisfied": 1, "carried_over": 1, "cancelled": 1}
    assert units["unit"].to_list() == ["东街道"]


def test_lights_of_october_as_of_the_data_time(fetch):
    units = case_analytics.light_units(fetch, OCTOBER, ta.AS_OF, drill.Scope(), "all", "street")
    by_street = {r["unit"]: (r["red_cases"], r["yellow_cases"], r["green_cases"]) for r in units.to_dicts()}
    # k3 has closed by now; k7 counts on the all-case basis; k8 has no known grid
    assert by_street == {"东街道": (4, 0, 2), "西镇": (0, 0, 1), metrics.UNKNOWN_STREET: (0, 0, 1)}


def test_lights_by_grid_inside_a_community(fetch):
    units = case_analytics.light_units(fetch, OCTOBER, ta.MOMENT, drill.Scope("东街道", "东社区"), "assessment", "grid")
    rows = {r["unit"]: (r["unit_name"], r["red_cases"], r["yellow_cases"], r["green_cases"]) for r in units.to_dicts()}
    assert rows == {"g1": ("东一网格", 2, 0, 1), "g2": ("东二网格", 1, 1, 0)}


def test_the_red_list_puts_the_most_overdue_first(fetch):
    red = case_analytics.case_list(fetch, OCTOBER, ta.MOMENT, drill.Scope(), "assessment", ta.config(),
                                   lights=("red",), carry_over=True)
    assert red["case_id"].to_list() == ["k9", "k4", "k5", "k2"]
    assert red["days_overdue"].to_list()[:2] == [pytest.approx(25.0), pytest.approx(5.0)]
    assert red["reason"].to_list() == ["overdue", "overdue", "repeat_open", "dissatisfied"]
    assert red["days_overdue"].to_list()[2:] == [None, None]


def test_the_case_list_of_a_grid_holds_every_light(fetch):
    cases = case_analytics.case_list(fetch, OCTOBER, ta.AS_OF, drill.Scope("东街道", "南社区", "g3"), "all",
                                     ta.config())
    assert {r["case_id"]: r["light"] for r in cases.to_dicts()} == {"k5": "red", "k6": None}


def test_a_case_list_is_cut_at_the_configured_rows(fetch):
    cases = case_analytics.case_list(fetch, OCTOBER, ta.AS_OF, drill.Scope(), "all", ta.config(list_rows=3))
    assert cases.height == 3


def test_one_case_carries_its_light_and_reason(fetch):
    case = fetch("case_detail", case_id="k4", as_of=ta.MOMENT).row(0, named=True)
    assert (case["light"], case["reason"], case["street_name"], case["grid_name"]) == ("red", "overdue", "东街道", "东二网格")
    assert fetch("case_detail", case_id="nope", as_of=ta.AS_OF).height == 0
