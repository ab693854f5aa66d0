"""A briefing's period from its written form, and the names of its files."""
from __future__ import annotations

from gridgov import periods
from gridgov.table_files import file_name as _file_name


def parse_period(text: str) -> periods.Period:
    """2026-W46, 2026-10, 2026-Q3 or 2026-H1: the kind is read from the form."""
    cleaned = text.strip().upper()
    kind = ("week" if "-W" in cleaned else "quarter" if "-Q" in cleaned else "half" if "-H" in cleaned
            else "month")
    try:
        return periods.parse(kind, cleaned)
    except ValueError as e:
        raise ValueError(f"{e} (a period is written 2026-W46, 2026-10, 2026-Q3 or 2026-H1)") from None


def file_name(period: periods.Period, scope: str, ext: str) -> str:
    """会议简报_2026-W46_全区.docx"""
    return _file_name(["会议简报", period.label, scope], ext)
