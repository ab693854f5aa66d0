"""What can go wrong in an import: file-level errors (the whole file is refused) and row-level reasons."""
from __future__ import annotations


class IngestError(Exception):
    """A structural problem: the whole file is refused and nothing of it is stored."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh or en

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


# Row-level reasons: code -> (action, zh, en). "rejected" rows are not stored (fix the file and
# import it again); "flagged" rows are stored as they are and listed for review.
REASONS: dict[str, tuple[str, str, str]] = {
    "missing_key": ("rejected", "缺少编号", "the record's id is empty"),
    "missing_value": ("rejected", "缺少必填值", "a required value is empty"),
    "bad_timestamp": ("rejected", "无法识别的时间", "the time cannot be read"),
    "bad_number": ("rejected", "无法识别的数字", "the number cannot be read"),
    "bad_coordinate": ("rejected", "坐标不可用", "the coordinate is unreadable or out of range"),
    "unknown_value": ("rejected", "取值不在映射表中", "the word is not in the profile's word map"),
    "closed_before_received": ("rejected", "办结时间早于受理时间", "closed before it was received"),
    "duplicate_row": ("rejected", "文件内重复行（已合并）", "the same row appears earlier in the file (merged)"),
    "duplicate_key": ("rejected", "文件内编号重复且内容不同", "the id appears earlier in the file with other values"),
    "wrong_field_count": ("rejected", "字段数与表头不符", "the row has a different number of fields than the header"),
    "bad_geometry": ("rejected", "边界图形不可用", "the boundary is not a readable polygon"),
    "unknown_grid": ("flagged", "网格编码不在网格表中", "the grid id is not in the grid register"),
    "outside_grids": ("flagged", "坐标不在任何网格内", "the point lies in no grid's boundary"),
}


def action(reason: str) -> str:
    return REASONS[reason][0]


def describe(reason: str, lang: str = "zh") -> str:
    entry = REASONS.get(reason)
    if entry is None:
        return reason
    return entry[1] if lang == "zh" else entry[2]
