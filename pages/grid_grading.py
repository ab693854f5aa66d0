"""网格分级: every grid's 红黄绿 grade for a half-year, why it has it, transitions, noise and grid health."""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov import grading, hotmap, metrics
from gridgov.i18n import t
from ui import charts, data, filters, geodata, grading_view


def render() -> None:
    lang, cfg = filters.lang(), data.settings()
    span = metrics.data_span(data.fetch)
    st.title(t("grading_title", lang))
    halves = hotmap.period_options("half", span.first_received_at, span.as_of)
    if span.empty or not halves:
        st.info(t("no_data", lang))
        return
    left, right = st.columns([1, 2])
    with left:
        half = grading_view.pick_half(halves, span.as_of, lang)
    with right:
        estimate = st.radio(t("grading_estimate", lang), grading.ESTIMATES, key="grading_estimate", horizontal=True,
                            index=grading.ESTIMATES.index(cfg.grading.estimate),
                            format_func=lambda e: t("estimate_" + e, lang))
    g = grading.grade(data.fetch, half, cfg, estimate=estimate)
    street = filters.selected_street()
    view = grading.restrict(g, street)
    as_of = f"{span.as_of:%Y-%m-%d %H:%M}" if span.as_of else "—"
    st.caption(t("grading_caption", lang, half=grading_view.half_label(half, lang, span.as_of),
                 grids=g.grids.height, graded=int(g.grids["graded"].sum()), as_of=as_of))
    if hotmap.is_partial(half, span.as_of):
        st.warning(t("grading_partial_note", lang, as_of=as_of))
    st.info(grading_view.rule_statement(g.thresholds, lang))

    chart_col, map_col = st.columns([2, 3])
    with chart_col:
        st.subheader(t("grading_by_street", lang))
        st.plotly_chart(charts.grade_bars_figure(grading.counts_by_street(g), lang), key="grading_street_chart")
        st.dataframe(grading_view.street_counts(g, lang), hide_index=True, key="grading_street_counts")
    with map_col:
        st.subheader(t("grading_map", lang))
        deck, legend = grading_view.grade_map(g, geodata.geometry(), street, st.session_state.get("grading_grid"), lang)
        st.pydeck_chart(deck, on_select=lambda: grading_view.select_from_map("grading_map", "grading_grid"),
                        selection_mode="single-object", key="grading_map", height=520)
        st.markdown(legend, unsafe_allow_html=True)

    st.subheader(t("why_title", lang))
    grid_id = grading_view.pick_grid(view.grids, "grading_grid", lang, "g_grid")
    if grid_id:
        grading_view.grade_card(g, grid_id, lang, cfg.grading.interval_level)

    st.subheader(t("grading_table", lang))
    grades = st.multiselect(t("grading_show_grades", lang), grading.GRADES, default=list(grading.GRADES),
                            key="grading_grade_filter", format_func=lambda k: t("grade_" + k, lang))
    grading_view.table(view.grids.filter(pl.col("grade").is_in(grades)), grading_view.GRID_COLUMNS, lang,
                       "grading_grids", f"grades_{half.label}")

    st.subheader(t("grading_transitions", lang))
    grading_view.transitions(view, lang, f"grades_{half.label}")

    with st.expander(t("grading_method", lang)):
        st.markdown(t("grading_method_text", lang, min_grids=cfg.grading.min_street_grids))

    st.subheader(t("health_title", lang))
    grading_view.health(view.grids, cfg.grading, lang)
