"""The workbench's SQL tab: editor state, saved queries, schema browser, results, chart, downloads."""
from __future__ import annotations

from typing import Callable

import polars as pl
import streamlit as st

import queries
from gridgov import audit, exports, measures, sandbox, saved_queries, schema_docs
from gridgov.i18n import t
from ui import charts, data

SQL = "workbench_sql"            # the editor's text (a widget key)
SQL_COPY = "_workbench_sql_text"  # survives a visit to another page (widget state does not)
SAVED = "workbench_saved"         # the picked saved query's id, "" for a new query
OUTCOME = "_workbench_outcome"    # the last run: {"run": n, "sql", "result" | "error"}
NOTICE = "_workbench_notice"      # a message from a save or delete callback: (kind, text)
CHART_KEYS = ("workbench_chart_kind", "workbench_chart_x", "workbench_chart_y", "workbench_chart_colour")


def example_sql() -> str:
    return queries.load("workbench_example").sql


def saved_list() -> dict[str, saved_queries.SavedQuery]:
    # Saved queries are SQL text, not data: they live in the full database, so a street user's
    # saved query outlives their session's snapshot.
    return {q.query_id: q for q in saved_queries.all_saved(data.main_connection())}


def seed_editor(saved: dict[str, saved_queries.SavedQuery], lang: str) -> bool:
    """Fill the editor on a session's first visit (from ?q=<id>, else the example); True to run it."""
    if SQL in st.session_state:
        return False
    query_id = st.query_params.get("q", "")
    if SQL_COPY in st.session_state:
        st.session_state[SQL] = st.session_state[SQL_COPY]
    elif query_id in saved:
        _load(saved[query_id])
    else:
        if query_id:
            st.session_state[NOTICE] = ("warning", t("wb_saved_missing", lang, query_id=query_id))
        st.session_state[SQL] = example_sql()
        st.session_state[SAVED] = ""
    st.session_state.setdefault(SAVED, query_id if query_id in saved else "")
    return OUTCOME not in st.session_state


def _load(query: saved_queries.SavedQuery) -> None:
    st.session_state[SQL] = query.sql
    st.session_state[SAVED] = query.query_id
    st.session_state["workbench_save_name"] = query.name
    st.session_state["workbench_save_description"] = query.description
    st.query_params["q"] = query.query_id


def saved_picker(saved: dict[str, saved_queries.SavedQuery], lang: str) -> bool:
    """The saved-query picker; True when a pick just loaded a query (so it runs)."""
    def picked() -> None:
        query = saved.get(st.session_state[SAVED])
        if query is None:
            if "q" in st.query_params:
                del st.query_params["q"]
            return
        _load(query)
        st.session_state["_workbench_run_now"] = True

    if st.session_state.get(SAVED) not in ("", *saved):
        st.session_state[SAVED] = ""
    st.selectbox(t("wb_saved", lang), ["", *saved], key=SAVED, on_change=picked,
                 format_func=lambda q: saved[q].name if q else t("wb_new_query", lang))
    chosen = saved.get(st.session_state[SAVED])
    if chosen is not None:
        if chosen.description:
            st.caption(chosen.description)
        st.caption(t("wb_share", lang, link=f"/workbench?q={chosen.query_id}"))
    return st.session_state.pop("_workbench_run_now", False)


def editor(lang: str) -> bool:
    """The SQL editor and its Run button; True when the button was pressed."""
    st.text_area(t("wb_sql", lang), key=SQL, height=240,
                 help=t("wb_sql_help", lang, seconds=int(sandbox.TIMEOUT_S), rows=sandbox.MAX_ROWS,
                        download_rows=sandbox.DOWNLOAD_MAX_ROWS))
    st.session_state[SQL_COPY] = st.session_state[SQL]
    return st.button(t("wb_run", lang), key="workbench_run", type="primary")


