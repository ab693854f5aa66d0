"""会议简报: a period's briefing in official Chinese — preview, then the Word document, its Excel
appendix and (with LibreOffice installed) a PDF. Period, street and basis come from the sidebar."""
from __future__ import annotations

import streamlit as st

from gridgov import metrics
from gridgov.briefing.charts import NoCJKFont
from gridgov.i18n import t
from ui import briefing_view, data, filters


def render() -> None:
    lang = filters.lang()
    span = metrics.data_span(data.fetch)
    st.title(t("briefing_title", lang))
    period = filters.selected_period()
    if span.empty or period is None:
        st.info(t("no_data", lang))
        return
    street = briefing_view.scope(lang)
    doc_lang = briefing_view.document_language(lang)
    report = briefing_view.build(period, street, filters.selected_basis(), doc_lang)
    briefing_view.caption(report, span, lang)
    try:
        briefing_view.downloads(report, period, lang)
    except NoCJKFont as e:
        st.error(str(e))
    briefing_view.preview(report, lang)
