"""三色督办: case lights (SCHEMA.md) as of now or a chosen day, by place and handling unit; the red
list by days overdue; drill street → community → grid → case list → one case with its timeline."""
from __future__ import annotations

import streamlit as st

from gridgov import case_analytics
from gridgov.i18n import t
from ui import analytics, case_sections, data, drill, widgets

LIGHT_KPIS = ("red_cases", "yellow_cases", "green_cases")


def render() -> None:
    st.title(t("supervision_title", st.session_state.get("lang", "zh")))
    v, case_id = analytics.view("case")
    if v is None:
        return
    drill.breadcrumb(v.scope, v.register, v.lang, key="supervision", leaf="case", leaf_id=case_id)
    analytics.caption(v)
    moment = case_sections.lights_moment(v)
    if case_id:
        analytics.case_detail(v, case_id, key="supervision_case", moment=moment)
        return

    units = case_sections.light_units(v, moment)
    totals = case_analytics.light_totals(units)
    widgets.kpi_row(LIGHT_KPIS, totals, {}, v.cfg, v.lang, per_row=3)
    st.caption(t("lights_population", v.lang, moment=f"{moment:%Y-%m-%d %H:%M}") + " "
               + t("lights_totals_note", v.lang, carried=totals["carried_over"], cancelled=totals["cancelled"]))
    case_sections.light_view(v, units, key="supervision_units")

    if v.scope.child is None:
        st.subheader(t("grid_cases_title", v.lang))
        case_sections.case_list(v, key="supervision_cases", carry_over=True, name=t("file_grid_lights", v.lang),
                                moment=moment)
        return
    st.subheader(t("red_list_title", v.lang))
    case_sections.case_list(v, key="supervision_red", lights=("red",), carry_over=True, name=t("file_red_list", v.lang),
                            moment=moment)

    st.subheader(t("lights_by_handling_unit", v.lang))
    handlers = case_analytics.light_units(data.fetch, v.period, moment, v.scope, v.basis, "handling_unit")
    analytics.table(v, handlers.rename({"unit_name": "handling_unit"}), ("handling_unit", "red_cases", "yellow_cases", "green_cases", "red_overdue",
                                  "red_repeat_open", "red_dissatisfied"),
                    key="supervision_handlers", name=t("file_lights_handling_unit", v.lang))