def run(sql: str) -> None:
    """Run the editor's SQL in the sandbox and keep the outcome for the following reruns."""
    previous = st.session_state.get(OUTCOME, {}).get("run", 0)
    outcome: dict = {"run": previous + 1, "sql": sql}
    user = st.session_state.get("user")
    try:
        outcome["result"] = sandbox.run(data.connection(), sql)
    except sandbox.SandboxError as e:
        outcome["error"] = e
        audit.record(getattr(user, "name", None), getattr(user, "role", None), "query",
                     {"sql": sql, "refused": e.en.splitlines()[0]}, 0)
    else:
        audit.record(getattr(user, "name", None), getattr(user, "role", None), "query",
                     {"sql": sql, "seconds": round(outcome["result"].seconds, 3)}, outcome["result"].row_count)
    st.session_state[OUTCOME] = outcome


def outcome() -> dict | None:
    return st.session_state.get(OUTCOME)


def notice() -> None:
    message = st.session_state.pop(NOTICE, None)
    if message:
        getattr(st, message[0])(message[1])


def schema_browser(lang: str) -> None:
    """Every table and view with its columns' types and meanings (gridgov.schema_docs)."""
    st.markdown("**" + t("wb_schema", lang) + "**")
    st.caption(t("wb_schema_help", lang))
    columns = data.fetch("schema_columns")
    known = [n for n in schema_docs.ORDER if n in set(columns["table_name"])]
    others = sorted(set(columns["table_name"]) - set(known))
    for name in known + others:
        rows = columns.filter(pl.col("table_name") == name)
        is_view = rows["table_type"][0] == "VIEW"
        title = name + (f" （{t('wb_view', lang)}）" if is_view else "")
        with st.expander(title):
            st.caption(schema_docs.table_meaning(name, lang))
            frame = pl.DataFrame({
                t("wb_col_column", lang): rows["column_name"],
                t("wb_col_type", lang): rows["data_type"],
                t("wb_col_meaning", lang): [schema_docs.meaning(name, c, lang) for c in rows["column_name"]],
            })
            st.dataframe(frame, hide_index=True, key=f"workbench_schema_{name}")


def _column_config(frame: pl.DataFrame, lang: str) -> dict:
    """Result columns named after a measure get its label and definition on hover."""
    config = {}
    for column in frame.columns:
        m = measures.MEASURES.get(column)
        if m is not None and frame.schema[column].is_numeric():
            config[column] = st.column_config.NumberColumn(
                column, help=m.label(lang) + "：" + m.definition(lang),
                format="localized" if m.kind == "count" else "percent")
    return config


def result_table(result: sandbox.Result, lang: str) -> None:
    st.caption(t("wb_rows_time", lang, rows=result.row_count, seconds=result.seconds))
    if result.truncated:
        st.warning(t("wb_truncated", lang, rows=sandbox.MAX_ROWS, download_rows=sandbox.DOWNLOAD_MAX_ROWS))
    st.dataframe(result.frame, hide_index=True, column_config=_column_config(result.frame, lang),
                 key="workbench_result_table")


def _chart_defaults(frame: pl.DataFrame) -> dict[str, str]:
    numeric = [c for c, d in frame.schema.items() if d.is_numeric()]
    x = frame.columns[0]
    y = next((c for c in numeric if c != x), numeric[0] if numeric else "")
    text = [c for c, d in frame.schema.items() if d in (pl.String, pl.Categorical) and c not in (x, y)]
    temporal = frame.schema[x].is_temporal() or x in ("week", "month")
    return {"workbench_chart_kind": "line" if temporal else "bar", "workbench_chart_x": x,
            "workbench_chart_y": y, "workbench_chart_colour": text[0] if text and frame.width > 2 else ""}


def quick_chart(frame: pl.DataFrame, run_number: int, lang: str) -> None:
    """Kind, x, y and colour pickers over the result's columns, then the chart."""
    numeric = [c for c, d in frame.schema.items() if d.is_numeric()]
    if frame.height == 0 or not numeric:
        st.caption(t("wb_chart_needs_number", lang))
        return
    if st.session_state.get("_workbench_chart_run") != run_number:
        st.session_state.update(_chart_defaults(frame))  # a new result: start from sensible axes
        st.session_state["_workbench_chart_run"] = run_number
    st.markdown("**" + t("wb_chart", lang) + "**")
    kind_col, x_col, y_col, colour_col = st.columns(4)
    kind = kind_col.selectbox(t("wb_chart_kind", lang), charts.QUICK_KINDS, key="workbench_chart_kind",
                              format_func=lambda k: t("wb_kind_" + k, lang))
    x = x_col.selectbox(t("wb_chart_x", lang), frame.columns, key="workbench_chart_x")
    y = y_col.selectbox(t("wb_chart_y", lang), numeric, key="workbench_chart_y")
    colour = colour_col.selectbox(t("wb_chart_colour", lang), ["", *frame.columns], key="workbench_chart_colour",
                                  format_func=lambda c: c or t("wb_none", lang))
    st.plotly_chart(charts.quick_figure(frame, kind, x, y, colour or None), key="workbench_chart")


