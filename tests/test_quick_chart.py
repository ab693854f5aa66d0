"""The workbench's quick chart builder: frame in, figure out."""
from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import pytest

from ui import charts

FRAME = pl.DataFrame({
    "week_start": [date(2026, 11, 9), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 2)],
    "street_name": ["东街道", "东街道", "西镇", None],
    "received": [4, 1, 2, 1],
    "completion_rate": [0.75, 1.0, None, 0.0],
})


def test_one_trace_per_colour_group_in_the_palette_order():
    fig = charts.quick_figure(FRAME, "bar", "street_name", "received", colour="week_start")
    assert isinstance(fig, go.Figure)
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert [t.marker.color for t in fig.data] == list(charts.SERIES[:2])
    assert fig.layout.showlegend


def test_a_line_without_colour_is_sorted_by_x():
    fig = charts.quick_figure(FRAME.filter(pl.col("street_name") == "东街道"), "line", "week_start", "received")
    (trace,) = fig.data
    assert list(trace.x) == [date(2026, 11, 2), date(2026, 11, 9)]
    assert list(trace.y) == [1.0, 4.0]
    assert trace.mode == "lines+markers"


def test_a_rate_axis_is_formatted_as_a_percentage_and_nulls_form_their_own_group():
    fig = charts.quick_figure(FRAME, "scatter", "week_start", "completion_rate", colour="street_name")
    assert fig.layout.yaxis.tickformat == ".0%"
    assert [t.name for t in fig.data] == ["东街道", "西镇", "—"]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        charts.quick_figure(FRAME, "pie", "street_name", "received")
