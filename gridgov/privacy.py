"""Masking of personal data in free text, and small-cell suppression for exports."""
from __future__ import annotations

import re

import polars as pl

# Mainland mobile numbers and 18-character resident ID numbers, not inside longer digit runs.
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")
PHONE_REGEX = r"(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)"
ID_REGEX = r"(^|[^0-9A-Za-z])[0-9]{17}[0-9Xx]([^0-9A-Za-z]|$)"


def mask_text(text: str | None) -> str | None:
    """138****1234 for phones, 110***********1234 for ID numbers, 0731-****5678 for landlines."""
    if not text:
        return text
    text = _ID.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "-****" + m.group(3), text)


FREE_TEXT_COLUMNS = ("description", "address")


def mask_frame(frame: pl.DataFrame, columns=FREE_TEXT_COLUMNS) -> pl.DataFrame:
    present = [c for c in columns if c in frame.columns and frame.schema[c] == pl.String]
    if not present:
        return frame
    return frame.with_columns(pl.col(c).map_elements(mask_text, return_dtype=pl.String) for c in present)


def suppress_small_cells(frame: pl.DataFrame, columns: list[str], minimum: int) -> pl.DataFrame:
    """Replace counts in (0, minimum) by the text '<minimum' so a reader cannot single out a petitioner."""
    present = [c for c in columns if c in frame.columns]
    if not present or minimum <= 1:
        return frame
    return frame.with_columns(
        pl.when((pl.col(c) > 0) & (pl.col(c) < minimum)).then(pl.lit(f"<{minimum}"))
        .otherwise(pl.col(c).cast(pl.String)).alias(c)
        for c in present
    )
