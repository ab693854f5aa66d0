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
        plot_bgcolor="white",
        paper_bgcolor="white",
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
    """Horizontal bars of one measure per unit, best at the top."""
    m = measures.MEASURES[measure]
    frame = ranking.filter(pl.col(measure).is_not_null()).sort(measure, descending=m.higher_is_better)
    labels = frame[label_column].to_list()
    values = frame[measure].to_list()
    fig = go.Figure(go.Bar(
        x=values[::-1], y=labels[::-1], orientation="h", marker_color=SECONDARY,
        text=[measures.format_value(measure, v) for v in values[::-1]], textposition="auto",
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    _layout(fig, m.label(lang), height=max(240, 28 * len(labels) + 60))
    fig.update_xaxes(**_axis_format(measure))
    return fig
