"""The 数据导入 page's building blocks: per-file detection, mapping editor, preview, import, summary."""
from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl
import streamlit as st

from gridgov import audit, ingest, schema_docs
from gridgov.i18n import t
from gridgov.ingest import profiles, readers, schema
from ui import data

PREVIEW_ROWS = 20
RESULTS = "_import_results"      # the last import's results, kept for the following reruns
SOURCES = "_import_sources"      # read files by (sha, table, encoding): reading is the slow part
UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx", "xls", "xlsm", "json", "geojson", "shp", "shx", "dbf", "prj", "cpg", "zip"]
BOUNDARY_MEANINGS = {"boundary_id": ("边界编号（主键）", "Boundary id (key)"), "level": ("层级", "Level"),
                     "name": ("名称", "Name"), "parent_name": ("上级名称", "Parent"),
                     "centroid_lon": ("中心点经度", "Centre longitude"), "centroid_lat": ("中心点纬度", "Centre latitude"),
                     "boundary": ("边界 GeoJSON", "Boundary GeoJSON")}


@dataclass
class Choice:
    """One export as the user set it up: its files and the profile to import it with."""
    files: list[ingest.Upload]
    profile: ingest.Profile | None
    encoding: str | None


def demo_notice(lang: str) -> bool:
    """Warn when the demo district is loaded; True when the import should remove it."""
    if data.source() != "demo":
        return False
    st.warning(t("imp_demo_note", lang))
    replace_demo = st.checkbox(t("imp_replace_demo", lang), value=True, key="import_replace_demo")
    from gridgov import auth
    if replace_demo and not auth.users_file().exists():
        st.caption(t("imp_login_note", lang))
    return replace_demo


def exports(uploads) -> list[list[ingest.Upload]]:
    files = [ingest.Upload(u.name, u.getvalue()) for u in uploads or []]
    return readers.group_uploads(files)


def _meaning(table: str, column: str, lang: str) -> str:
    if table == "boundaries":
        pair = BOUNDARY_MEANINGS.get(column, (column, column))
        return pair[0] if lang == "zh" else pair[1]
    return schema_docs.meaning(table, column, lang) or column


def _read(table: str, files: list[ingest.Upload], encoding: str | None) -> readers.Source:
    cache = st.session_state.setdefault(SOURCES, {})
    sha = ingest.file_hash(files)[0]
    key = (sha, table, encoding)
    if key not in cache:
        if len(cache) > 8:
            cache.clear()
        cache[key] = ingest.read_export(table, files, encoding)
    return cache[key]


def _describe(source: readers.Source, lang: str) -> str:
    note = t("enc_" + source.encoding_note, lang) if source.encoding_note else ""
    fields = dict(encoding=source.encoding, note=note, delimiter=repr(source.delimiter), row=source.header_row,
                  rows=source.frame.height, sheet=source.sheet,
                  dbf=", ".join(source.headers) if source.headers else t("imp_no_dbf", lang))
    return t("imp_read_" + source.kind, lang, **fields)


def _blank(table: str) -> ingest.Profile:
    return ingest.Profile(name="custom", table=table, title_zh="自定义", title_en="custom", builtin=False)


def _mapping_editor(base: ingest.Profile, source: readers.Source, table: str, key: str, lang: str) -> dict[str, str]:
    shown = {**base.resolve(source.headers),
             **{c: " + ".join(parts) for c, (parts, _) in base.resolve_joins(source.headers).items()}}
    joins = {" + ".join(parts) for parts, _ in base.resolve_joins(source.headers).values()}
    required = set(schema.REQUIRED[table])
    rows = [{"field": c, "meaning": _meaning(table, c, lang) + (t("imp_required", lang) if c in required else ""),
             "source": shown.get(c, "")} for c in schema.columns(table)]
    edited = st.data_editor(
        pl.DataFrame(rows), key=key, hide_index=True, width="stretch", disabled=["field", "meaning"],
        column_config={
            "field": st.column_config.TextColumn(t("imp_col_field", lang)),
            "meaning": st.column_config.TextColumn(t("imp_col_meaning", lang)),
            "source": st.column_config.SelectboxColumn(t("imp_col_source", lang),
                                                       options=["", *source.headers, *sorted(joins)]),
        })
    edited = edited if isinstance(edited, pl.DataFrame) else pl.DataFrame(edited)
    return {r["field"]: r["source"] or "" for r in edited.iter_rows(named=True)}


