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
    kind = measures.MEASURES[measure].kind
    if kind == "rate":
        return dict(tickformat=".0%")
    if kind == "score":
        return dict(tickformat=".0%")
    return dict(tickformat=",d")


def trend_figure(trend: pl.DataFrame, measure: str, lang: str, target: float | None = None) -> go.Figure:
    """Weekly series of one measure: bars for counts, a line for rates, the target dashed."""
    m = measures.MEASURES[measure]
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
    m = measures.MEASURES[measure]
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
SERIES = (PRIMARY, SECONDARY, "#2980b9", "#16a085", "#8e44ad", "#d35400", "#27ae60", "#f39c12", "#7f8c8d", "#2c3e50")
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
