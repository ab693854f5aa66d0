"""数据质量: per source and month, the problems that decide whether a number can be trusted, and the import log."""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov.i18n import t
from ui import data, filters, quality_view


def render() -> None:
    lang = filters.lang()
    settings = data.settings()
    cfg = settings.quality
    st.title(t("q_title", lang))
    st.caption(t("q_intro", lang))
    table = st.radio(t("q_table", lang), ("cases", "petitions"), key="quality_table", horizontal=True,
                     format_func=lambda name: t("table_" + name, lang))
    frame = data.fetch("data_quality_by_month", month_end_days=cfg.month_end_days).filter(pl.col("table_name") == table)
    if frame.height == 0:
        st.info(t("q_empty", lang))
    else:
        quality_view.overview(frame, table, cfg, settings.min_denominator, lang)
        quality_view.drill(frame, table, cfg, lang)
    quality_view.import_log(lang)
