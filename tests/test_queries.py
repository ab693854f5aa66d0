"""Every .sql file runs on the tiny schema; the loader refuses wrong parameters; injection matches nothing."""
from __future__ import annotations

from datetime import datetime

import pytest

import queries
from tests import tiny

# One valid parameter set per query; a new .sql file must add its own here.
PARAMS = {
    "grid_counts": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), categories=[], channels=["hotline"],
                        basis="assessment"),
    "grid_boundaries": {},
    "case_density_bins": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), streets=[], categories=[],
                              channels=[], basis="all", bin_lon=0.01, bin_lat=0.01),
    "red_light_cases": dict(as_of=tiny.AS_OF, start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), streets=[],
                            categories=[], channels=[], basis="all", row_limit=10),
    "grid_case_list": dict(grid_id="g1", start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), categories=[],
                           channels=[], basis="all", as_of=tiny.AS_OF, row_limit=10),
    "case_counts": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), level="street", streets=[], basis="all"),
    "petition_counts": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), level="street", streets=[]),
    "overdue_open_cases": dict(as_of=tiny.AS_OF, streets=[], row_limit=10),
    "data_span": {},
    "street_names": {},
    "pivot_case_counts": dict(dim_1="street", dim_2="week", dim_3="none", start=datetime(2026, 11, 1),
                              end=datetime(2026, 11, 16), streets=[], categories=[], channels=[], basis="all"),
    "pivot_petition_counts": dict(dim_1="grid", dim_2="none", dim_3="none", start=datetime(2026, 11, 1),
                                  end=datetime(2026, 11, 16), streets=[]),
    "case_filter_values": {},
    "schema_columns": {},
    "saved_query_list": {},
    "workbench_example": {},
    # 诉求办理, 三色督办, 信访
    "grid_places": {},
    "case_counts_by": dict(dimension="street", start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), basis="all",
                           streets=[], communities=[], grids=[]),
    "petition_counts_by": dict(dimension="grid", start=datetime(2026, 11, 1), end=datetime(2026, 11, 16),
                               as_of=tiny.AS_OF, accept_days=15, streets=[], communities=[], grids=[]),
    "case_light_counts": dict(dimension="street", start=datetime(2026, 11, 1), end=datetime(2026, 11, 16),
                              as_of=tiny.AS_OF, basis="all", streets=[], communities=[], grids=[]),
    "case_list": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), as_of=tiny.AS_OF, basis="all",
                      streets=[], communities=[], grids=[], lights=[], carry_over=True, row_limit=10),
    "case_detail": dict(case_id="c1", as_of=tiny.AS_OF),
    "petition_list": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), streets=[], communities=[],
                          grids=[], row_limit=10),
    "petition_detail": dict(petition_id="p1"),
    "escalated_petitions": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), person_days=90,
                                place_days=30, map_petition_categories=["物业纠纷"], map_case_categories=["物业服务"],
                                streets=[], communities=[], grids=[]),
    "weekly_unit_counts": dict(dimension="grid", week_starts=[datetime(2026, 11, 9).date()], basis="all",
                               streets=[], communities=[], grids=[]),
    # 数据导入 / 数据质量 (issue 3)
    "import_log_recent": dict(row_limit=10),
    "import_quarantine_rows": dict(import_ids=["x"], reasons=[], row_limit=10),
    "data_quality_by_month": dict(month_end_days=3),
    "data_quality_rows": dict(table_name="cases", source_file="", month="2026-11", check="missing_grid",
                              month_end_days=3, row_limit=10),
    "quality_set_aside_rows": dict(table_name="cases", source_file="a.csv", month="2026-11", reasons=[], row_limit=10),
}


def test_every_query_has_parameters_here():
    assert set(queries.names()) == set(PARAMS)


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_every_query_runs(tiny_con, name):
    frame = queries.fetch(tiny_con, name, **PARAMS[name])
    assert frame.width > 0


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_every_query_declares_what_one_row_is(name):
    assert queries.load(name).sql.lstrip().startswith("--")


def test_loader_refuses_missing_and_extra_parameters(tiny_con):
    with pytest.raises(queries.QueryError, match="missing row_limit"):
        queries.fetch(tiny_con, "overdue_open_cases", as_of=tiny.AS_OF, streets=[])
    with pytest.raises(queries.QueryError, match="unexpected colour"):
        queries.fetch(tiny_con, "street_names", colour="red")
    with pytest.raises(queries.QueryError, match="no query named"):
        queries.fetch(tiny_con, "../etc/passwd")


def test_parameters_in_comments_and_strings_are_not_parameters():
    assert queries.load("data_span").params == frozenset()
    assert queries.load("case_counts").params == {"start", "end", "level", "streets", "basis"}


def test_injection_in_a_parameter_matches_nothing(tiny_con):
    params = dict(PARAMS["case_counts"], streets=["东街道' or '1'='1"])
    assert queries.fetch(tiny_con, "case_counts", **params).height == 0
    cases = tiny_con.execute("select count(*) from cases").fetchone()[0]
    assert cases == tiny.CASES.height


def test_street_filter_selects_that_street(tiny_con):
    frame = queries.fetch(tiny_con, "case_counts", **dict(PARAMS["case_counts"], streets=["西镇"]))
    assert set(frame["street_name"]) == {"西镇"}
    assert frame["received"].sum() == 2   # c5 (excluded, but basis is all) and c8


def test_grid_level_groups_by_grid(tiny_con):
    frame = queries.fetch(tiny_con, "case_counts", **dict(PARAMS["case_counts"], level="grid"))
    per_grid = {u: frame.filter(frame["unit"] == u)["received"].sum() for u in ["g1", "g2", "g3"]}
    assert per_grid == {"g1": 3, "g2": 2, "g3": 2}   # g1: c1 c2 c7; g2: c3 c4; g3: c5 c8
