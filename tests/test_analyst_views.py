"""Migration 2: the analysts' views, the measure definitions, saved queries and the schema docs."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

import queries
from gridgov import measures, saved_queries, schema_docs, store
from tests import tiny


def test_a_version_1_database_migrates_to_the_views_keeping_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table schema_version (version INTEGER, applied_at TIMESTAMP)")
    con.execute(store.MIGRATIONS[0])
    con.execute("insert into schema_version values (1, now())")
    con.execute("insert into grids (grid_id, street_name) values ('g1', '东街道')")
    con.execute("insert into cases (case_id, received_at, grid_id, status) values ('c1', '2026-11-09 09:00', 'g1', 'closed')")
    con.close()
    con = store.connect(path)
    assert store.schema_version(con) == store.SCHEMA_VERSION >= 2
    assert con.execute("select street_name, received, closed from case_facts").fetchall() == [("东街道", 1, 1)]
    con.close()


def test_case_facts_sum_to_the_hand_worked_counts(tiny_con):
    row = tiny_con.execute("""
        select sum(received), sum(closed), sum(closed_on_time), sum(rated), sum(satisfied), sum(repeats)
        from case_facts where week = '2026-W46' and in_assessment""").fetchone()
    # c1–c4 and c6 (c5 is excluded): closed c1 c2 c4; on time c1; rated c1 c2 c4; satisfied c1; repeats c4 c6
    assert row == (5, 3, 1, 3, 1, 2)


def test_case_facts_carry_place_and_time_buckets(tiny_con):
    rows = tiny_con.execute("""
        select case_id, street_name, community_name, week_start, week, month from case_facts
        where case_id in ('c1', 'c6') order by case_id""").fetchall()
    assert rows[0][1:] == ("东街道", "东社区", datetime(2026, 11, 9).date(), "2026-W46", "2026-11")
    assert rows[1][1] is None   # no grid: kept, at district level


def test_petition_facts_count_every_petition(tiny_con):
    assert tiny_con.execute("select sum(petitions), sum(collective_petitions) from petition_facts").fetchone() == (3, 1)


def test_measure_definitions_mirror_the_measure_registry(tiny_con):
    rows = tiny_con.execute("select name, label_zh, definition_en from measure_definitions order by position").fetchall()
    assert [r[0] for r in rows] == list(measures.MEASURES)
    assert rows[2] == ("completion_rate", "办结率", measures.MEASURES["completion_rate"].definition_en)


def test_every_documented_table_documents_exactly_its_columns(tiny_con):
    columns = queries.fetch(tiny_con, "schema_columns")
    assert {"grids", "cases", "petitions", "case_facts", "petition_facts", "measure_definitions",
            "saved_queries"} <= set(schema_docs.TABLES) <= set(columns["table_name"])
    for table in schema_docs.TABLES:
        in_db = columns.filter(columns["table_name"] == table)["column_name"].to_list()
        assert set(in_db) == set(schema_docs.COLUMNS[table]), table
        assert all(schema_docs.meaning(table, c, "zh") and schema_docs.meaning(table, c, "en") for c in in_db)


def test_saved_queries_save_update_and_delete(tiny_con):
    first = saved_queries.save(tiny_con, " 按街道 ", "每街道受理量", "select 1")
    again = saved_queries.save(tiny_con, "按街道", "更新后", "select 2")
    other = saved_queries.save(tiny_con, "按渠道", "", "select 3")
    assert first == again != other
    saved = {q.query_id: q for q in saved_queries.all_saved(tiny_con)}
    assert (saved[first].name, saved[first].description, saved[first].sql) == ("按街道", "更新后", "select 2")
    saved_queries.delete(tiny_con, first)
    assert [q.query_id for q in saved_queries.all_saved(tiny_con)] == [other]
    with pytest.raises(ValueError, match="name"):
        saved_queries.save(tiny_con, "  ", "", "select 1")


def test_the_tiny_district_is_untouched_by_the_views(tiny_con):
    assert tiny_con.execute("select count(*) from case_facts").fetchone()[0] == tiny.CASES.height
