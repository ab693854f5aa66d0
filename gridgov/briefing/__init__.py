"""The meeting briefing (会议简报): a period report in official Chinese as a Word document with an
Excel appendix (and a PDF where LibreOffice is installed), built from the same functions as the
pages and `python -m gridgov metrics` / `grades`. No Streamlit here."""
from __future__ import annotations

from gridgov.briefing.build import build, definitions_version
from gridgov.briefing.model import Briefing, Chart, Column, Section, Table
from gridgov.briefing.periods import file_name, parse_period

__all__ = ["build", "definitions_version", "Briefing", "Chart", "Column", "Section", "Table", "file_name",
           "parse_period", "to_docx", "to_xlsx", "to_pdf"]


def to_docx(briefing: Briefing) -> bytes:
    from gridgov.briefing.docx_writer import to_docx as write
    return write(briefing)


def to_xlsx(briefing: Briefing) -> bytes:
    from gridgov.briefing.xlsx_writer import to_xlsx as write
    return write(briefing)


def to_pdf(docx_bytes: bytes) -> bytes | None:
    from gridgov.briefing.pdf import to_pdf as convert
    return convert(docx_bytes)
