"""总览: the week against the last one and against targets, the trend, the ranking, the red list."""
from __future__ import annotations

import streamlit as st

from gridgov import measures, metrics
from gridgov.i18n import t
from ui import case_sections, charts, data, filters, widgets

KPIS = ("received", "closed", "completion_rate", "on_time_rate",
        "satisfaction_rate", "composite_score", "repeat_rate", "petitions")
TREND_CHOICES = ("received", "completion_rate", "on_time_rate", "satisfaction_rate", "composite_score", "petitions")
RANKING_COLUMNS = ("street_name", "received", "completion_rate", "on_time_rate", "response_rate",
                   "resolution_rate", "satisfaction_rate", "composite_score", "petitions")
OVERDUE_COLUMNS = ("case_id", "received_at", "category", "street_name", "community_name", "grid_name",
                   "handling_unit", "deadline_at", "days_overdue")


def render() -> None:
    lang = filters.lang()
    cfg = data.settings()
    span = metrics.data_span(data.fetch)
    week, street, basis = filters.selected_week(), filters.selected_street(), filters.selected_basis()
    st.title(t("overview_title", lang))
    if span.empty or week is None:
        st.info(t("no_data", lang))
        return
    view = metrics.overview(data.fetch, week, cfg, street=street, basis=basis, as_of=span.as_of)
    widgets.page_caption(week, street, basis, span, lang)

    widgets.kpi_row(KPIS, view.current, view.previous, cfg, lang)
    if view.current["received"] == 0:
        st.info(t("no_cases_in_week", lang))

    left, right = st.columns([3, 2])
    with left:
        measure = st.selectbox(t("trend_measure", lang), TREND_CHOICES, key="overview_trend_measure",
                               format_func=lambda m: measures.MEASURES[m].label(lang))
        st.plotly_chart(charts.trend_figure(view.trend, measure, lang, cfg.targets.get(measure)),
                        key="overview_trend_chart")
    with right:
        st.plotly_chart(charts.ranking_figure(view.ranking, "composite_score", lang), key="overview_ranking_chart")

    st.subheader(t("ranking_title", lang))
    context = widgets.export_context(week, street, basis, span, lang)
    widgets.measure_table(view.ranking, RANKING_COLUMNS, lang, key="overview_ranking", rank=True,
                          file_stem="ranking_" + context[0], title=t("ranking_title", lang) + " · " + context[1])
    st.caption(t("ranking_note", lang, n=cfg.min_denominator, unmatched=view.unmatched_received))

    case_sections.overview_warnings(week, street, basis, span, lang)

    st.subheader(t("overdue_title", lang, n=cfg.overdue_rows))
    if view.overdue.height == 0:
        st.success(t("overdue_none", lang))
    else:
        widgets.measure_table(view.overdue, OVERDUE_COLUMNS, lang, key="overview_overdue",
                              file_stem="overdue_" + context[0], title=t("overdue_title", lang, n=cfg.overdue_rows)
                              + " · " + context[1])
