"""Chart builders (frame in, figure out) and the one place colours and fonts are defined."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from gridgov import measures
from gridgov.i18n import t

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
PRIMARY = "#c0392b"      # party red, for the main series
SECONDARY = "#34495e"
MUTED = "#95a5a6"
TARGET = "#7f8c8d"
LIGHTS = {"red": "#d64541", "yellow": "#f2b134", "green": "#2e9e5b", "ungraded": "#bdc3c7"}


def _layout(fig: go.Figure, title: str | None = None, height: int = 320) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, font=dict(size=15)) if title else None,
        font=dict(family=FONT, size=13),
        height=height,
        margin=dict(l=8, r=8, t=40 if title else 8, b=8),
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font=dict(family=FONT)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    fig.update_xaxes(showgrid=False, linecolor="#ddd")
    fig.update_yaxes(gridcolor="#eee", zeroline=False)
    return fig


def _axis_format(measure: str) -> dict:
    kind = measures.ALL_MEASURES[measure].kind
    if kind == "per":
        return dict(tickformat=",.0f")
    if kind == "rate":
        return dict(tickformat=".0%")
    if kind == "score":
        return dict(tickformat=".0%")
    return dict(tickformat=",d")


def trend_figure(trend: pl.DataFrame, measure: str, lang: str, target: float | None = None) -> go.Figure:
    """Weekly series of one measure: bars for counts, a line for rates, the target dashed."""
    m = measures.ALL_MEASURES[measure]
    x = trend["week_start"].to_list()
    y = trend[measure].to_list()
    text = [measures.format_value(measure, v) for v in y]
    fig = go.Figure()
    if m.kind == "count":
        fig.add_bar(x=x, y=y, name=m.label(lang), marker_color=PRIMARY, text=text, textposition="outside",
                    hovertemplate="%{x|%Y-%m-%d}<br>%{text}<extra></extra>")
    else:
        fig.add_scatter(x=x, y=y, name=m.label(lang), mode="lines+markers+text", line=dict(color=PRIMARY, width=2),
                        text=text, textposition="top center", hovertemplate="%{x|%Y-%m-%d}<br>%{text}<extra></extra>",
                        connectgaps=False)
    if target is not None:
        fig.add_hline(y=target, line=dict(color=TARGET, dash="dash", width=1),
                      annotation_text=t("target", lang, target=measures.format_value(measure, target)),
                      annotation_position="bottom right")
    _layout(fig, t("trend_title", lang, weeks=len(x)) + " · " + m.label(lang))
    fig.update_xaxes(title=t("week_start", lang), tickformat="%m-%d", dtick=7 * 24 * 3600 * 1000)
    fig.update_yaxes(**_axis_format(measure))
    if m.kind != "count":
        values = [v for v in y if v is not None] + ([target] if target is not None else [])
        if values:
            low, high = min(values), max(values)
            pad = max((high - low) * 0.25, 0.01)
            fig.update_yaxes(range=[max(low - pad, 0), min(high + pad, 1.0) + pad / 2])
    return fig


def ranking_figure(ranking: pl.DataFrame, measure: str, lang: str, label_column: str = "street_name") -> go.Figure:
    """Horizontal bars of one measure per unit in the frame's order (ranked, best first) from the top."""
    m = measures.ALL_MEASURES[measure]
    frame = ranking.filter(pl.col(measure).is_not_null())
    labels = frame[label_column].to_list()
    if "small_sample" in frame.columns:   # a rate on few cases is shown, but marked
        labels = [f"{name} *" if small else name for name, small in zip(labels, frame["small_sample"].to_list())]
    values = frame[measure].to_list()
    fig = go.Figure(go.Bar(
        x=values[::-1], y=labels[::-1], orientation="h", marker_color=SECONDARY,
        text=[measures.format_value(measure, v) for v in values[::-1]], textposition="auto",
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    _layout(fig, m.label(lang), height=max(240, 28 * len(labels) + 60))
    fig.update_xaxes(**_axis_format(measure))
    return fig


# Series colours for charts with several groups, party red first; cycled when groups outnumber them.
SERIES = (PRIMARY, SECONDARY, "#2980b9", "#16a085", "#8e44ad", "#d35400", "#27ae60", "#f39c12", "#7f8c8d",
          "#2c3e50", "#c2185b", "#00838f")
QUICK_KINDS = ("bar", "line", "scatter")


def quick_figure(frame: pl.DataFrame, kind: str, x: str, y: str, colour: str | None = None,
                 title: str | None = None) -> go.Figure:
    """The workbench's quick chart of any result: y against x, one trace per value of `colour`."""
    if kind not in QUICK_KINDS:
        raise ValueError(f"kind must be one of {QUICK_KINDS}")
    data = frame.select(list(dict.fromkeys([x, y] + ([colour] if colour else []))))
    data = data.with_columns(pl.col(y).cast(pl.Float64, strict=False))
    if kind == "line":
        data = data.sort(x, nulls_last=True)
    groups = [(None, data)] if not colour else [
        (key[0], part) for key, part in data.group_by(colour, maintain_order=True)
    ]
    if colour:
        groups.sort(key=lambda g: (g[0] is None, str(g[0])))
    fig = go.Figure()
    for i, (name, part) in enumerate(groups):
        colour_value = SERIES[i % len(SERIES)]
        label = y if colour is None else ("—" if name is None else str(name))
        xs, ys = part[x].to_list(), part[y].to_list()
        if kind == "bar":
            fig.add_bar(x=xs, y=ys, name=label, marker_color=colour_value)
        else:
            fig.add_scatter(x=xs, y=ys, name=label, mode="lines+markers" if kind == "line" else "markers",
                            line=dict(color=colour_value, width=2), marker=dict(color=colour_value))
    _layout(fig, title, height=380)
    fig.update_layout(barmode="group", showlegend=colour is not None)
    fig.update_xaxes(title=x)
    fig.update_yaxes(title=y, **(_axis_format(y) if y in measures.MEASURES else {}))
    return fig


def grade_bars_figure(counts: pl.DataFrame, lang: str) -> go.Figure:
    """Stacked horizontal bars of grids per grade (red, yellow, green, ungraded) for each street."""
    frame = counts.sort("street_name", descending=True)
    fig = go.Figure()
    for grade in ("red", "yellow", "green", "ungraded"):
        fig.add_bar(y=frame["street_name"].to_list(), x=frame[grade].to_list(), orientation="h",
                    name=t("grade_" + grade, lang), marker_color=LIGHTS[grade],
                    hovertemplate="%{y}<br>" + t("grade_" + grade, lang) + "：%{x}<extra></extra>")
    _layout(fig, height=max(260, 30 * frame.height + 80))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("col_grids", lang), tickformat=",d")
    return fig


def volume_figure(volume: pl.DataFrame, granularity: str, lang: str, period=None) -> go.Figure:
    """Cases received per day, week or month (bars) beside the same bucket a year earlier (line, 同比);
    the chosen period shaded."""
    x = volume["bucket"].to_list()
    fig = go.Figure()
    if period is not None:
        fig.add_vrect(x0=period.start, x1=period.end, fillcolor=MUTED, opacity=0.15, line_width=0, layer="below")
    fig.add_bar(x=x, y=volume["received"].to_list(), name=t("series_received", lang), marker_color=PRIMARY,
                hovertemplate="%{x|%Y-%m-%d}<br>%{y:,d}<extra></extra>")
    fig.add_scatter(x=x, y=volume["received_year_ago"].to_list(), name=t("series_year_ago", lang), mode="lines",
                    line=dict(color=SECONDARY, width=2, dash="dot"), connectgaps=False,
                    hovertemplate="%{x|%Y-%m-%d}<br>%{y:,d}<extra></extra>")
    _layout(fig, t("volume_title_" + granularity, lang), height=340)
    fig.update_layout(legend=dict(x=1, xanchor="right", y=1.02, yanchor="bottom"))
    fig.update_xaxes(tickformat={"day": "%m-%d", "week": "%m-%d", "month": "%Y-%m"}[granularity])
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return fig


def share_figure(frame: pl.DataFrame, label_column: str, value_column: str, lang: str, title: str,
                 colours: dict[str, str] | None = None) -> go.Figure:
    """Horizontal bars of a count per group, largest on top, each labelled with its share of the total."""
    data = frame.filter(pl.col(value_column) > 0).sort(value_column)
    total = data[value_column].sum() or 1
    values = data[value_column].to_list()
    labels = data[label_column].to_list()
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h",
        marker_color=[(colours or {}).get(v, SECONDARY) for v in labels],
        text=[f"{v:,}（{v / total:.1%}）" if lang == "zh" else f"{v:,} ({v / total:.1%})" for v in values],
        textposition="auto", hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    _layout(fig, title, height=max(220, 26 * len(labels) + 70))
    fig.update_xaxes(tickformat=",d")
    return fig


def category_figure(frame: pl.DataFrame, lang: str, title: str) -> go.Figure:
    """Cases by category and subcategory (two levels) as a sunburst: category inside, subcategory outside."""
    data = frame.filter(pl.col("received") > 0)
    cats = data.group_by("parent").agg(pl.col("received").sum()).sort("received", descending=True)
    ids = [f"c:{c}" for c in cats["parent"].to_list()] + [f"c:{p}/{u}" for p, u in zip(data["parent"], data["unit"])]
    labels = cats["parent"].to_list() + data["unit"].to_list()
    parents = [""] * cats.height + [f"c:{p}" for p in data["parent"].to_list()]
    values = cats["received"].to_list() + data["received"].to_list()
    fig = go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total", sort=False,
        marker=dict(colors=[SERIES[i % len(SERIES)] for i in range(cats.height)] + [None] * data.height),
        hovertemplate="%{label}<br>%{value:,d}（%{percentRoot:.1%}）<extra></extra>",
        insidetextorientation="horizontal",
    ))
    _layout(fig, title, height=420)
    return fig


