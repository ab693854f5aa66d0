"""自助分析: sandboxed SQL over the canonical tables and views, a quick chart, downloads, saved queries, pivots."""
from __future__ import annotations

import streamlit as st

from gridgov.i18n import t
from ui import filters, pivot_view, workbench


def render() -> None:
    lang = filters.lang()
    st.title(t("wb_title", lang))
    saved = workbench.saved_list()
    run_now = workbench.seed_editor(saved, lang)
    sql_tab, pivot_tab = st.tabs([t("wb_tab_sql", lang), t("wb_tab_pivot", lang)])

    with sql_tab:
        editor_col, schema_col = st.columns([3, 1])
        with schema_col:
            workbench.schema_browser(lang)
        with editor_col:
            run_now = workbench.saved_picker(saved, lang) or run_now
            run_now = workbench.editor(lang) or run_now
            workbench.save_form(lang)
            workbench.notice()
        if run_now:
            workbench.run(st.session_state[workbench.SQL])
        outcome = workbench.outcome()
        if outcome is not None:
            with st.container(key="workbench_result"):
                if "error" in outcome:
                    st.error(t("wb_refused", lang, reason=outcome["error"].message(lang)))
                    if outcome["error"].detail:
                        st.code(outcome["error"].detail, language=None)
                else:
                    result = outcome["result"]
                    workbench.result_table(result, lang)
                    workbench.downloads(result, outcome["sql"], workbench.file_stem(saved), lang)
                    workbench.quick_chart(result.frame, outcome["run"], lang)

    with pivot_tab:
        pivot_view.render(lang)
