"""The 数据质量 page's building blocks: the per-source, per-month table, its drill-down and the import log."""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov.config import QualityConfig
from gridgov.i18n import STRINGS, t
from ui import data
from ui.importer import problem_table

COUNTS = ("rows_stored", "rows_rejected", "closed_before_received", "missing_grid", "unknown_grid",
          "missing_coordinates", "duplicates_merged", "unrated_closed")
STORED_CHECKS = ("closed_before_received", "missing_grid", "unknown_grid", "missing_coordinates",
                 "unrated_closed", "closed_at_month_end")
SET_ASIDE = {"closed_before_received": ["closed_before_received"], "duplicates_merged": ["duplicate_row", "duplicate_key"],
             "rows_rejected": []}
CHECK_COLUMN = {"closed_at_month_end": "month_end_share"}   # the drill-down check behind each column
LOG_COLUMNS = ("started_at", "file_name", "table_name", "profile", "encoding", "origin", "status", "rows_read",
               "inserted", "updated", "unchanged", "rejected", "flagged", "message")


def _source_label(source: str, lang: str) -> str:
    if source == "demo":
        return t("q_source_demo", lang)
    return source or t("q_source_none", lang)


def _month_label(month: str, lang: str) -> str:
    return month or t("q_month_unknown", lang)


def _share(row: dict, cfg: QualityConfig, min_closed: int) -> str:
    share = row["month_end_share"]
    if share is None or row["closed_in_month"] == 0:
        return "—"
    flag = " ⚠" if share >= cfg.month_end_alert and row["closed_in_month"] >= min_closed else ""
    return f"{share:.1%}{flag}"


def overview(frame: pl.DataFrame, table: str, cfg: QualityConfig, min_closed: int, lang: str) -> None:
    """One row per source and month; a clicked figure opens the rows behind it below."""
    counts = [c for c in COUNTS if not (table == "petitions" and c == "missing_coordinates")]
    shown = pl.DataFrame({
        "source": [_source_label(s, lang) for s in frame["source_file"]],
        "month": [_month_label(m, lang) for m in frame["month"]],
        **{c: frame[c] for c in counts},
        "month_end_share": [_share(r, cfg, min_closed) for r in frame.iter_rows(named=True)],
    })
    helps = {c: t("q_help_" + c, lang) for c in counts if "q_help_" + c in STRINGS}
    helps["month_end_share"] = t("q_help_month_end_share", lang, days=cfg.month_end_days, alert=f"{cfg.month_end_alert:.0%}")
    config = {"source": st.column_config.TextColumn(t("q_col_source", lang)),
              "month": st.column_config.TextColumn(t("q_col_month", lang))}
    config |= {c: st.column_config.NumberColumn(t("q_col_" + c, lang), help=helps.get(c), format="localized") for c in counts}
    config["month_end_share"] = st.column_config.TextColumn(t("q_col_month_end_share", lang), help=helps["month_end_share"])
    event = st.dataframe(shown, hide_index=True, column_config=config, key="quality_grid", on_select="rerun",
                         selection_mode="single-cell")
    cells = getattr(getattr(event, "selection", None), "cells", None) or []
    if cells and st.session_state.get("_quality_cell_seen") != cells[0]:
        st.session_state["_quality_cell_seen"] = cells[0]
        row, column = cells[0]
        check = {v: k for k, v in CHECK_COLUMN.items()}.get(column, column)
        if check in (*STORED_CHECKS, *SET_ASIDE):
            st.session_state["quality_check"] = check
            st.session_state["quality_cell"] = int(row)


def drill(frame: pl.DataFrame, table: str, cfg: QualityConfig, lang: str) -> None:
    """The rows behind one figure: stored rows and/or the rows the import set aside."""
    checks = [c for c in ("closed_before_received", "missing_grid", "unknown_grid", "missing_coordinates",
                          "duplicates_merged", "rows_rejected", "unrated_closed", "closed_at_month_end")
              if not (table == "petitions" and c == "missing_coordinates")]
    if st.session_state.get("quality_check") not in checks or not 0 <= st.session_state.get("quality_cell", -1) < frame.height:
        # First visit: open on the first figure that is not zero, so the rows behind it show at once.
        found = [(c, i) for c in checks for i, v in enumerate(frame[c].fill_null(0).to_list()) if v]
        st.session_state["quality_check"], st.session_state["quality_cell"] = found[0] if found else (checks[0], 0)
    left, right = st.columns(2)
    check = left.selectbox(t("q_check", lang), checks, key="quality_check",
                           format_func=lambda c: t("q_col_" + CHECK_COLUMN.get(c, c), lang))
    index = right.selectbox(t("q_cell", lang), list(range(frame.height)), key="quality_cell",
                            format_func=lambda i: f"{_source_label(frame['source_file'][i], lang)} · {_month_label(frame['month'][i], lang)}")
    source, month = frame["source_file"][index], frame["month"][index]
    if check in STORED_CHECKS:
        rows = data.fetch("data_quality_rows", table_name=table, source_file=source, month=month, check=check,
                          month_end_days=cfg.month_end_days, row_limit=cfg.rows)
        st.markdown("**" + t("q_rows_stored", lang, n=cfg.rows) + "**")
        _table(rows, "quality_rows_stored", lang)
    if check in SET_ASIDE and source in ("", "demo"):
        if check not in STORED_CHECKS:
            st.caption(t("q_none", lang))
    elif check in SET_ASIDE:
        rows = data.fetch("quality_set_aside_rows", table_name=table, source_file=source, month=month,
                          reasons=SET_ASIDE[check], row_limit=cfg.rows)
        st.markdown("**" + t("q_rows_set_aside", lang) + "**")
        _table(problem_table(rows, lang) if rows.height else rows, "quality_rows_set_aside", lang)


def _table(rows: pl.DataFrame, key: str, lang: str) -> None:
    if rows.height == 0:
        st.caption(t("q_none", lang))
        return
    st.dataframe(rows, hide_index=True, key=key)
    st.download_button(t("download_csv", lang), rows.write_csv(include_bom=True).encode("utf-8"),
                       file_name=f"{key}.csv", mime="text/csv", key=key + "_csv")


def import_log(lang: str, rows: int = 50) -> None:
    st.subheader(t("q_log", lang, n=rows))
    log = data.fetch("import_log_recent", row_limit=rows)
    if log.height == 0:
        st.caption(t("q_log_empty", lang))
        return
    shown = log.select(LOG_COLUMNS).with_columns(
        pl.col("profile", "encoding").fill_null("—"),
        pl.col("status").map_elements(lambda s: t("imp_status_" + s, lang), return_dtype=pl.String),
        pl.col("table_name").map_elements(lambda s: t("table_" + s, lang), return_dtype=pl.String))
    labels = {"started_at": t("log_started_at", lang), "file_name": t("imp_col_file", lang),
              "table_name": t("q_table", lang), "profile": t("imp_col_profile", lang),
              "encoding": t("log_encoding", lang), "origin": t("log_origin", lang), "status": t("imp_col_status", lang),
              "message": t("imp_col_message", lang)}
    st.dataframe(shown.rename({c: labels.get(c) or t("imp_col_" + c, lang) for c in shown.columns}),
                 hide_index=True, key="quality_log")
