"""A page's table as a file a leader can forward: a title row stating the period and filters above
the column headers, as CSV (UTF-8 with BOM, for Excel) or XLSX; file names carry the same facts."""
from __future__ import annotations

import csv
import io
import re

import polars as pl
import xlsxwriter

from gridgov import exports

FORMATS = ("csv", "xlsx")
MIME = {"csv": "text/csv", "xlsx": exports.FORMATS["xlsx"][1]}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(parts: list[str | None], fmt: str) -> str:
    """Parts joined by '_' with characters no file system accepts replaced, plus the extension."""
    cleaned = [_UNSAFE.sub("-", p.strip()).strip("-") for p in parts if p and p.strip()]
    return "_".join(c for c in cleaned if c) + "." + fmt


def _title_line(title: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([title])
    return buffer.getvalue().encode("utf-8")


def to_csv(frame: pl.DataFrame, title: str) -> bytes:
    """The title row, then the table with its header row."""
    return "\ufeff".encode("utf-8") + _title_line(title) + exports.to_csv(frame, bom=False)


def to_xlsx(frame: pl.DataFrame, title: str, sheet: str = "data") -> bytes:
    """The title in A1 (bold), the table with its header row from A2."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    plain = frame.with_columns(pl.col(pl.Datetime).dt.replace_time_zone(None)) if frame.width else frame
    plain.write_excel(workbook=workbook, worksheet=sheet, position=(1, 0), autofit=frame.height <= 10_000,
                      dtype_formats={pl.Datetime: "yyyy-mm-dd hh:mm"})
    workbook.get_worksheet_by_name(sheet).write(0, 0, title, workbook.add_format({"bold": True}))
    workbook.close()
    return buffer.getvalue()


def encode(frame: pl.DataFrame, title: str, fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx}[fmt](frame, title)
