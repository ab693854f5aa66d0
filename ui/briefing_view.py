"""Building blocks of the 会议简报 page: the scope a user may brief on, the preview, the downloads."""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov import audit, briefing, metrics
from gridgov.briefing import charts, pdf as briefing_pdf
from gridgov.briefing.model import Briefing, Table
from gridgov.i18n import t
from gridgov.periods import Period
from ui import data, filters, geodata

DOC_LANGS = ("zh", "en")
ROW_PX = 35   # st.dataframe's row height


def scope(lang: str) -> str | None:
    """The street to brief on: the sidebar's choice, or for a street user always their own street."""
    user = st.session_state.get("user")
    if user is not None and user.street:
        if filters.selected_street() != user.street:
            filters.request(street=user.street)   # their one choice; reruns with the sidebar set to it
        st.caption(t("briefing_scope_locked", lang, street=user.street))
        return user.street
    return filters.selected_street()


def document_language(lang: str) -> str:
    return st.radio(t("briefing_doc_lang", lang), DOC_LANGS, key="briefing_lang", horizontal=True,
                    format_func=lambda code: {"zh": "中文（公文格式）", "en": "English"}[code])


def build(period: Period, street: str | None, basis: str, doc_lang: str) -> Briefing:
    """The briefing through this session's (scoped, cached) fetch: a street user's data only."""
    cfg = data.settings()
    return briefing.build(data.fetch, period, cfg, street=street, lang=doc_lang, basis=basis,
                          neighbours=geodata.neighbours(cfg.hotspots))


def _rows(report: Briefing) -> int:
    return sum(table.frame.height for table in report.tables)


def _audited(report: Briefing, fmt: str) -> None:
    user = st.session_state.get("user")
    audit.record(getattr(user, "name", None), getattr(user, "role", None), "briefing",
                 {"period": report.period_label, "scope": report.scope, "basis": report.basis, "format": fmt,
                  "lang": report.lang, "definitions": report.definitions_version}, _rows(report))


def _pdf(report: Briefing) -> bytes:
    return briefing.to_pdf(briefing.to_docx(report)) or b""


def downloads(report: Briefing, period: Period, lang: str) -> None:
    """.docx, .xlsx and (with LibreOffice installed) .pdf, each built when its button is pressed."""
    charts.cjk_family()   # no CJK font for the charts: say so now rather than when a button is pressed
    files = [("docx", briefing.to_docx,
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
             ("xlsx", briefing.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    if briefing_pdf.converter() is not None:
        files.append(("pdf", _pdf, "application/pdf"))
    for column, (fmt, write, mime) in zip(st.columns([2, 2, 1.5, 3]), files):
        column.download_button(t("briefing_download_" + fmt, lang), lambda write=write: write(report),
                               file_name=briefing.file_name(period, report.scope, fmt), mime=mime,
                               key=f"briefing_{fmt}", on_click=_audited, args=(report, fmt), type="primary"
                               if fmt == "docx" else "secondary")
    if len(files) == 2:
        st.caption(t("briefing_no_pdf", lang))


def _escape(text: str) -> str:
    """Plain text for st.markdown (Gi*, 12345 and the like must not turn into emphasis or lists)."""
    for ch in "\\*_`#[]|<>~":
        text = text.replace(ch, "\\" + ch)
    return text


def table_frame(table: Table, lang: str) -> pl.DataFrame:
    """The rows the document shows, as the document shows them (formatted text under its headers)."""
    rows = list(table.shown().iter_rows(named=True))
    return pl.DataFrame({c.header: [table.text(c, r, lang) for r in rows] for c in table.columns},
                        schema={c.header: pl.String for c in table.columns})


def preview(report: Briefing, lang: str) -> None:
    """The document's text and tables, section by section (charts are drawn into the Word file)."""
    with st.container(border=True, key="briefing_preview"):
        st.markdown(f"### {report.title}")
        for line in report.header_lines:
            st.caption(_escape(line))
        for section in report.sections:
            st.markdown(f"#### {_escape(section.numbered_heading(report.lang))}")
            for block in section.blocks:
                if block.kind == "paragraph":
                    st.markdown(_escape(block.text))
                elif block.kind == "subheading":
                    st.markdown(f"**{_escape(block.text)}**")
                elif block.kind == "chart":
                    st.caption(t("briefing_chart_in_document", lang, caption=block.chart.caption(report.lang)))
                elif block.table.document_rows == 0:
                    st.caption(_escape(f"{block.table.caption(report.lang)}：{block.table.note or ''}"))
                else:
                    st.markdown(f"**{_escape(block.table.caption(report.lang))}**")
                    shown = table_frame(block.table, report.lang)
                    st.dataframe(shown, hide_index=True, key=f"briefing_table_{block.table.key}",
                                 height=ROW_PX * (min(shown.height, 20) + 1) + 3)   # every row, as in the document
                    if block.table.note:
                        st.caption(_escape(block.table.note))


def caption(report: Briefing, span: metrics.DataSpan, lang: str) -> None:
    text = t("briefing_caption", lang, period=report.period_title, scope=report.scope,
             as_of=f"{report.as_of:%Y-%m-%d %H:%M}", version=report.definitions_version)
    if span.source == "demo":
        text += " " + t("demo_badge", lang)
    st.caption(text)
