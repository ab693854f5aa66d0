"""诉求办理: volume with 环比/同比, the 三率 and composite score per place and handling unit, the league
classes, categories and channels, early warnings; drill street → community → grid → case."""
from __future__ import annotations

import streamlit as st

from gridgov.i18n import t
from ui import analytics, case_sections, drill


def render() -> None:
    st.title(t("cases_title", st.session_state.get("lang", "zh")))
    v, case_id = analytics.view("case")
    if v is None:
        return
    drill.breadcrumb(v.scope, v.register, v.lang, key="cases", leaf="case", leaf_id=case_id)
    analytics.caption(v)
    if case_id:
        analytics.case_detail(v, case_id, key="cases_case")
        return

    units, before, current, previous, year_ago = case_sections.figures(v)
    analytics.kpis(v, case_sections.KPIS, current, previous, year_ago)
    case_sections.volume(v)

    places, kinds, handlers, warnings = st.tabs([t("tab_places", v.lang), t("tab_kinds", v.lang),
                                                 t("tab_handlers", v.lang), t("tab_warnings", v.lang)])
    with places:
        if v.scope.child is None:
            st.subheader(t("case_list_title", v.lang))
            case_sections.case_list(v, key="cases_list")
        else:
            ranked = case_sections.units_table(v, units, before, key="cases_units")
            case_sections.league_classes(v, ranked)
    with kinds:
        case_sections.breakdowns(v)
    with handlers:
        case_sections.handling_units(v)
    with warnings:
        case_sections.warnings(v, key="cases_warnings")
