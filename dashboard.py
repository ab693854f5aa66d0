"""gridgov: the Streamlit entry point (page config, data check, shared filters, navigation)."""
from __future__ import annotations

import streamlit as st

from gridgov import metrics
from gridgov.i18n import t
from pages import weekly_overview
from ui import data, filters

st.set_page_config(page_title="gridgov", page_icon="🏘️", layout="wide")

language = filters.language_picker()
st.sidebar.caption(t("app_title", language))
data.ensure_data(language)
span = metrics.data_span(data.fetch)
streets = data.fetch("street_names")["street_name"].to_list()
filters.sidebar(span, streets)

pages = [
    st.Page(weekly_overview.render, title=t("nav_overview", language), url_path="overview", default=True),
]
st.navigation(pages).run()