def _profile_from(base: ingest.Profile, mapping: dict[str, str], source: readers.Source,
                  crs: str, date_order: str) -> ingest.Profile:
    shown = {**base.resolve(source.headers),
             **{c: " + ".join(parts) for c, (parts, _) in base.resolve_joins(source.headers).items()}}
    if {c: v for c, v in mapping.items() if v} == shown and (crs, date_order) == (base.crs, base.date_order):
        return base
    resolved = base.resolve_joins(source.headers)
    joins = {c: base.join[c] for c, v in mapping.items() if c in resolved and v == " + ".join(resolved[c][0])}
    columns = {c: v for c, v in mapping.items() if v and c not in joins and v in source.headers}
    profile = base.with_mapping(columns)
    return replace(profile, join=joins, crs=crs, date_order=date_order)


def setup(index: int, files: list[ingest.Upload], table: str, lang: str) -> Choice:
    """One export's panel: what was detected, the profile and mapping, the preview, save-as-profile."""
    key = f"import_{index}"
    with st.expander(" + ".join(f.name for f in files), expanded=True):
        encoding = st.selectbox(t("imp_encoding", lang), ["", *readers.ENCODINGS], key=f"{key}_encoding",
                                format_func=lambda e: e or t("imp_encoding_auto", lang)) or None
        try:
            source = _read(table, files, encoding)
        except ingest.IngestError as e:
            st.error(e.message(lang))
            return Choice(files, None, encoding)
        st.caption(_describe(source, lang))
        if source.ragged:
            st.warning(t("imp_ragged", lang, n=len(source.ragged)))
        available = profiles.for_table(table)
        try:
            detected = profiles.detect(table, source.headers, source.has_geometry).name
        except ingest.IngestError:
            detected = None
        picked = st.selectbox(t("imp_profile", lang), ["", *available], key=f"{key}_profile",
                              format_func=lambda n: available[n].title(lang) + f" ({n})" if n else (
                                  t("imp_profile_auto", lang, name=detected) if detected else t("imp_profile_none", lang)))
        name = picked or detected
        base = available[name] if name else _blank(table)
        if not name:
            st.info(t("imp_profile_missing", lang))
        st.markdown("**" + t("imp_mapping", lang) + "**")
        mapping = _mapping_editor(base, source, table, f"{key}_mapping_{name or 'none'}", lang)
        crs, date_order = base.crs, base.date_order
        left, right = st.columns(2)
        if table in schema.POINT:
            crs = left.selectbox(t("imp_crs", lang), ingest.geo.CRS, index=ingest.geo.CRS.index(base.crs),
                                 key=f"{key}_crs_{name}", format_func=lambda c: t("crs_" + c, lang))
        if any(k == "time" for k in schema.columns(table).values()):
            date_order = right.selectbox(t("imp_date_order", lang), profiles.DATE_ORDERS,
                                         index=profiles.DATE_ORDERS.index(base.date_order), key=f"{key}_dates_{name}",
                                         format_func=lambda d: t("date_" + d, lang))
        profile = _profile_from(base, mapping, source, crs, date_order)
        if base.constants:
            st.caption(t("imp_constants", lang, constants="，".join(f"{c} = {v}" for c, v in base.constants.items())))
        used = {h for v in mapping.values() for h in v.split(" + ") if v}
        unused = [h for h in source.headers if h not in used]
        if unused:
            st.caption(t("imp_unused", lang, columns="、".join(unused)))
        _preview(table, files, profile, source, lang, key)
        _save_form(profile, key, lang)
    return Choice(files, profile, encoding)


def _preview(table, files, profile, source, lang, key) -> None:
    try:
        prepared = ingest.prepare(data.main_connection(), table, files, profile, source=source, limit=PREVIEW_ROWS)
    except ingest.IngestError as e:
        st.error(e.message(lang))
        return
    st.markdown("**" + t("imp_preview", lang, n=min(PREVIEW_ROWS, source.frame.height)) + "**")
    frame = prepared.cleaned.frame
    st.dataframe(frame.select(["source_row", *[c for c in frame.columns if c != "source_row"]]),
                 hide_index=True, key=f"{key}_preview",
                 column_config={"source_row": st.column_config.NumberColumn(t("qr_source_row", lang), format="%d")})
    problems = prepared.cleaned.problems
    if problems.height:
        st.markdown("**" + t("imp_preview_problems", lang) + "**")
        st.dataframe(problem_table(problems, lang), hide_index=True, key=f"{key}_preview_problems")
    else:
        st.caption(t("imp_preview_clean", lang))


