"""信访: volume by form and category; repeat, skip-level and collective petitions; timely acceptance,
on-time completion and satisfaction per place; petitions per 1,000 residents; 诉转访. Drill street →
community → grid → petition list → one petition."""
from __future__ import annotations

import streamlit as st

from gridgov.i18n import t
from ui import analytics, drill, petition_sections


def render() -> None:
    st.title(t("petitions_title", st.session_state.get("lang", "zh")))
    v, petition_id = analytics.view("petition", case_basis=False)
    if v is None:
        return
    drill.breadcrumb(v.scope, v.register, v.lang, key="petitions", leaf="petition", leaf_id=petition_id)
    analytics.caption(v)
    if petition_id:
        analytics.petition_detail(v, petition_id, key="petitions_petition")
        return

    units, current, previous, year_ago, escalated = petition_sections.figures(v)
    analytics.kpis(v, petition_sections.KPIS, current, previous, year_ago)
    petition_sections.forms_and_categories(v)

    places, escalations = st.tabs([t("tab_petition_places", v.lang), t("tab_escalations", v.lang)])
    with places:
        if v.scope.child is None:
            petition_sections.petition_list(v, key="petitions_list")
        else:
            petition_sections.units_table(v, units, key="petitions_units")
    with escalations:
        petition_sections.escalations(v, escalated, key="petitions_escalated")
