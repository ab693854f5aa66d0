"""The briefing's Excel appendix: a contents sheet, then every table behind the document on its own
sheet (all rows, not only those the document lists), with number formats — rates as percentage
cells, counts with thousands separators — bold headers, fitted column widths and frozen headers."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

import xlsxwriter

from gridgov.briefing import text
from gridgov.briefing.model import Briefing, Table

# Excel formats per cell kind (model.format_cell gives the document's text for the same kinds).
NUMBER_FORMATS = {
    "count": "#,##0", "small_count": "#,##0", "rate": "0.0%", "score": "0.0", "number1": "#,##0.0",
    "number2": "#,##0.00", "datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd",
    "change_count": '+0.0%;-0.0%;0.0%', "change_rate": '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
    "change_score": "+0.0;-0.0;0.0",
}
EN_FORMATS = {"change_rate": '+0.0" pp";-0.0" pp";0.0" pp"'}
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def sheet_name(table: Table, lang: str = "zh") -> str:
    """表3 各街道（镇）网格分级 → a valid, unique-by-number sheet name (at most 31 characters)."""
    return _SHEET_UNSAFE.sub("-", table.caption(lang))[:31]


def cell_value(kind: str, value, small_cell: int = 0):
    """What a cell holds: rates as fractions (shown as %), scores ×100 (as the pages show them), rate
    changes in percentage points, small petition counts as the text "<n"."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if kind == "score" or kind in ("change_rate", "change_score"):
        return value * 100
    if kind == "small_count" and 0 < value < small_cell:
        return f"<{small_cell}"
    return value


def _width(value: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in value)


class _Formats:
    def __init__(self, book, lang: str):
        self.book, self.lang, self.cache = book, lang, {}
        base = {"font_name": "等线" if lang == "zh" else "Calibri", "font_size": 10}
        self.base = base
        self.title = book.add_format({**base, "bold": True, "font_size": 13})
        self.info = book.add_format({**base, "font_color": "#555555"})
        self.header = book.add_format({**base, "bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True,
                                       "align": "center", "valign": "vcenter"})
        self.text = book.add_format({**base, "border": 1, "valign": "vcenter"})
        self.link = book.add_format({**base, "font_color": "blue", "underline": 1})
        self.wrap = book.add_format({**base, "text_wrap": True, "valign": "top"})

    def number(self, kind: str):
        if kind not in self.cache:
            fmt = (EN_FORMATS if self.lang != "zh" else {}).get(kind, NUMBER_FORMATS.get(kind))
            props = {**self.base, "border": 1, **({"num_format": fmt} if fmt else {})}
            if kind == "small_count":
                props["align"] = "right"   # "<3" sits where the numbers do
            self.cache[kind] = self.book.add_format(props)
        return self.cache[kind]


def _table_sheet(book, f: _Formats, table: Table, b: Briefing) -> None:
    sheet = book.add_worksheet(sheet_name(table, b.lang))
    sheet.write(0, 0, table.caption(b.lang), f.title)
    sheet.write(1, 0, " · ".join(b.header_lines), f.info)
    header_row = 3
    widths = []
    for j, column in enumerate(table.columns):
        sheet.write(header_row, j, column.header, f.header)
        widths.append(min(max(_width(column.header) // 2 + 2, 6), 30))
    for i, row in enumerate(table.frame.iter_rows(named=True), start=header_row + 1):
        for j, column in enumerate(table.columns):
            kind = table.cell_kind(column, row)
            value = cell_value(kind, row.get(column.name), table.small_cell)
            if value is None:
                sheet.write_blank(i, j, None, f.number(kind))
            elif isinstance(value, str):
                sheet.write_string(i, j, value, f.number(kind) if kind == "small_count" else f.text)
                widths[j] = max(widths[j], min(_width(value) + 2, 40))
            elif isinstance(value, (datetime, date)):
                sheet.write_datetime(i, j, value, f.number(kind))
                widths[j] = max(widths[j], 17)
            else:
                sheet.write_number(i, j, value, f.number(kind))
                widths[j] = max(widths[j], len(table.text(column, row, b.lang)) + 3)
    for j, w in enumerate(widths):
        sheet.set_column(j, j, w)
    sheet.set_row(header_row, 30)
    sheet.freeze_panes(header_row + 1, 0)
    last = header_row + table.frame.height
    if table.frame.height:
        sheet.autofilter(header_row, 0, last, len(table.columns) - 1)
    if table.note:
        sheet.write(last + 2, 0, table.note, f.info)


def _contents(book, f: _Formats, b: Briefing) -> None:
    zh = b.lang == "zh"
    sheet = book.add_worksheet("目录" if zh else "Contents")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 90)
    sheet.write(0, 0, b.title, f.title)
    for i, line in enumerate(b.header_lines, start=1):
        sheet.write(i, 0, line, f.info)
    generated = ("生成时间：" if zh else "Generated: ") + f"{b.generated_at:%Y-%m-%d %H:%M}"
    sheet.write(len(b.header_lines) + 1, 0, generated, f.info)
    row = len(b.header_lines) + 3
    sheet.write(row, 0, "工作表" if zh else "Sheet", f.header)
    sheet.write(row, 1, "所在部分" if zh else "Section", f.header)
    for section in b.sections:
        for table in section.tables:
            row += 1
            name = sheet_name(table, b.lang)
            sheet.write_url(row, 0, f"internal:'{name}'!A1", f.link, string=name)
            sheet.write(row, 1, section.numbered_heading(b.lang), f.text)
    row += 2
    definitions = next((s for s in b.sections if s.number == 0), None)
    if definitions is not None:
        sheet.write(row, 0, definitions.heading, f.title)
        for paragraph in definitions.paragraphs:
            row += 1
            sheet.merge_range(row, 0, row, 1, paragraph, f.wrap)
            sheet.set_row(row, 15 * max(1, _width(paragraph) // 110 + 1))


def to_xlsx(b: Briefing) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    book.set_properties({"title": b.title, "subject": b.subtitle, "author": "gridgov",
                         "comments": f"{text.t('basis_line', b.lang, basis=text.basis_label(b.basis, b.lang), version=b.definitions_version)}"})
    f = _Formats(book, b.lang)
    _contents(book, f, b)
    for table in b.tables:
        _table_sheet(book, f, table, b)
    book.close()
    return buffer.getvalue()