def lights_figure(units: pl.DataFrame, lang: str, title: str, label_column: str = "unit_name") -> go.Figure:
    """Stacked horizontal bars of red, yellow and green cases per unit, most red on top."""
    data = units.sort(["red_cases", "yellow_cases"], descending=[False, False])
    fig = go.Figure()
    for light in ("red", "yellow", "green"):
        column = light + "_cases"
        fig.add_bar(x=data[column].to_list(), y=data[label_column].to_list(), orientation="h",
                    name=measures.ALL_MEASURES[column].label(lang), marker_color=LIGHTS[light],
                    hovertemplate="%{y}<br>%{x:,d}<extra>" + measures.ALL_MEASURES[column].label(lang) + "</extra>")
    _layout(fig, title, height=max(240, 26 * data.height + 80))
    fig.update_layout(barmode="stack", legend=dict(x=1, xanchor="right", y=1.02, yanchor="bottom", traceorder="normal"))
    fig.update_xaxes(tickformat=",d")
    return fig


def timeline_figure(steps: pl.DataFrame, deadline, lang: str, now=None) -> go.Figure:
    """One case's steps as points on a time line (labels alternate above and below, so close steps
    stay readable), the deadline and, for an open case, the moment it is judged at, dashed."""
    known = steps.filter(pl.col("at").is_not_null())
    labels = [t("v_step_" + s, lang) for s in known["step"].to_list()]
    fig = go.Figure(go.Scatter(
        x=known["at"].to_list(), y=[0] * known.height, mode="markers", text=labels,
        marker=dict(size=12, color=PRIMARY), hovertemplate="%{text}<br>%{x|%Y-%m-%d %H:%M}<extra></extra>",
    ))
    for i, (at, label) in enumerate(zip(known["at"].to_list(), labels)):   # four label heights: no overlap
        fig.add_annotation(x=at, y=0, text=label, ax=0, ay=(-22, 22, -44, 44)[i % 4], arrowcolor=MUTED,
                           arrowwidth=1, font=dict(color=SECONDARY))
    for moment, key, colour in ((deadline, "v_step_deadline_at", TARGET), (now, "v_step_now", PRIMARY)):
        if moment is not None:
            fig.add_vline(x=moment, line=dict(color=colour, dash="dash", width=1))
            fig.add_annotation(x=moment, y=0.85, text=t(key, lang), showarrow=False, font=dict(color=colour),
                               xanchor="right")
    _layout(fig, None, height=200)
    fig.update_yaxes(visible=False, range=[-1, 1])
    return fig
