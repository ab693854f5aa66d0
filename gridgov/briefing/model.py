"""The briefing as data: numbered sections of generated sentences, tables (polars frames with typed
columns) and chart specifications. The writers (Word, Excel, Markdown) read only this."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from gridgov import measures

# Column kinds: how a cell is shown in the document and stored in the workbook.
#   text; count (1,234); rate (a fraction, 93.1%); score (a fraction shown ×100, 93.9);
#   number1 / number2 (1 or 2 decimals); datetime; date;
#   measure / change: the kind follows the row's measure (Table.measure_column): a value as
#   measures.format_value shows it, a change as measures.format_change does (percent for counts,
#   percentage points for rates, points for scores);
#   small_count: a petition count that documents leave out below the privacy minimum ("<3").
#   change_count / change_rate / change_score: a change worded as format_change words it.
KINDS = ("text", "count", "rate", "score", "number1", "number2", "datetime", "date", "measure", "change",
         "small_count", "change_count", "change_rate", "change_score")


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Table:
    key: str                      # a short English name (the workbook's sheet is named by the title)
    title: str
    columns: tuple[Column, ...]
    frame: pl.DataFrame           # holds every column named in `columns` (and measure_column)
    measure_column: str | None = None  # for kind "measure"/"change": the column naming each row's measure
    document_rows: int | None = None   # rows shown in the Word document (None: all; 0: appendix only)
    note: str | None = None
    small_cell: int = 0           # petition counts in (0, small_cell) are shown as "<small_cell"
    number: int = 0               # 表N, set when the briefing is assembled

    def caption(self, lang: str = "zh") -> str:
        if not self.number:
            return self.title
        return f"表{self.number} {self.title}" if lang == "zh" else f"Table {self.number}. {self.title}"

    def cell_kind(self, column: Column, row: dict) -> str:
        """The concrete kind of one cell: a row's measure decides for 'measure' and 'change' columns."""
        if column.kind in ("measure", "change"):
            m = measures.ALL_MEASURES[row[self.measure_column]]
            if column.kind == "measure":
                return m.kind if m.kind in ("count", "rate", "score") else "number1"
            return {"count": "change_count", "rate": "change_rate", "score": "change_score"}.get(m.kind, "number1")
        return column.kind

    def text(self, column: Column, row: dict, lang: str = "zh") -> str:
        """A cell as the document shows it."""
        return format_cell(self.cell_kind(column, row), row.get(column.name), lang, self.small_cell)

    def shown(self) -> pl.DataFrame:
        """The rows the Word document shows."""
        return self.frame if self.document_rows is None else self.frame.head(self.document_rows)


def format_cell(kind: str, value: Any, lang: str = "zh", small_cell: int = 0) -> str:
    """One cell's text: measures' own formats for counts, rates and scores, "—" when undefined."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if kind == "text":
        return str(value)
    if kind == "count":
        return measures.format_value("received", value)
    if kind == "small_count":
        if 0 < value < small_cell:
            return f"<{small_cell}"
        return measures.format_value("petitions", value)
    if kind == "rate":
        return measures.format_value("completion_rate", value)
    if kind == "score":
        return measures.format_value("composite_score", value)
    if kind == "number1":
        return f"{value:,.1f}"
    if kind == "number2":
        return f"{value:,.2f}"
    if kind == "datetime":
        return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else str(value)
    if kind == "date":
        return f"{value:%Y-%m-%d}" if isinstance(value, (date, datetime)) else str(value)
    if kind == "change_count":
        return f"{value * 100:+.1f}%"
    if kind == "change_rate":
        return f"{value * 100:+.1f}" + ("个百分点" if lang == "zh" else " pp")
    if kind == "change_score":
        return f"{value * 100:+.1f}"
    raise ValueError(f"unknown cell kind {kind!r}")


@dataclass(frozen=True)
class Chart:
    """What to draw (gridgov.briefing.charts draws it): kind is 'volume', 'ranking', 'grades' or 'bars'."""
    key: str
    title: str
    kind: str
    frame: pl.DataFrame
    options: dict = field(default_factory=dict)
    number: int = 0

    def caption(self, lang: str = "zh") -> str:
        if not self.number:
            return self.title
        return f"图{self.number} {self.title}" if lang == "zh" else f"Figure {self.number}. {self.title}"


@dataclass(frozen=True)
class Block:
    """One piece of a section in reading order: a paragraph, a sub-heading, a table or a chart."""
    kind: str                      # "paragraph", "subheading", "table", "chart"
    text: str = ""
    table: Table | None = None
    chart: Chart | None = None


@dataclass(frozen=True)
class Section:
    number: int                    # 1 → 一、; 0 = unnumbered (口径说明)
    heading: str
    blocks: tuple[Block, ...]

    def numbered_heading(self, lang: str = "zh") -> str:
        if not self.number:
            return self.heading
        return f"{chinese_numeral(self.number)}、{self.heading}" if lang == "zh" else f"{self.number}. {self.heading}"

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "paragraph"]

    @property
    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.kind == "table"]

    @property
    def charts(self) -> list[Chart]:
        return [b.chart for b in self.blocks if b.kind == "chart"]


@dataclass(frozen=True)
class Briefing:
    title: str
    subtitle: str                  # period and scope
    period_label: str              # e.g. 2026-W46
    period_title: str              # e.g. 2026年第46周（11月09日—11月15日）
    scope: str                     # 全区 or the street's name
    street: str | None
    basis: str
    as_of: datetime
    definitions_version: str
    lang: str
    sections: tuple[Section, ...]
    generated_at: datetime

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]

    @property
    def header_lines(self) -> list[str]:
        """Period, scope, as-of time, basis and definitions version, as the document states them."""
        from gridgov.briefing import text

        return text.header_lines(self)


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (section numbers)."""
    if not 0 < n < 100:
        raise ValueError("section numbers run from 1 to 99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
