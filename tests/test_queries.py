"""Every .sql file runs on the tiny schema; the loader refuses wrong parameters; injection matches nothing."""
from __future__ import annotations

from datetime import datetime

import pytest

import queries
from tests import tiny

# One valid parameter set per query; a new .sql file must add its own here.
PARAMS = {
    "case_counts": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), level="street", streets=[], basis="all"),
    "petition_counts": dict(start=datetime(2026, 11, 1), end=datetime(2026, 11, 16), level="street", streets=[]),
    "overdue_open_cases": dict(as_of=tiny.AS_OF, streets=[], row_limit=10),
    "data_span": {},
    "street_names": {},
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
