"""gridgov: the Streamlit entry point (page config, data check, login, shared filters, navigation)."""
from __future__ import annotations

import streamlit as st

from gridgov import metrics
from gridgov.i18n import t
from pages import (administration, analyst_workbench, case_analytics, case_supervision, grid_grading, hotspot_map,
                   petition_analytics, weekly_overview)
from pages import data_import, data_quality
from pages import meeting_briefing
from ui import data, filters, session

st.set_page_config(page_title="gridgov", page_icon="🏘️", layout="wide")

language = filters.language_picker()
st.sidebar.caption(t("app_title", language))

pages = [
    st.Page(weekly_overview.render, title=t("nav_overview", language), url_path="overview", default=True),
    st.Page(case_analytics.render, title=t("nav_cases", language), url_path="cases"),
    st.Page(case_supervision.render, title=t("nav_supervision", language), url_path="supervision"),
    st.Page(petition_analytics.render, title=t("nav_petitions", language), url_path="petitions"),
    st.Page(grid_grading.render, title=t("nav_grading", language), url_path="grading"),
    st.Page(hotspot_map.render, title=t("nav_hotspots", language), url_path="hotspots"),
    st.Page(meeting_briefing.render, title=t("nav_briefing", language), url_path="briefing"),
    st.Page(analyst_workbench.render, title=t("nav_workbench", language), url_path="workbench"),
    st.Page(data_import.render, title=t("nav_import", language), url_path="import"),
    st.Page(data_quality.render, title=t("nav_quality", language), url_path="quality"),
    st.Page(administration.render, title=t("nav_admin", language), url_path="admin"),
]

data.ensure_data(language)
# Until someone signs in, every page URL shows the login form (and stops here).
user = session.require_login(language, data.source(), [p.url_path or "overview" for p in pages])
session.sidebar_badge(user, language)
span = metrics.data_span(data.fetch)
streets = data.fetch("street_names")["street_name"].to_list()

# A role's navigation holds only the pages it may use (the default page's url_path reads "").
page = st.navigation([p for p in pages if user.may_open(p.url_path or "overview")])
filters.sidebar(span, streets, kinds=filters.PAGE_PERIODS.get(page.url_path, ("week",)))
page.run()
