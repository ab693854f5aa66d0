"""数据导入: upload exports, check the detected encoding, mapping and preview, import, read the summary."""
from __future__ import annotations

import streamlit as st

from gridgov import ingest
from gridgov.i18n import t
from ui import filters, importer


def render() -> None:
    lang = filters.lang()
    st.title(t("imp_title", lang))
    st.caption(t("imp_intro", lang))
    replace_demo = importer.demo_notice(lang)
    table = st.radio(t("imp_table", lang), ingest.TABLES, key="import_table", horizontal=True,
                     format_func=lambda name: t("imp_table_" + name, lang))
    uploads = st.file_uploader(t("imp_files", lang), type=importer.UPLOAD_TYPES, accept_multiple_files=True,
                               key="import_files")
    choices = [importer.setup(i, files, table, lang) for i, files in enumerate(importer.exports(uploads))]
    if st.button(t("imp_run", lang), key="import_run", type="primary", disabled=not choices):
        importer.run(choices, table, replace_demo, lang)
    if not choices:
        st.caption(t("imp_nothing", lang))
    importer.results(lang)
    st.caption(t("imp_coexist", lang))
