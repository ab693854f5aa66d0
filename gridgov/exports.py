"""A frame as a downloadable file: CSV (Excel-friendly UTF-8), XLSX and Parquet."""
from __future__ import annotations

import io
import json

import polars as pl

XLSX_MAX_ROWS = 100_000  # writing a cell costs ~5 µs: a million rows of 35 columns would take minutes

FORMATS = {  # name -> (file extension, MIME type)
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}


def _flat(frame: pl.DataFrame, for_excel: bool = False) -> pl.DataFrame:
    """Nested and binary values as text, zoned times as local times: what CSV and Excel can hold."""
    out = []
    for name, dtype in frame.schema.items():
        column = frame[name]
        if dtype.is_nested() or dtype == pl.Object:
            column = pl.Series(name, [None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                                      for v in column.to_list()], dtype=pl.String)
        elif dtype == pl.Binary:
            column = pl.Series(name, [None if v is None else v.hex() for v in column.to_list()], dtype=pl.String)
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            column = column.dt.replace_time_zone(None)
        elif isinstance(dtype, pl.Decimal) and dtype.scale == 0:  # DuckDB's sum() of integers
            column = column.cast(pl.Int64, strict=False)
        elif isinstance(dtype, pl.Decimal) and for_excel:
            column = column.cast(pl.Float64)
        out.append(column)
    return pl.DataFrame(out) if out else frame


def to_csv(frame: pl.DataFrame, bom: bool = True) -> bytes:
    """UTF-8 CSV; the byte-order mark makes Excel read the Chinese right (scripts may drop it)."""
    return _flat(frame).write_csv(include_bom=bom, datetime_format="%Y-%m-%d %H:%M:%S").encode("utf-8")


def to_xlsx(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    _flat(frame.head(XLSX_MAX_ROWS), for_excel=True).write_excel(buffer, worksheet="result", autofit=frame.height <= 10_000)
    return buffer.getvalue()


def to_parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def encode(frame: pl.DataFrame, fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "parquet": to_parquet}[fmt](frame)
