"""The workbench's pivot tab: rows, columns, a measure and filters → gridgov.pivot → table and chart."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import streamlit as st

from gridgov import exports, measures, pivot
from gridgov.i18n import t
from ui import charts, data, filters


def _pivot_defaults() -> tuple[date, date]:
    week = filters.selected_week()
    if week is None:
        today = date.today()
        return today - timedelta(days=6), today
    return week.start.date(), (week.end - timedelta(days=1)).date()


def _pivot_column_config(table: pl.DataFrame, spec: pivot.PivotSpec, lang: str) -> dict:
    m = measures.MEASURES[spec.measure]
    config = {d: st.column_config.TextColumn(t("dim_" + d, lang)) for d in spec.rows}
    for column in table.columns:
        if column not in config:
            config[column] = st.column_config.NumberColumn(
                column, help=m.definition(lang), format="localized" if m.kind == "count" else "percent")
    return config


def render(lang: str) -> None:
    """Rows, columns, a measure and filters → a bound, generated pivot (gridgov.pivot)."""
    dim_label = lambda d: t("dim_" + d, lang)  # noqa: E731
    a, b, c = st.columns(3)
    rows = a.multiselect(t("wb_pivot_rows", lang), pivot.DIMENSIONS, default=["street"], key="workbench_pivot_rows",
                         max_selections=pivot.MAX_ROWS, format_func=dim_label)
    column = b.selectbox(t("wb_pivot_columns", lang), ["", *pivot.DIMENSIONS], key="workbench_pivot_columns",
                         format_func=lambda d: dim_label(d) if d else t("wb_none", lang))
    measure = c.selectbox(t("wb_pivot_measure", lang), list(measures.MEASURES), key="workbench_pivot_measure",
                          format_func=lambda m: measures.MEASURES[m].label(lang),
                          help=measures.MEASURES[st.session_state.get("workbench_pivot_measure", "received")].definition(lang))
    values = data.fetch("case_filter_values")
    streets = data.fetch("street_names")["street_name"].to_list()
    d, e, f, g = st.columns(4)
    period = d.date_input(t("wb_pivot_period", lang), value=_pivot_defaults(), key="workbench_pivot_period")
    chosen_streets = e.multiselect(t("wb_pivot_streets", lang), streets, key="workbench_pivot_streets",
                                   default=[filters.selected_street()] if filters.selected_street() in streets else [])
    categories = f.multiselect(t("wb_pivot_categories", lang), key="workbench_pivot_categories",
                               options=values.filter(pl.col("dimension") == "category")["value"].to_list())
    channels = g.multiselect(t("wb_pivot_channels", lang), key="workbench_pivot_channels",
                             options=values.filter(pl.col("dimension") == "channel")["value"].to_list())
    start = period[0] if period else _pivot_defaults()[0]
    end = period[-1] if period else _pivot_defaults()[1]
    spec = pivot.PivotSpec(
        rows=tuple(rows), columns=(column,) if column else (), measure=measure,
        start=datetime.combine(start, datetime.min.time()), end=datetime.combine(end + timedelta(days=1), datetime.min.time()),
        streets=tuple(chosen_streets), categories=tuple(categories), channels=tuple(channels),
        basis=filters.selected_basis(),
    )
    try:
        result = pivot.build(data.fetch, spec, data.settings(), total_label=t("wb_total", lang))
    except pivot.PivotError as err:
        st.warning(err.message(lang))
        return
    m = measures.MEASURES[measure]
    st.caption(t("wb_pivot_caption", lang, measure=m.label(lang), definition=m.definition(lang), start=start,
                 end=end, basis=t("basis_" + spec.basis, lang)))
    if result.long.height == 0:
        st.info(t("wb_pivot_empty", lang))
        return
    st.dataframe(result.table, hide_index=True, column_config=_pivot_column_config(result.table, spec, lang),
                 key="workbench_pivot_table")
    stem = "pivot_" + measure
    left, right = st.columns(2)
    left.download_button(t("download_csv", lang), exports.to_csv(result.table), file_name=stem + ".csv",
                         mime="text/csv", key="workbench_pivot_csv", on_click="ignore")
    right.download_button(t("wb_download_xlsx", lang), exports.to_xlsx(result.table), file_name=stem + ".xlsx",
                          mime=exports.FORMATS["xlsx"][1], key="workbench_pivot_xlsx", on_click="ignore")
    colour = spec.columns[0] if spec.columns else (spec.rows[1] if len(spec.rows) > 1 else None)
    st.plotly_chart(charts.quick_figure(result.long, "bar", spec.rows[0], measure, colour, title=m.label(lang)),
                    key="workbench_pivot_chart")
