"""`python -m gridgov sql`: the workbench's sandbox for scripts."""
from __future__ import annotations

import csv
import io
import json

import pytest

from tests.test_cli import gridgov

PER_STREET = "select street_name, sum(received) as received from case_facts where in_assessment group by all order by received desc, street_name nulls last"


def test_sql_prints_csv_by_default(tiny_path):
    out = gridgov("sql", PER_STREET, db=tiny_path)
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows == [["street_name", "received"], ["东街道", "5"], ["西镇", "1"], ["", "1"]]


def test_sql_prints_one_json_document(tiny_path):
    out = gridgov("sql", "select case_id, received_at from cases order by case_id limit 2", "--format", "json", db=tiny_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"case_id": "c1", "received_at": "2026-11-09T09:00:00"},
                                      {"case_id": "c2", "received_at": "2026-11-10T10:00:00"}]


@pytest.mark.parametrize("query,message", [
    ("delete from cases", "writes are not allowed"),
    ("select 1; drop table cases", "one statement"),
    ("select * from read_csv('/etc/passwd')", "no file or network access"),
    ("select getenv('HOME')", "getenv"),
    ("select * from nowhere", "Query failed"),
    ("attach 'x.duckdb'", "ATTACH"),
])
def test_refused_or_failed_queries_exit_non_zero_with_one_line(tiny_path, query, message):
    out = gridgov("sql", query, db=tiny_path)
    assert out.returncode != 0
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert out.stdout == ""
    counts = gridgov("sql", "select count(*) as n from cases", "--format", "json", db=tiny_path)
    assert json.loads(counts.stdout) == [{"n": 8}]
