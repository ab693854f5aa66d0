"""Downloads of a page's table: a title row above the headers, in CSV and XLSX, and safe file names."""
from __future__ import annotations

import io
from datetime import datetime

import polars as pl

from gridgov import table_files

FRAME = pl.DataFrame({"街道/镇": ["东街道", "西镇"], "办结率(%)": [75.0, None],
                      "受理时间": [datetime(2026, 10, 5, 9, 30), None], "受理量": [4, 0]})
TITLE = "街道指标 · 2026年10月 · 范围：全区；口径：考核口径"


def test_csv_starts_with_the_title_then_the_table():
    text = table_files.to_csv(FRAME, TITLE).decode("utf-8")
    assert text.startswith("\ufeff")                          # Excel reads the Chinese right
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == f'"{TITLE}"' or lines[0] == TITLE
    assert lines[1] == "街道/镇,办结率(%),受理时间,受理量"
    assert lines[2] == "东街道,75.0,2026-10-05 09:30:00,4"
    assert lines[3] == "西镇,,,0"                              # an undefined rate stays empty, not 0


def test_a_title_with_a_comma_stays_one_cell():
    text = table_files.to_csv(FRAME, "甲, 乙").decode("utf-8-sig")
    assert text.splitlines()[0] == '"甲, 乙"'


def test_xlsx_puts_the_title_in_a1_and_the_table_below():
    book = pl.read_excel(io.BytesIO(table_files.to_xlsx(FRAME, TITLE)), has_header=False)
    assert book[0, 0] == TITLE
    assert book.row(1) == ("街道/镇", "办结率(%)", "受理时间", "受理量")
    table = pl.read_excel(io.BytesIO(table_files.to_xlsx(FRAME, TITLE)), read_options={"header_row": 1})
    assert table["受理量"].to_list() == [4, 0] and table["办结率(%)"].to_list() == [75, None]


def test_file_names_keep_chinese_and_drop_what_file_systems_refuse():
    assert table_files.file_name(["街道指标", "2026-10", "岳麓街道", None, "考核口径"], "csv") == \
        "街道指标_2026-10_岳麓街道_考核口径.csv"
    assert table_files.file_name(['a/b:c*d?"e"', " f g "], "xlsx") == "a-b-c-d-e_f-g.xlsx"
