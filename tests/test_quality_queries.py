"""The 数据质量 queries on the tiny district plus one small import, every figure worked out by hand."""
from __future__ import annotations

import pytest

import queries
from gridgov import ingest, store
from gridgov.ingest import Upload, keys, profiles

# received 16-20 Nov 2026; g9 is no grid of the register; q3 closed before it was received; q4's
# row appears twice (merged); q5 closed on 29 Nov (within the month's last 3 days); q6 has no time.
EXPORT = """工单编号,受理时间,网格编码,工单状态,办结时间,回访结果
q1,2026/11/16 9:00,g1,已办结,2026/11/17 9:00,满意
q2,2026/11/17 9:00,g9,处理中,,
q3,2026/11/18 9:00,g1,已办结,2026/11/10 9:00,满意
q4,2026/11/19 9:00,,已办结,2026/11/20 9:00,
q4,2026/11/19 9:00,,已办结,2026/11/20 9:00,
q5,2026/11/20 9:00,g2,已办结,2026/11/29 16:00,不满意
q6,,g1,处理中,,
"""


@pytest.fixture
def con(tiny_path, tmp_path, monkeypatch):
    monkeypatch.setenv(keys.ENV, str(tmp_path / "hash.key"))
    monkeypatch.setenv(profiles.USER_ENV, str(tmp_path / "profiles"))
    c = store.connect(tiny_path)
    result = ingest.import_file(c, "cases", [Upload("q.csv", EXPORT.encode())])
    assert (result.inserted, result.rejected, result.flagged) == (4, 3, 1)
    yield c
    c.close()


def by_source(con) -> dict[tuple, dict]:
    frame = queries.fetch(con, "data_quality_by_month", month_end_days=3)
    return {(r["table_name"], r["source_file"], r["month"]): r for r in frame.iter_rows(named=True)}


def test_each_figure_per_source_and_month(con):
    rows = by_source(con)
    mine = rows[("cases", "q.csv", "2026-11")]
    assert {k: mine[k] for k in ("rows_stored", "rows_rejected", "closed_before_received", "missing_grid",
                                 "unknown_grid", "missing_coordinates", "duplicates_merged", "unrated_closed",
                                 "closed", "closed_in_month", "closed_at_month_end")} == {
        "rows_stored": 4, "rows_rejected": 2, "closed_before_received": 1, "missing_grid": 1, "unknown_grid": 1,
        "missing_coordinates": 4, "duplicates_merged": 1, "unrated_closed": 1, "closed": 3, "closed_in_month": 3,
        "closed_at_month_end": 1}
    assert mine["month_end_share"] == pytest.approx(1 / 3)
    assert rows[("cases", "q.csv", "")]["rows_rejected"] == 1          # q6: no readable time
    tiny = rows[("cases", "", "2026-11")]
    assert (tiny["rows_stored"], tiny["missing_grid"], tiny["unrated_closed"], tiny["closed_at_month_end"]) == (8, 1, 1, 0)
    petitions = rows[("petitions", "", "2026-11")]
    assert (petitions["rows_stored"], petitions["missing_grid"], petitions["missing_coordinates"]) == (3, 1, None)


@pytest.mark.parametrize("check,expected", [
    ("missing_grid", ["q4"]), ("unknown_grid", ["q2"]), ("unrated_closed", ["q4"]),
    ("closed_at_month_end", ["q5"]), ("closed_before_received", []),
])
def test_the_rows_behind_a_stored_figure(con, check, expected):
    rows = queries.fetch(con, "data_quality_rows", table_name="cases", source_file="q.csv", month="2026-11",
                         check=check, month_end_days=3, row_limit=100)
    assert rows["record_id"].to_list() == expected


def test_the_rows_the_import_set_aside_behind_a_figure(con):
    rows = queries.fetch(con, "quality_set_aside_rows", table_name="cases", source_file="q.csv", month="2026-11",
                         reasons=["duplicate_row", "duplicate_key"], row_limit=100)
    assert rows.select("source_row", "record_id", "reason").rows() == [(6, "q4", "duplicate_row")]
    unreadable = queries.fetch(con, "quality_set_aside_rows", table_name="cases", source_file="q.csv", month="",
                               reasons=[], row_limit=100)
    assert unreadable.select("record_id", "reason").rows() == [("q6", "missing_value")]


def test_a_row_fixed_by_a_later_export_shows_as_stored_now(con):
    log = queries.fetch(con, "import_log_recent", row_limit=10)
    first = log["import_id"].to_list()
    ingest.import_file(con, "cases", [Upload("q2.csv", "工单编号,受理时间\nq3,2026/11/18 9:00\n".encode())])
    rows = queries.fetch(con, "import_quarantine_rows", import_ids=first, reasons=["closed_before_received"], row_limit=10)
    assert rows.select("record_id", "stored_now").rows() == [("q3", True)]