def problem_table(problems: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Quarantine rows with their reasons and actions in words, columns named for people."""
    shown = problems.with_columns(
        pl.col("reason").map_elements(lambda r: ingest.describe(r, lang), return_dtype=pl.String).alias("reason_text"),
        pl.col("action").map_elements(lambda a: t("action_" + a, lang), return_dtype=pl.String))
    columns = [c for c in ("file_name", "source_row", "record_id", "column_name", "value", "reason_text", "action",
                           "stored_now", "row_json") if c in shown.columns]
    labels = {"file_name": t("imp_col_file", lang), "reason_text": t("imp_reason_col", lang)}
    return shown.select(columns).rename({c: labels.get(c) or t("qr_" + c, lang) for c in columns})


def _save_form(profile: ingest.Profile, key: str, lang: str) -> None:
    left, right = st.columns([3, 1])
    name = left.text_input(t("imp_save_name", lang), key=f"{key}_save_name", max_chars=41)
    right.write("")
    if right.button(t("imp_save", lang), key=f"{key}_save", disabled=not name):
        try:
            path = profiles.save(replace(profile, name=name.strip(), title_zh=name.strip(), title_en=name.strip()))
        except ingest.IngestError as e:
            st.error(e.message(lang))
        else:
            st.success(t("imp_saved", lang, name=name.strip(), path=path))


def run(choices: list[Choice], table: str, replace_demo: bool, lang: str) -> None:
    """Import every export in turn with a progress bar; keep the results for the summary."""
    bar = st.progress(0.0)
    results = []
    user = st.session_state.get("user")
    for i, choice in enumerate(choices):
        name = choice.files[0].name
        label = t("imp_progress", lang, file=name, i=i + 1, n=len(choices))

        def step(fraction: float, _message: str, i=i, label=label) -> None:
            bar.progress(min((i + fraction) / len(choices), 1.0), text=label)

        result = ingest.import_file(data.main_connection(), table, choice.files, profile=choice.profile,
                                    encoding=choice.encoding, replace_demo=replace_demo, origin="page", progress=step)
        results.append(result)
        audit.record(getattr(user, "name", None), getattr(user, "role", None), "import",
                     {"file": result.file, "table": table, "status": result.status, "profile": result.profile,
                      "rejected": result.rejected}, rows=result.inserted + result.updated)
    bar.empty()
    data.refresh()   # every session's cached figures now include the new rows
    st.session_state[RESULTS] = [r.as_dict() for r in results]


def results(lang: str) -> None:
    """The last import's summary, and each file's problem rows to download."""
    found = st.session_state.get(RESULTS)
    if not found:
        return
    ok = sum(1 for r in found if r["status"] == "imported")
    (st.success if ok == len(found) else st.warning)(t("imp_done", lang, ok=ok, refused=len(found) - ok))
    st.subheader(t("imp_summary", lang))
    summary = pl.DataFrame([{
        "file": r["file"], "status": t("imp_status_" + r["status"], lang), "profile": r["profile"] or "—",
        "rows_read": r["rows_read"], "inserted": r["inserted"], "updated": r["updated"], "unchanged": r["unchanged"],
        "rejected": r["rejected"], "flagged": r["flagged"],
        "message": (r["message_zh"] if lang == "zh" else r["message"]) or "；".join(
            f"{ingest.describe(k, lang)} {v:,}" for k, v in r["reasons"].items()),
    } for r in found])
    st.dataframe(summary.rename({c: t("imp_col_" + c, lang) for c in summary.columns}), hide_index=True,
                 key="import_summary")
    ids = [r["import_id"] for r in found if r["status"] == "imported" and (r["rejected"] or r["flagged"])]
    if not ids:
        return
    rows = data.fetch("import_quarantine_rows", import_ids=ids, reasons=[], row_limit=1_000_000)
    for r in found:
        if r["import_id"] in ids:
            mine = problem_table(rows.filter(pl.col("import_id") == r["import_id"]), lang)
            st.download_button(t("imp_download_rejected", lang, file=r["file"]),
                               mine.write_csv(include_bom=True).encode("utf-8"),
                               file_name=f"rejected_{r['file'].rsplit('.', 1)[0]}.csv", mime="text/csv",
                               key=f"import_download_{r['import_id']}")
