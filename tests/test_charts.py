"""Chart builders are pure: frame in, figure out."""
from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from ui import charts

TREND = pl.DataFrame({
    "week_start": [date(2026, 11, 2), date(2026, 11, 9)],
    "received": [2, 5],
    "completion_rate": [0.5, None],
})


def test_count_trend_is_a_bar_chart_with_labels():
    fig = charts.trend_figure(TREND, "received", "zh")
    assert isinstance(fig.data[0], go.Bar)
    assert list(fig.data[0].y) == [2, 5]
    assert list(fig.data[0].text) == ["2", "5"]
    assert "受理量" in fig.layout.title.text


def test_rate_trend_is_a_line_with_gaps_and_a_target():
    fig = charts.trend_figure(TREND, "completion_rate", "en", target=0.98)
    assert isinstance(fig.data[0], go.Scatter)
    assert list(fig.data[0].text) == ["50.0%", "—"]
    assert fig.layout.shapes[0].y0 == 0.98
    assert fig.layout.font.family.startswith("Noto Sans CJK SC")


def test_ranking_keeps_the_rank_order_from_the_top_and_marks_small_samples():
    ranking = pl.DataFrame({"street_name": ["丙", "乙", "甲"], "composite_score": [0.95, None, 0.99],
                            "small_sample": [False, False, True]})
    fig = charts.ranking_figure(ranking, "composite_score", "zh")
    # plotly draws bottom-up: 丙 (first in rank) is on top; 乙 (undefined) is not drawn
    assert list(fig.data[0].y) == ["甲 *", "丙"]
    assert list(fig.data[0].text) == ["99.0", "95.0"]
