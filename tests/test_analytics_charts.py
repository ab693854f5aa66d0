"""The analytics pages' chart builders are pure: frame in, figure out."""
from __future__ import annotations

from datetime import date, datetime

import plotly.graph_objects as go
import polars as pl

from ui import charts


def test_volume_shows_bars_and_a_year_ago_line_with_gaps_where_data_end():
    frame = pl.DataFrame({"bucket": [date(2026, 9, 1), date(2026, 10, 1)], "received": [2, 7],
                          "received_year_ago": [None, 1]})
    fig = charts.volume_figure(frame, "month", "zh")
    bar, line = fig.data
    assert isinstance(bar, go.Bar) and list(bar.y) == [2, 7]
    assert isinstance(line, go.Scatter) and list(line.y) == [None, 1] and line.connectgaps is False
    assert "去年同期" in fig.layout.title.text


def test_lights_stack_red_yellow_green_with_the_palette():
    units = pl.DataFrame({"unit_name": ["东街道", "西镇"], "red_cases": [4, 0], "yellow_cases": [1, 0],
                          "green_cases": [1, 1]})
    fig = charts.lights_figure(units, "zh", "灯色")
    assert [t.marker.color for t in fig.data] == [charts.LIGHTS["red"], charts.LIGHTS["yellow"], charts.LIGHTS["green"]]
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].y) == ["西镇", "东街道"]            # most red on top (plotly draws bottom-up)


def test_categories_nest_subcategories_under_their_category():
    frame = pl.DataFrame({"unit": ["物业管理", "物业收费", "占道停车"], "parent": ["物业服务", "物业服务", "停车难"],
                          "received": [5, 3, 0]})
    sun = charts.category_figure(frame, "zh", "分类").data[0]
    assert list(sun.labels) == ["物业服务", "物业管理", "物业收费"]
    assert list(sun.parents) == ["", "c:物业服务", "c:物业服务"] and list(sun.values) == [8, 5, 3]


def test_shares_label_each_bar_with_its_share():
    frame = pl.DataFrame({"channel": ["12345热线", "网格巡查"], "received": [3, 1]})
    bar = charts.share_figure(frame, "channel", "received", "zh", "渠道").data[0]
    assert list(bar.y) == ["网格巡查", "12345热线"] and list(bar.text) == ["1（25.0%）", "3（75.0%）"]


def test_the_timeline_marks_known_steps_and_the_deadline():
    steps = pl.DataFrame({"step": ["received_at", "closed_at", "rated"],
                          "at": [datetime(2026, 10, 10, 9), None, None]})
    fig = charts.timeline_figure(steps, datetime(2026, 10, 25), "zh")
    assert list(fig.data[0].text) == ["受理"]
    assert [a.text for a in fig.layout.annotations] == ["受理", "时限"] and fig.layout.shapes
