"""The analytics pages' measures (gridgov.measures, defined once): formulas, undefined rates, formats."""
from __future__ import annotations

import polars as pl
import pytest

from gridgov import measures
from gridgov.config import Config

CFG = Config(basically_satisfied_weight=0.9)


def test_per_population_rates_and_the_grid_share():
    frame = pl.DataFrame({"received": [30, 5], "handled_in_grid": [12, 0], "population": [2000, 0],
                          "petitions": [3, 1]})
    out = measures.evaluate_pages(frame, CFG).to_dicts()
    assert out[0]["cases_per_10k"] == pytest.approx(150.0)      # 30 / 2,000 × 10,000
    assert out[0]["petitions_per_1000"] == pytest.approx(1.5)   # 3 / 2,000 × 1,000
    assert out[0]["grid_handled_share"] == pytest.approx(0.4)
    assert out[1]["cases_per_10k"] is None and out[1]["petitions_per_1000"] is None   # no residents: undefined


def test_petition_rates_weigh_basically_satisfied_as_cases_do():
    counts = dict.fromkeys(measures.PETITION_DETAIL_COUNTS, 0) | {
        "acceptance_due": 8, "accepted_timely": 6, "petitions_closed_with_deadline": 4, "petitions_closed_on_time": 3,
        "petitions_rated": 4, "petitions_satisfied": 2, "petitions_basically_satisfied": 1}
    out = measures.evaluate_pages(pl.DataFrame([counts | {"petitions": 10, "escalated_petitions": 2}]), CFG).row(0, named=True)
    assert out["timely_acceptance_rate"] == pytest.approx(0.75)
    assert out["petition_on_time_rate"] == pytest.approx(0.75)
    assert out["petition_satisfaction_rate"] == pytest.approx((2 + 0.9) / 4)
    assert out["escalation_share"] == pytest.approx(0.2)


def test_nothing_to_divide_by_is_undefined():
    counts = dict.fromkeys(measures.PETITION_DETAIL_COUNTS, 0)
    out = measures.evaluate_pages(pl.DataFrame([counts | {"petitions": 0, "escalated_petitions": 0}]), CFG).row(0, named=True)
    assert all(out[m] is None for m in ("timely_acceptance_rate", "petition_on_time_rate",
                                        "petition_satisfaction_rate", "escalation_share"))


def test_page_measures_show_as_their_kind_and_explain_themselves():
    assert measures.format_value("cases_per_10k", 123.456) == "123.5"
    assert measures.format_value("petitions_per_1000", 0.0437) == "0.04"
    assert measures.format_value("timely_acceptance_rate", 0.625) == "62.5%"
    assert measures.format_value("red_cases", 1234) == "1,234"
    assert measures.format_change("cases_per_10k", 110.0, 100.0) == "+10.0%"
    assert measures.display_scale("escalation_share") == 100 and measures.display_scale("petitions_per_1000") == 1
    for m in measures.ALL_MEASURES.values():
        assert m.definition("zh") and m.definition("en") and m.label("zh") and m.label("en")


def test_the_period_measures_of_the_command_line_are_unchanged():
    assert measures.METRIC_KEYS == ("received", "closed", "completion_rate", "on_time_rate", "rated", "response_rate",
                                    "resolution_rate", "satisfaction_rate", "composite_score", "repeat_rate", "petitions")
    assert set(measures.MEASURES) < set(measures.ALL_MEASURES)
