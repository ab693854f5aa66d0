"""The league classes (先进/进步/整改/治理类) on hand-made units whose answers are read off the rows."""
from __future__ import annotations

import polars as pl
import pytest

from gridgov import league, metrics
from gridgov.config import AnalyticsConfig, Config


def _cfg(**n) -> Config:
    counts = {"advanced": 2, "progress": 2, "rectify": 2, "governance": 1} | n
    return Config(min_denominator=10, analytics=AnalyticsConfig(league=counts))


def _units(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["unit", "composite_score", "rated", "received", "cases_per_10k"], orient="row")


CURRENT = _units([
    ("甲", 0.95, 40, 100, 50.0),
    ("乙", 0.93, 30, 90, 80.0),
    ("丙", 0.90, 20, 60, 120.0),   # the most requests per 10,000
    ("丁", 0.85, 25, 70, 60.0),
    ("戊", 0.80, 12, 40, 30.0),
    ("己", 0.99, 5, 8, 10.0),      # top score on five ratings: a small sample, no class from its score
    (metrics.UNKNOWN_STREET, 0.50, 50, 30, None),
])
PREVIOUS = _units([
    ("甲", 0.96, 40, 100, 0.0),
    ("乙", 0.85, 30, 90, 0.0),     # +8 points
    ("丙", 0.80, 5, 60, 0.0),      # +10 points, but last period rested on five ratings
    ("丁", 0.80, 25, 70, 0.0),     # +5 points
    ("戊", 0.70, 12, 40, 0.0),     # +10 points
])


def _classes(table) -> dict[str, list[str]]:
    return {r["unit"]: r["league"] for r in table.to_dicts()}


def test_each_class_follows_its_rule():
    table = league.classify(CURRENT, PREVIOUS, _cfg())
    assert league.members(table, "advanced") == ["甲", "乙"]
    assert league.members(table, "rectify") == ["丁", "戊"]
    assert league.members(table, "progress") == ["乙", "戊"]     # 戊 +10, 乙 +8, 丁 +5
    assert league.members(table, "governance") == ["丙"]
    assert _classes(table)["乙"] == ["advanced", "progress"]
    assert _classes(table)["己"] == []


def test_unmatched_cases_take_no_place_in_the_league():
    assert metrics.UNKNOWN_STREET not in league.classify(CURRENT, PREVIOUS, _cfg())["unit"].to_list()


def test_the_change_is_in_points_of_the_score_and_needs_both_periods():
    table = league.classify(CURRENT, PREVIOUS, _cfg()).to_dicts()
    change = {r["unit"]: r["composite_change"] for r in table}
    assert change["戊"] == pytest.approx(0.10)
    assert change["甲"] == pytest.approx(-0.01)
    assert change["丙"] is None and change["己"] is None


def test_rectify_never_takes_an_advanced_unit_when_few_units_compete():
    few = CURRENT.filter(pl.col("unit").is_in(["甲", "乙", "丙"]))
    table = league.classify(few, PREVIOUS, _cfg(advanced=2, rectify=2))
    assert league.members(table, "advanced") == ["甲", "乙"]
    assert league.members(table, "rectify") == ["丙"]


def test_ties_go_to_the_unit_with_more_cases():
    tied = _units([("子", 0.9, 20, 50, 1.0), ("丑", 0.9, 20, 70, 1.0), ("寅", 0.7, 20, 70, 1.0)])
    table = league.classify(tied, tied.clear(), _cfg(advanced=1, rectify=1, progress=1, governance=1))
    assert league.members(table, "advanced") == ["丑"]
    assert league.members(table, "governance") == ["丑"]
    assert league.members(table, "progress") == []               # nothing to compare with


def test_a_class_of_size_zero_is_empty():
    table = league.classify(CURRENT, PREVIOUS, _cfg(advanced=0, governance=0))
    assert league.members(table, "advanced") == [] and league.members(table, "governance") == []
    assert league.members(table, "rectify") == ["丁", "戊"]
