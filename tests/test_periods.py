from datetime import datetime

import pytest

from gridgov import periods


def test_iso_week_bounds_and_neighbours():
    w = periods.parse("week", "2026-W46")
    assert (w.start, w.end) == (datetime(2026, 11, 9), datetime(2026, 11, 16))
    assert w.previous().label == "2026-W45"
    assert periods.parse("week", "2026-W01").previous().label == "2025-W52"
    assert periods.parse("week", "2020-W53").year_ago().label == "2019-W52"


def test_month_quarter_half_bounds():
    assert periods.parse("month", "2026-12").end == datetime(2027, 1, 1)
    q = periods.parse("quarter", "2026-Q3")
    assert (q.start, q.end) == (datetime(2026, 7, 1), datetime(2026, 10, 1))
    h = periods.parse("half", "2026-H1")
    assert (h.start, h.end, h.previous().label) == (datetime(2026, 1, 1), datetime(2026, 7, 1), "2025-H2")


@pytest.mark.parametrize("kind,text", [("week", "2026-W54"), ("week", "2026-46"), ("month", "2026-13"), ("half", "2026-H3")])
def test_bad_periods_are_refused_with_the_expected_form(kind, text):
    with pytest.raises(ValueError):
        periods.parse(kind, text)


def test_last_complete_week():
    assert periods.last_complete("week", datetime(2026, 11, 20, 18)).label == "2026-W46"
    assert periods.last_complete("week", datetime(2026, 11, 16, 0)).label == "2026-W46"


def test_chinese_titles():
    assert periods.parse("week", "2026-W46").title("zh") == "2026年第46周（11月09日—11月15日）"
    assert periods.parse("half", "2026-H2").title("zh") == "2026年下半年"
