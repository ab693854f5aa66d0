"""Early warning: the exact conditional binomial test against each unit's seasonal baseline."""
from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from math import comb

import polars as pl
import pytest

import queries
from gridgov import drill, early_warning, periods, store
from tests import tiny_analytics as ta


def _exact_tail(x: int, n: int, p: Fraction) -> float:
    return float(sum(comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(x, n + 1)))


@pytest.mark.parametrize("x,n,p", [(5, 8, Fraction(1, 5)), (30, 40, Fraction(3, 20)), (3, 3, Fraction(1, 2)),
                                   (0, 5, Fraction(3, 10)), (1, 1, Fraction(1, 7)), (120, 300, Fraction(1, 4)),
                                   (60, 300, Fraction(1, 4)), (7, 7, Fraction(1, 1000))])
def test_the_binomial_tail_matches_the_exact_sum(x, n, p):
    assert early_warning.binomial_upper_tail(x, n, float(p)) == pytest.approx(_exact_tail(x, n, p), rel=1e-9)


def test_tails_at_the_edges():
    assert early_warning.binomial_upper_tail(0, 10, 0.3) == 1.0
    assert early_warning.binomial_upper_tail(11, 10, 0.3) == 0.0
    assert early_warning.binomial_upper_tail(3, 10, 0.0) == 0.0
    assert early_warning.binomial_upper_tail(3, 10, 1.0) == 1.0


def _cfg(**kw):
    return ta.config(**{"warning_years": 1, "warning_half_width": 0, "warning_min_count": 3, "warning_alpha": 0.2} | kw)


def test_baseline_weeks_are_the_same_iso_weeks_of_earlier_years_the_data_cover():
    week = periods.parse("week", "2026-W45")
    weeks = early_warning.baseline_weeks(week, _cfg(warning_years=2, warning_half_width=1), date(2025, 10, 8))
    assert [w.label for w in weeks] == ["2025-W44", "2025-W45", "2025-W46"]   # 2024 is before the data
    weeks = early_warning.baseline_weeks(week, _cfg(warning_years=2, warning_half_width=1), None)
    assert [w.label for w in weeks] == ["2024-W44", "2024-W45", "2024-W46", "2025-W44", "2025-W45", "2025-W46"]


def test_week_53_looks_back_to_week_52():
    weeks = early_warning.baseline_weeks(periods.parse("week", "2026-W53"), _cfg(), None)
    assert [w.label for w in weeks] == ["2025-W52"]


def test_the_evidence_of_one_unit_by_hand():
    # this week 6 cases, baseline 1; the district 12 now against 10 before: p0 = 12/22 = 6/11
    counts = pl.DataFrame({"unit": ["u", "u", "v"], "unit_name": ["U", "U", "V"], "parent": [None] * 3,
                           "week_start": [date(2026, 11, 2), date(2025, 11, 3), date(2026, 11, 2)],
                           "cases": [6, 1, 2]})
    out = early_warning.test(counts, date(2026, 11, 2), [date(2025, 11, 3)], 12, 10, _cfg(), "grid")
    assert out["unit"].to_list() == ["u"]                        # v has 2 cases, fewer than min_count 3
    row = out.row(0, named=True)
    p = _exact_tail(6, 7, Fraction(6, 11))
    assert row["p_value"] == pytest.approx(p)
    assert row["expected"] == pytest.approx(1.2) and row["ratio"] == pytest.approx(5.0)
    assert (row["baseline_weeks"], row["baseline_mean"], row["threshold"]) == (1, 1.0, 0.2)
    assert row["flagged"] == (p < 0.2)


def test_bonferroni_divides_alpha_by_the_units_tested():
    counts = pl.DataFrame({"unit": list("abcd"), "unit_name": list("abcd"), "parent": [None] * 4,
                           "week_start": [date(2026, 11, 2)] * 4, "cases": [3, 3, 3, 3]})
    out = early_warning.test(counts, date(2026, 11, 2), [date(2025, 11, 3)], 12, 12, _cfg(), "grid")
    assert out["threshold"].to_list() == [0.05] * 4


def test_no_baseline_means_no_test():
    counts = pl.DataFrame({"unit": ["u"], "unit_name": ["U"], "parent": [None], "week_start": [date(2026, 11, 2)],
                           "cases": [50]})
    assert early_warning.test(counts, date(2026, 11, 2), [], 50, 0, _cfg(), "grid").height == 0


@pytest.fixture
def fetch(tmp_path):
    con = store.connect(ta.build(tmp_path / "analytics.duckdb"))
    yield lambda name, **params: queries.fetch(con, name, **params)
    con.close()


def test_detect_flags_the_grid_community_and_category_that_surged(fetch):
    # 2026-W45: g3 6 (其他), g1 1 → district 7; 2025-W45: g1 3, g4 1, g3 1 → district 5; p0 = 7/12.
    # g3 (and its 南社区, and 其他): P(Bin(7, 7/12) >= 6) = 42·7⁶/12⁷ ≈ 0.1379 < 0.2 / 1 tested unit
    week = periods.parse("week", "2026-W45")
    found = early_warning.detect(fetch, week, _cfg(), drill.Scope(), "all", datetime(2025, 10, 8))
    p = 42 * 7 ** 6 / 12 ** 7
    assert {(r["kind"], r["unit"]) for r in found.to_dicts()} == {("category", "其他"), ("community", "南社区"),
                                                                    ("grid", "g3")}
    assert found["p_value"].to_list() == pytest.approx([p, p, p])
    assert found["flagged"].all()
    assert found["expected"].to_list() == pytest.approx([1.4] * 3)


def test_a_stricter_level_flags_nothing(fetch):
    week = periods.parse("week", "2026-W45")
    found = early_warning.detect(fetch, week, _cfg(warning_alpha=0.1), drill.Scope(), "all", datetime(2025, 10, 8))
    assert found.height == 3 and not found["flagged"].any()


def test_inside_a_community_only_categories_and_grids_are_tested(fetch):
    week = periods.parse("week", "2026-W45")
    found = early_warning.detect(fetch, week, _cfg(), drill.Scope("东街道", "南社区"), "all", datetime(2025, 10, 8))
    assert set(found["kind"]) == {"category", "grid"}


def test_the_warning_week_is_the_last_complete_week_of_the_period():
    assert early_warning.warning_week(periods.parse("month", "2026-10"), ta.AS_OF).label == "2026-W43"
    assert early_warning.warning_week(periods.parse("week", "2026-W45"), ta.AS_OF).label == "2026-W45"
    assert early_warning.warning_week(periods.parse("month", "2026-11"), ta.AS_OF).label == "2026-W46"
