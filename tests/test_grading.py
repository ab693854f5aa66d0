"""Grid grading (红黄绿) on hand-worked inputs: rules, transitions, what-if counts, intervals, shrinkage, health."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from gridgov import grading, periods
from gridgov.config import Config, GradingConfig

ROOT = Path(__file__).resolve().parent.parent
H1 = periods.parse("half", "2026-H1")

# Five graded grids and two without residents. Rates per 1,000 (worked by hand):
#   grid  pop   cases petitions  case_rate petition_rate
#   a     1000  10    0          10        0
#   b     1000  20    1          20        1
#   c     2000  60    2          30        1
#   d      500  20    0          40        0
#   e     1000  50    4          50        4
#   f        0   3    0          —         —     (no residents: ungraded)
#   g     null   1    1          —         —     (unknown: ungraded)
INPUTS = pl.DataFrame({
    "grid_id": list("abcdefg"),
    "grid_name": [x + "网格" for x in "abcdefg"],
    "community_name": ["社区"] * 7,
    "street_name": ["东街道"] * 7,
    "grid_type": ["urban"] * 7,
    "households": [400] * 7,
    "population": [1000, 1000, 2000, 500, 1000, 0, None],
    "full_time_staff": [1] * 7,
    "part_time_staff": [1] * 7,
    "volunteers": [1] * 7,
    "has_party_branch": [True] * 7,
    "leader_is_party_member": [True] * 7,
    "cases": [10, 20, 60, 20, 50, 3, 1],
    "petitions": [0, 1, 2, 0, 4, 0, 1],
}, schema_overrides={"population": pl.Int32})

PERCENTILE = GradingConfig()
ABSOLUTE = GradingConfig(rule="absolute", absolute={"case_red": 45.0, "case_yellow": 25.0,
                                                    "petition_red": 2.0, "petition_yellow": 1.5})


def grades(frame: pl.DataFrame) -> dict[str, str]:
    return dict(zip(frame["grid_id"], frame["grade"]))


def _graded(cfg: GradingConfig, estimate: str) -> grading.Grading:
    frame, th = grading.grade_frame(INPUTS, cfg, estimate)
    return grading.Grading(H1, th, frame)


def test_percentile_thresholds_interpolate_linearly_between_graded_grids():
    # case rates sorted 10 20 30 40 50: the 90th percentile sits at 0.9 × 4 = 3.6 → 40 + 0.6 × 10 = 46,
    # the 70th at 2.8 → 30 + 0.8 × 10 = 38. Petition rates sorted 0 0 1 1 4: 90th at 3.6 → 1 + 0.6 × 3
    # = 2.8, 70th at 2.8 → 1 + 0.8 × 0 = 1. Grids without residents take no part.
    _, th = grading.grade_frame(INPUTS, PERCENTILE, "raw")
    assert th.value == pytest.approx({"case_red": 46.0, "case_yellow": 38.0, "petition_red": 2.8, "petition_yellow": 1.0})


def test_percentile_rule_grades_by_either_rate_and_never_grades_a_grid_without_residents():
    frame, _ = grading.grade_frame(INPUTS, PERCENTILE, "raw")
    assert grades(frame) == {
        "a": "green",      # 10 < 38 and 0
        "b": "yellow",     # petition rate 1 reaches 1.0
        "c": "yellow",     # petition rate 1 reaches 1.0
        "d": "yellow",     # case rate 40 reaches 38 (not 46)
        "e": "red",        # case rate 50 reaches 46
        "f": "ungraded", "g": "ungraded",
    }


def test_absolute_rule_uses_the_configured_numbers():
    frame, th = grading.grade_frame(INPUTS, ABSOLUTE, "raw")
    assert th.value == {"case_red": 45.0, "case_yellow": 25.0, "petition_red": 2.0, "petition_yellow": 1.5}
    # b: 20 and 1 reach nothing; c: case 30 ≥ 25; d: 40 ≥ 25; e: 50 ≥ 45 and 4 ≥ 2
    assert grades(frame) == {"a": "green", "b": "green", "c": "yellow", "d": "yellow", "e": "red",
                             "f": "ungraded", "g": "ungraded"}


def test_a_zero_rate_never_reaches_a_zero_percentile_threshold():
    # Petitions 0 0 0 0 3: the 70th percentile is 0, yet grids with no petition stay green.
    # No cases anywhere: every case threshold is 0 too. Petition red = 0 + 0.6 × 3 = 1.8.
    frame = INPUTS.head(5).with_columns(pl.Series("petitions", [0, 0, 0, 0, 3]), pl.lit(0).alias("cases"))
    graded, th = grading.grade_frame(frame, PERCENTILE, "raw")
    assert (th.value["petition_yellow"], th.value["case_red"]) == (0.0, 0.0)
    assert th.value["petition_red"] == pytest.approx(1.8)
    assert grades(graded) == {"a": "green", "b": "green", "c": "green", "d": "green", "e": "red"}


def test_a_rate_exactly_at_its_threshold_reaches_it():
    assert grading.reaches(38.0, 38.0)
    assert not grading.reaches(37.999, 38.0)
    assert not grading.reaches(0.0, 0.0)
    assert not grading.reaches(None, 1.0)


def test_why_gives_the_fewer_cases_and_petitions_that_change_a_red_grade():
    g = _graded(PERCENTILE, "raw")
    w = grading.why(g, "e")
    case, petition = w["rates"]["case"], w["rates"]["petition"]
    # case rate 50 per 1,000 residents (1,000): below 46 needs at most 45 cases → 5 fewer; below 38 → 37, 13 fewer.
    assert case["levels"]["red"] == {"threshold": pytest.approx(46.0), "reached": True, "fewer": 5}
    assert case["levels"]["yellow"]["fewer"] == 13
    # petitions 4: below 2.8 needs at most 2 → 2 fewer; below 1.0 needs 0 → 4 fewer.
    assert petition["levels"]["red"]["fewer"] == 2
    assert petition["levels"]["yellow"]["fewer"] == 4
    # Both rates reach red, so leaving red takes both reductions.
    assert w["to_change"] == {"direction": "fewer", "level": "red", "needed": {"case": 5, "petition": 2}}


def test_why_for_a_small_yellow_grid_and_for_a_green_grid():
    g = _graded(PERCENTILE, "raw")
    # d: 20 cases over 500 residents = 40 ≥ 38; below 38 means k / 0.5 < 38, k ≤ 18 → 2 fewer.
    d = grading.why(g, "d")
    assert d["to_change"] == {"direction": "fewer", "level": "yellow", "needed": {"case": 2, "petition": 0}}
    # a (green): yellow at 38 cases (38 / 1 ≥ 38) → 28 more; or 1 petition (1 ≥ 1.0).
    a = grading.why(g, "a")
    assert a["to_change"] == {"direction": "more", "level": "yellow", "needed": {"case": 28, "petition": 1}}
    assert a["rates"]["case"]["levels"]["red"]["more"] == 36    # 46 cases reach 46


def test_why_for_an_ungraded_grid_has_no_thresholds():
    g = _graded(PERCENTILE, "raw")
    assert grading.why(g, "f")["rates"] == {}
    with pytest.raises(KeyError):
        grading.why(g, "nope")


def test_poisson_intervals_match_published_garwood_values():
    # Garwood's exact 95% limits for a Poisson count: 0 → (0, 3.689); 2 → (0.242, 7.225); 10 → (4.795, 18.39).
    low, high = grading.poisson_interval([0, 2, 10], 0.05)
    assert low == pytest.approx([0.0, 0.2422, 4.7954], abs=1e-4)
    assert high == pytest.approx([3.6889, 7.2247, 18.3904], abs=1e-4)


def test_rate_intervals_divide_by_the_population_in_thousands():
    frame, _ = grading.grade_frame(INPUTS, PERCENTILE, "raw")
    d = frame.filter(pl.col("grid_id") == "d").row(0, named=True)    # 20 cases, 500 residents
    low, high = grading.poisson_interval([20], 0.05)
    assert d["case_rate_low"] == pytest.approx(low[0] / 0.5)
    assert d["case_rate_high"] == pytest.approx(high[0] / 0.5)
    assert frame.filter(pl.col("grid_id") == "f")["case_rate_low"][0] is None


def test_shrinkage_follows_marshalls_estimator_by_hand():
    # One street, four grids: exposures n = 1, 1, 1, 0.15 (thousands), petitions k = 1, 2, 3, 2.
    frame = INPUTS.head(4).with_columns(pl.Series("population", [1000, 1000, 1000, 150], dtype=pl.Int32),
                                        pl.Series("petitions", [1, 2, 3, 2]))
    cfg = replace(PERCENTILE, min_street_grids=3)
    shrunk = grading.shrink(grading.with_rates(frame), cfg)
    m = 8 / 3.15                                          # Σk / Σn = 2.5397
    rates = [1.0, 2.0, 3.0, 2 / 0.15]
    s2 = sum(n * (r - m) ** 2 for n, r in zip([1, 1, 1, 0.15], rates)) / 3.15
    a = s2 - m / (3.15 / 4)                               # 6.460 − 3.225 = 3.235
    c_small = a / (a + m / 0.15)                          # 0.160
    assert a == pytest.approx(3.235, abs=1e-3)
    small = shrunk.filter(pl.col("grid_id") == "d").row(0, named=True)
    assert small["petition_keep"] == pytest.approx(c_small)
    assert small["petition_rate_shrunk"] == pytest.approx(m + c_small * (2 / 0.15 - m))   # 4.27, not 13.3
    assert small["petition_rate_shrunk"] == pytest.approx(4.271, abs=1e-3)
    assert small["petition_prior_scope"] == "东街道"


def test_a_grid_of_150_residents_with_two_petitions_is_red_raw_but_not_when_shrunk():
    # Twenty grids of 1,000 residents: sixteen with 2-5 petitions, four with 9-12 (truly high), and one
    # grid of 150 residents with 2 petitions (13.3 per 1,000, the highest raw rate).
    n = 20
    frame = pl.DataFrame({
        "grid_id": [f"g{k:02d}" for k in range(n)] + ["tiny"],
        "grid_name": ["x"] * (n + 1), "community_name": ["c"] * (n + 1), "street_name": ["东街道"] * (n + 1),
        "grid_type": ["urban"] * (n + 1), "households": [400] * (n + 1),
        "population": [1000] * n + [150],
        "full_time_staff": [1] * (n + 1), "part_time_staff": [1] * (n + 1), "volunteers": [1] * (n + 1),
        "has_party_branch": [True] * (n + 1), "leader_is_party_member": [True] * (n + 1),
        "cases": [20 + k for k in range(n)] + [4],
        "petitions": [2, 3, 4, 5] * 4 + [9, 10, 11, 12] + [2],
    }, schema_overrides={"population": pl.Int32})
    raw, _ = grading.grade_frame(frame, PERCENTILE, "raw")
    shrunk, _ = grading.grade_frame(frame, PERCENTILE, "shrunk")
    assert grades(raw)["tiny"] == "red"          # 13.3 per 1,000 ≥ the 90th percentile, 11
    assert grades(shrunk)["tiny"] != "red"       # pulled toward its street: 5.9, below the shrunk red 7.3
    assert [g for g, v in grades(shrunk).items() if v == "red"] == ["g17", "g18", "g19"]
    tiny = raw.filter(pl.col("grid_id") == "tiny").row(0, named=True)
    assert tiny["uncertain"]                      # its interval (1.6 – 48) holds the red threshold


def test_shrinkage_toward_the_district_when_a_street_has_few_grids():
    frame = INPUTS.head(5).with_columns(pl.Series("street_name", ["东街道"] * 4 + ["西镇"]))
    shrunk = grading.shrink(grading.with_rates(frame), replace(PERCENTILE, min_street_grids=2))
    scopes = dict(zip(shrunk["grid_id"], shrunk["case_prior_scope"]))
    assert scopes == {"a": "东街道", "b": "东街道", "c": "东街道", "d": "东街道", "e": ""}


def test_no_between_grid_variance_shrinks_everyone_to_the_street_rate():
    # Equal rates: s² = 0 < m / n̄, so A = 0 and every grid gets the street's rate.
    frame = INPUTS.head(3).with_columns(pl.Series("population", [1000, 1000, 2000], dtype=pl.Int32),
                                        pl.Series("cases", [10, 10, 20]))
    shrunk = grading.shrink(grading.with_rates(frame), replace(PERCENTILE, min_street_grids=1))
    assert shrunk["case_rate_shrunk"].to_list() == pytest.approx([10.0, 10.0, 10.0])
    assert shrunk["case_keep"].to_list() == [0.0, 0.0, 0.0]


def test_what_if_on_shrunk_rates_uses_the_grids_street_constants():
    g = _graded(PERCENTILE, "shrunk")
    row = g.grids.filter(pl.col("grid_id") == "e").row(0, named=True)
    f = grading.linear(row, "case", "shrunk")
    assert f.at(50) == pytest.approx(row["case_rate_shrunk"])
    w = grading.why(g, "e")
    red = w["rates"]["case"]["levels"]["red"]
    if red["reached"] and red["fewer"] is not None:
        k = 50 - red["fewer"]
        assert not grading.reaches(f.at(k), red["threshold"]) and grading.reaches(f.at(k + 1), red["threshold"])


def _fake_fetch(by_start: dict[datetime, pl.DataFrame]):
    def fetch(name, **params):
        assert name == "grid_counts" and params["channels"] == ["hotline"] and params["basis"] == "assessment"
        return by_start[params["start"]]
    return fetch


def test_transitions_compare_with_the_previous_half_year():
    now = INPUTS.head(5)                                               # a green, b c d yellow, e red
    before = INPUTS.head(5).with_columns(pl.Series("cases", [50, 20, 60, 20, 10]),
                                         pl.Series("petitions", [4, 1, 2, 0, 0]))   # a red, e green
    fetch = _fake_fetch({H1.start: now, H1.previous().start: before})
    g = grading.grade(fetch, H1, Config(), estimate="raw")
    assert dict(zip(g.grids["grid_id"], g.grids["previous_grade"])) == {
        "a": "red", "b": "yellow", "c": "yellow", "d": "yellow", "e": "green"}
    assert grading.turned_red(g)["grid_id"].to_list() == ["e"]
    assert grading.left_red(g)["grid_id"].to_list() == ["a"]
    matrix = {r["previous_grade"]: r for r in grading.transition_matrix(g).to_dicts()}
    assert (matrix["red"]["green"], matrix["green"]["red"], matrix["yellow"]["yellow"]) == (1, 1, 3)


def test_no_previous_grade_when_the_half_year_before_has_no_data():
    empty = INPUTS.head(5).with_columns(pl.lit(0).alias("cases"), pl.lit(0).alias("petitions"))
    g = grading.grade(_fake_fetch({H1.start: INPUTS.head(5), H1.previous().start: empty}), H1, Config())
    assert g.previous is None
    assert g.grids["previous_grade"].null_count() == 5


def test_counts_by_street_and_restrict_keep_the_district_thresholds():
    frame = INPUTS.with_columns(pl.Series("street_name", ["东街道"] * 3 + ["西镇"] * 4))
    g = grading.grade(_fake_fetch({H1.start: frame, H1.previous().start: frame}), H1, Config())
    counts = {r["street_name"]: r for r in grading.counts_by_street(g).to_dicts()}
    assert counts["东街道"] == {"street_name": "东街道", "red": 0, "yellow": 2, "green": 1, "ungraded": 0, "grids": 3}
    assert counts["西镇"] == {"street_name": "西镇", "red": 1, "yellow": 1, "green": 0, "ungraded": 2, "grids": 4}
    west = grading.restrict(g, "西镇")
    assert west.thresholds == g.thresholds and west.grids["grid_id"].to_list() == ["d", "e", "f", "g"]


def test_grading_counts_only_hotline_cases_on_the_assessment_basis(fetch):
    # Tiny district, 2026-H2: g1 has hotline cases c1 c2 c7 (3), g2 has c4 (c3 came by app), g3 has c8
    # (c5 was found on patrol, and excluded) but no residents, so it is not graded.
    half = periods.parse("half", "2026-H2")
    g = grading.grade(fetch, half, Config())
    rows = {r["grid_id"]: r for r in grading.cli_rows(g)}
    assert rows["g1"] == {"grid_id": "g1", "population": 1000, "cases": 3, "petitions": 1,
                          "case_rate": 3.0, "petition_rate": 1.0, "grade": "red"}
    assert rows["g2"] == {"grid_id": "g2", "population": 500, "cases": 1, "petitions": 0,
                          "case_rate": 2.0, "petition_rate": 0.0, "grade": "green"}
    assert rows["g3"] == {"grid_id": "g3", "population": 0, "cases": 1, "petitions": 1, "case_rate": None,
                          "petition_rate": None, "grade": "ungraded"}


def test_grade_refuses_a_period_that_is_not_a_half_year(fetch):
    with pytest.raises(ValueError, match="half-year"):
        grading.grade(fetch, periods.parse("month", "2026-11"), Config())


def test_grid_health_flags_sizes_staff_and_party_organisation():
    frame = pl.DataFrame({
        "grid_id": ["u-big", "u-ok", "r-small", "r-huge", "s"],
        "street_name": ["东街道", "东街道", "西镇", "西镇", "西镇"],
        "grid_type": ["urban", "urban", "rural", "rural", "special"],
        "households": [520, 400, 150, 900, 50],
        "population": [1300, 1000, 400, 2600, 3000],
        "full_time_staff": [1, 2, 0, 1, 1],
        "has_party_branch": [True, True, False, True, None],
        "leader_is_party_member": [True, False, True, True, True],
    })
    flagged = {r["grid_id"]: r for r in grading.health(frame, GradingConfig()).to_dicts()}
    assert flagged["u-big"]["above_size"] and not flagged["u-ok"]["above_size"]
    assert flagged["r-small"]["below_size"] and flagged["r-huge"]["above_size"]
    assert not flagged["s"]["above_size"] and not flagged["s"]["below_size"]    # special grids have no norm
    assert [g for g, r in flagged.items() if r["over_max_population"]] == ["r-huge", "s"]
    assert flagged["r-small"]["no_full_time_staff"] and flagged["r-small"]["residents_per_worker"] is None
    assert flagged["u-ok"]["residents_per_worker"] == 500.0
    # residents per full-time worker: 1,300, 500, none, 2,600, 3,000 — above 1,500 for the last two
    assert [g for g, r in flagged.items() if r["many_residents_per_worker"]] == ["r-huge", "s"]
    assert [g for g, r in flagged.items() if r["no_party_branch"]] == ["r-small", "s"]   # unknown counts as no
    assert [g for g, r in flagged.items() if r["non_party_leader"]] == ["u-ok"]
    by_street = {r["street_name"]: r for r in grading.health_by_street(grading.health(frame, GradingConfig())).to_dicts()}
    assert by_street["西镇"]["population"] == 6000 and by_street["西镇"]["full_time_staff"] == 2
    assert by_street["西镇"]["residents_per_worker"] == 3000.0 and by_street["东街道"]["above_size"] == 1