def file_stem(saved: dict[str, saved_queries.SavedQuery]) -> str:
    """Downloads are named after the picked saved query, else 'workbench'."""
    query = saved.get(st.session_state.get(SAVED, ""))
    return query.name if query is not None else "workbench"


def _file(fmt: str, frame: pl.DataFrame | None, sql: str, con) -> Callable[[], bytes]:
    def make() -> bytes:
        # Runs on a download click, outside the script: the full result is fetched only then.
        cap = exports.XLSX_MAX_ROWS if fmt == "xlsx" else sandbox.DOWNLOAD_MAX_ROWS
        full = frame if frame is not None else sandbox.download(con, sql, max_rows=cap).frame
        return exports.encode(full, fmt)
    return make


def downloads(result: sandbox.Result, sql: str, stem: str, lang: str, key: str = "workbench_download") -> None:
    """CSV, XLSX and Parquet of the full result (up to the download cap), made when clicked."""
    frame = None if result.truncated else result.frame
    labels = {"csv": t("download_csv", lang), "xlsx": t("wb_download_xlsx", lang),
              "parquet": t("wb_download_parquet", lang)}
    con = data.connection()
    for column, fmt in zip(st.columns(len(exports.FORMATS)), exports.FORMATS):
        extension, mime = exports.FORMATS[fmt]
        column.download_button(labels[fmt], _file(fmt, frame, sql, con), file_name=f"{stem}.{extension}",
                               mime=mime, key=f"{key}_{fmt}", on_click="ignore")
    if result.truncated:
        st.caption(t("wb_download_note", lang, rows=sandbox.DOWNLOAD_MAX_ROWS, xlsx_rows=exports.XLSX_MAX_ROWS))


def save_form(lang: str) -> None:
    """Name, description and Save: stores the editor's SQL in saved_queries and shares it by ?q=<id>."""
    def save() -> None:
        name = st.session_state.get("workbench_save_name", "").strip()
        sql = st.session_state.get(SQL, "")
        if not name:
            st.session_state[NOTICE] = ("warning", t("wb_save_needs_name", lang))
            return
        con = data.connection()
        try:
            sandbox.classify(con, sql)
        except sandbox.SandboxError as e:
            st.session_state[NOTICE] = ("error", t("wb_refused", lang, reason=e.message(lang)))
            return
        query_id = saved_queries.save(data.main_connection(), name,
                                      st.session_state.get("workbench_save_description", ""), sql)
        st.session_state[SAVED] = query_id
        st.query_params["q"] = query_id
        st.session_state[NOTICE] = ("success", t("wb_saved_ok", lang, name=name, link=f"/workbench?q={query_id}"))

    def remove() -> None:
        query_id = st.session_state.get(SAVED)
        name = st.session_state.get("workbench_save_name", "")
        saved_queries.delete(data.main_connection(), query_id)
        st.session_state[SAVED] = ""
        if "q" in st.query_params:
            del st.query_params["q"]
        st.session_state[NOTICE] = ("info", t("wb_deleted", lang, name=name))

    with st.expander(t("wb_save_title", lang), expanded=False):
        st.text_input(t("wb_save_name", lang), key="workbench_save_name", max_chars=saved_queries.MAX_NAME)
        st.text_area(t("wb_save_description", lang), key="workbench_save_description", height=80,
                     max_chars=saved_queries.MAX_DESCRIPTION)
        save_col, delete_col = st.columns(2)
        save_col.button(t("wb_save", lang), key="workbench_save", on_click=save)
        if st.session_state.get(SAVED):
            delete_col.button(t("wb_delete", lang), key="workbench_delete", on_click=remove)
