"""The workbench sandbox: every escape is refused or fails with a message, and nothing changes."""
from __future__ import annotations

import threading
import time

import polars as pl
import pytest

import queries
from gridgov import sandbox, store
from tests import tiny

FOREVER = "select sum(a.range * b.range) from range(1000000000) as a cross join range(1000000000) as b"


def snapshot(con) -> dict:
    """Every row of every table, so a test can show that nothing changed."""
    cur = con.cursor()
    tables = [r[0] for r in cur.execute(
        "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
    return {t: cur.execute("select * from " + t + " order by all").fetchall() for t in tables}  # names from the catalogue


@pytest.fixture
def con(tiny_path):
    con = store.instance(tiny_path)
    yield con
    store.close_instance(tiny_path)


ESCAPES = {
    "insert": "insert into cases (case_id, received_at) values ('x', now())",
    "update": "update cases set status = 'closed'",
    "delete": "delete from cases",
    "merge": "merge into meta using (select 'k' as key) as s on meta.key = s.key when matched then delete",
    "create table": "create table stolen as select * from cases",
    "create macro": "create macro leak() as 1",
    "drop": "drop table cases",
    "alter": "alter table cases add column x int",
    "attach": "attach ':memory:' as other",
    "detach": "detach tiny",
    "copy to": "copy cases to '{tmp}/out.csv'",
    "copy from": "copy cases from '/etc/passwd'",
    "export": "export database '{tmp}/dump'",
    "import": "import database '{tmp}/dump'",
    "install": "install httpfs",
    "load": "load httpfs",
    "set": "set enable_external_access = true",
    "reset": "reset threads",
    "use": "use memory",
    "pragma": "pragma table_info('cases')",
    "call": "call pragma_version()",
    "checkpoint": "checkpoint",
    "begin": "begin transaction",
    "prepare": "prepare p as select 1",
    "explain analyze": "explain analyze delete from cases",
    "read_csv": "select * from read_csv('/etc/passwd')",
    "read_text": "select * from read_text('/etc/passwd')",
    "read_blob": "select * from read_blob('/etc/hostname')",
    "glob": "select * from glob('/etc/*')",
    "file as table": "select * from '/etc/passwd'",
    "url": "select * from read_csv('https://example.com/data.csv')",
    "url as table": "select * from 'http://127.0.0.1:1/x.parquet'",
    "getenv": "select getenv('HOME')",
    "current_setting": "select current_setting('home_directory')",
    "settings": "select * from duckdb_settings()",
    "dynamic sql": "select * from query('select 42')",
    "multiple statements": "select 1; drop table cases",
    "write after a comment": "-- only a read\nselect 1;\n/* and then */ delete from cases",
    "delete in a cte": "with gone as (delete from cases returning *) select count(*) from gone",
    "insert in a cte after a comment": "/* select */ -- harmless\nwith x as (insert into meta values ('k', 'v') returning *) select * from x",
    "update in a subquery": "select * from (with x as (update cases set status = 'closed' returning 1) select * from x)",
    "python variable": "select * from secret_frame",
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_every_escape_is_refused_or_fails_with_a_message_and_changes_nothing(con, tmp_path, name):
    secret_frame = pl.DataFrame({"secret": ["do not show"]})  # noqa: F841 - what a replacement scan would find
    target = tmp_path / "escape"
    target.mkdir()
    before = snapshot(con)
    with pytest.raises(sandbox.SandboxError) as refused:
        sandbox.run(con, ESCAPES[name].format(tmp=target))
    assert refused.value.zh and refused.value.en
    assert refused.value.message("zh") != refused.value.message("en")
    assert snapshot(con) == before
    assert list(target.iterdir()) == []  # nothing written to disk


def test_writes_are_refused_by_the_parser_before_they_run(con):
    with pytest.raises(sandbox.SandboxError, match="DELETE"):
        sandbox.classify(con, "with gone as (delete from cases returning *) select count(*) from gone")
    with pytest.raises(sandbox.SandboxError, match="one statement"):
        sandbox.classify(con, "select 1; select 2")
    with pytest.raises(sandbox.SandboxError, match="ATTACH"):
        sandbox.classify(con, "ATTACH ':memory:' AS x")
    with pytest.raises(sandbox.SandboxError, match="getenv"):
        sandbox.classify(con, "select MAIN.GETENV('HOME')")


def test_a_write_the_classifier_missed_is_rolled_back(con, monkeypatch):
    # Defence in depth: pretend the parser-based guard was bypassed.
    monkeypatch.setattr(sandbox, "classify", lambda con, sql: sql)
    before = snapshot(con)
    result = sandbox.run(con, "with gone as (delete from cases returning *) select count(*) as n from gone")
    assert result.frame["n"].to_list() == [tiny.CASES.height]   # the delete ran inside the transaction…
    assert snapshot(con) == before                              # …and was rolled back


@pytest.mark.parametrize("sql", ["select getenv('HOME')", "select * from read_text('/etc/passwd')",
                                 "select * from glob('/*')", "select * from read_csv('http://127.0.0.1:1/x.csv')"])
def test_without_the_classifier_the_instance_still_refuses_files_and_the_environment(con, monkeypatch, sql):
    # The real guarantee is the instance's locked configuration, not the parser-based guard.
    monkeypatch.setattr(sandbox, "classify", lambda con, sql: sql)
    with pytest.raises(sandbox.SandboxError, match="does not exist|disabled by configuration"):
        sandbox.run(con, sql)


def test_reads_run_with_row_count_and_time(con):
    result = sandbox.run(con, "-- per street\nselect street_name, sum(received) as received from case_facts "
                              "group by all order by received desc")
    assert result.frame["received"].to_list() == [5, 2, 1]
    assert (result.row_count, result.truncated) == (3, False)
    assert result.seconds >= 0
    assert result.columns[0] == ("street_name", "VARCHAR")


@pytest.mark.parametrize("sql", ["describe cases", "show tables", "summarize grids", "from grids",
                                 "values (1, 'a')", "select 1 union all select 2",
                                 "pivot cases on channel in ('hotline', 'app') using count(*)",
                                 "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r"])
def test_read_forms_are_allowed(con, sql):
    assert sandbox.run(con, sql).row_count > 0


def test_empty_input_and_syntax_errors_say_so(con):
    with pytest.raises(sandbox.SandboxError, match="Enter a query"):
        sandbox.run(con, "  -- nothing here\n")
    with pytest.raises(sandbox.SandboxError, match="Syntax error"):
        sandbox.run(con, "selec 1")


def test_row_cap_truncates_and_says_so(con):
    result = sandbox.run(con, "select * from range(1000000)", max_rows=100)
    assert (result.row_count, result.truncated, result.frame.height) == (100, True, 100)
    exact = sandbox.run(con, "select * from range(100)", max_rows=100)
    assert (exact.row_count, exact.truncated) == (100, False)


def test_a_huge_result_is_fetched_in_bounded_batches(con):
    # A billion rows: a fetchall would never return; a bounded fetch stops at the cap.
    result = sandbox.run(con, "select a.range as a, b.range as b from range(1000000) as a, range(1000) as b",
                         max_rows=5_000, timeout_s=60)
    assert result.truncated and result.row_count == 5_000


def test_a_query_that_runs_forever_is_interrupted_while_others_are_served(con):
    outcome: dict = {}

    def forever():
        started = time.monotonic()
        try:
            sandbox.run(con, FOREVER, timeout_s=1)
        except sandbox.SandboxError as e:
            outcome["error"] = e
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=forever)
    worker.start()
    time.sleep(0.3)
    # Another session, on the same instance, while the first query runs.
    assert sandbox.run(con, "select count(*) as n from cases").frame["n"].item() == tiny.CASES.height
    assert queries.fetch(con, "street_names").height == 2
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert "stopped after 1 s" in outcome["error"].en and "1 秒" in outcome["error"].zh
    assert outcome["seconds"] < 30  # interrupted, not run to the end
    # And the instance still answers afterwards.
    assert sandbox.run(con, "select 1 as one").frame["one"].item() == 1


def test_duplicate_and_unusual_columns_are_shown(con):
    frame = sandbox.run(con, "select 1 as a, 2 as a, interval 3 day as wait, [1, 2] as xs").frame
    assert frame.columns == ["a", "a_2", "wait", "xs"]
    assert frame.row(0) == (1, 2, "3 days", [1, 2])


def test_the_download_variant_has_the_larger_cap(con):
    result = sandbox.download(con, "select * from range(20000)")
    assert (result.row_count, result.truncated) == (20000, False)
    assert sandbox.DOWNLOAD_MAX_ROWS > sandbox.MAX_ROWS
