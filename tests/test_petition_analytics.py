"""信访's measures and the 诉转访 linkage, worked out by hand on tests/tiny_analytics.py."""
from __future__ import annotations

import pytest

import queries
from gridgov import drill, metrics, periods, petition_analytics as pa, store
from gridgov.config import AnalyticsConfig, Config
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


def test_escalations_link_by_person_and_by_place(fetch):
    found = pa.escalations(fetch, OCTOBER, ta.config(), drill.Scope())
    rows = {r["petition_id"]: (r["case_id"], r["link"], r["linked_cases"]) for r in found.to_dicts()}
    assert rows == {
        "q1": ("k1", "person", 3),   # A called (k1); k2 (unresolved) and k9 (open) share its grid and category
        "q2": ("k4", "place", 1),    # nobody called, but k4 in g2 (物业服务) was still open
        "q3": ("k5", "place", 1),    # k5 (其他) open in g3; k6 was cancelled and does not count
        "q5": ("k2", "person", 1),   # B called (k2), which also links by place: one case, a person link
        "q8": ("k4", "person", 1),   # D called (k4); no 劳动保障 case in g2
    }
    assert pa.link_counts(found) == {"person": 3, "place": 2}
    assert found.filter(found["petition_id"] == "q1")["days_between"].to_list() == [pytest.approx(5.0)]


def test_no_link_without_a_mapped_category_a_grid_or_a_recent_case(fetch):
    found = pa.escalations(fetch, OCTOBER, ta.config(), drill.Scope())
    # q4: 征地拆迁 is unmapped and W never called; q6: no grid; q9: U called 126 days before (> 90)
    assert {"q4", "q6", "q9"}.isdisjoint(found["petition_id"].to_list())


def test_windows_and_mapping_come_from_the_configuration(fetch):
    longer = pa.escalations(fetch, OCTOBER, ta.config(escalation_person_days=130), drill.Scope())
    assert "q9" in longer["petition_id"].to_list()
    unmapped = pa.escalations(fetch, OCTOBER, Config(analytics=AnalyticsConfig()), drill.Scope())
    assert set(unmapped["link"]) == {"person"} and unmapped.height == 3


def test_a_settled_case_does_not_link_by_place(fetch):
    # k1 (物业服务 in g1, closed satisfied and resolved) is within q5's 30 days but settled
    found = pa.escalations(fetch, OCTOBER, ta.config(), drill.Scope())
    assert found.filter(found["petition_id"] == "q5")["linked_cases"].to_list() == [1]


def test_petition_measures_of_october(fetch, places):
    escalated = pa.escalations(fetch, OCTOBER, ta.config(), drill.Scope())
    units = pa.petition_units(fetch, OCTOBER, ta.AS_OF, ta.config(), drill.Scope(), "street", places, escalated)
    total = pa.totals(units, ta.config(), drill.scope_population(places, drill.Scope()))
    assert (total["petitions"], total["repeat_petitions"], total["skip_level_petitions"],
            total["collective_petitions"], total["persons"]) == (8, 2, 1, 1, 22)
    # due: all eight; in time: q1 q4 q5 q6 q9 (q2 took 21 days, q3 and q8 are not accepted)
    assert total["timely_acceptance_rate"] == pytest.approx(5 / 8)
    assert total["petition_on_time_rate"] == pytest.approx(3 / 4)      # q5 closed after its deadline
    assert total["petition_satisfaction_rate"] == pytest.approx(2 / 3)  # q1 satisfied, q5 basically, q4 not
    assert total["petitions_per_1000"] == pytest.approx(2.0)
    assert (total["escalated_petitions"], total["escalation_share"]) == (5, pytest.approx(5 / 8))
    rows = {r["unit"]: r for r in units.to_dicts()}
    assert (rows["东街道"]["petitions"], rows["东街道"]["escalated_petitions"]) == (5, 5)
    assert rows["东街道"]["petitions_per_1000"] == pytest.approx(2.5)
    assert (rows["西镇"]["petitions"], rows["西镇"]["escalated_petitions"]) == (2, 0)
    assert rows[metrics.UNKNOWN_STREET]["petitions"] == 1 and rows[metrics.UNKNOWN_STREET]["petitions_per_1000"] is None


def test_a_petition_not_yet_due_for_acceptance_leaves_the_rate_undefined(fetch, places):
    week = periods.parse("week", "2026-W46")      # q10, registered five days before the data's time
    units = pa.petition_units(fetch, week, ta.AS_OF, ta.config(), drill.Scope(), "street", places)
    total = pa.totals(units, ta.config())
    assert total["petitions"] == 1 and total["acceptance_due"] == 0
    assert total["timely_acceptance_rate"] is None


def test_petitions_by_form_category_and_grid(fetch, places):
    cfg = ta.config()
    forms = {r["unit"]: r["petitions"] for r in pa.petition_units(fetch, OCTOBER, ta.AS_OF, cfg, drill.Scope(),
                                                                   "form").to_dicts()}
    assert forms == {"visit": 3, "letter": 2, "online": 3}
    grids = pa.petition_units(fetch, OCTOBER, ta.AS_OF, cfg, drill.Scope("东街道", "东社区"), "grid", places,
                              pa.escalations(fetch, OCTOBER, cfg, drill.Scope("东街道", "东社区")))
    assert {r["unit"]: (r["petitions"], r["escalated_petitions"]) for r in grids.to_dicts()} == {
        "g1": (2, 2), "g2": (2, 2)}


def test_the_petition_list_names_no_petitioner(fetch):
    listed = fetch("petition_list", start=OCTOBER.start, end=OCTOBER.end, row_limit=100, **drill.Scope().params())
    assert listed.height == 8 and "petitioner_key" not in listed.columns
    assert "petitioner_key" not in fetch("petition_detail", petition_id="q1").columns
