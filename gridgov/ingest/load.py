"""Writing a cleaned file: natural-key upsert, quarantine and import log, in one transaction.

Identifiers in the SQL below come only from gridgov.ingest.schema (a fixed mapping), never
from a file's headers or a user's text; values are always bound or registered as Arrow.
"""
from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from . import schema
from .clean import Cleaned

DEMO_META = ("source", "as_of", "seed", "cases")
DEMO_SOURCE = "demo"   # the source_file of every row gridgov.demo writes


def run(cur: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list:
    """Execute and drain the result (duckdb 2.0 refuses new work while a result is pending)."""
    return cur.execute(sql, params).fetchall() if params is not None else cur.execute(sql).fetchall()


def _q(identifier: str) -> str:
    """Quote a canonical table or column name; the upsert's identifiers come only from gridgov.ingest.schema."""
    if not identifier.replace("_", "").isalnum() or not identifier.isascii():
        raise ValueError(f"not a schema identifier: {identifier!r}")
    return '"' + identifier + '"'


def classify(cur: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> tuple[int, int, int]:
    """(inserted, updated, unchanged) the registered `incoming` rows would give."""
    key = _q(schema.KEY[table])
    same = " and ".join(f"(i.{_q(c)} is null or i.{_q(c)} is not distinct from t.{_q(c)})" for c in columns) or "true"
    row = run(cur,
        f"select count(*) filter (where t.{key} is null), "
        f"count(*) filter (where t.{key} is not null and not ({same})), "
        f"count(*) filter (where t.{key} is not null and ({same})) "
        f"from incoming as i left join {_q(table)} as t on t.{key} = i.{key}"
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def upsert(cur: duckdb.DuckDBPyConnection, table: str, cleaned: Cleaned, file_name: str,
           imported_at: datetime) -> tuple[int, int, int]:
    """Insert new keys; update changed ones (a value the file leaves empty never erases a stored one)."""
    key = schema.KEY[table]
    columns = [c for c in cleaned.columns if c in schema.columns(table)]
    frame = cleaned.frame.select([key, *columns, "source_row"])
    cur.register("incoming", frame.to_arrow())
    try:
        inserted, updated, unchanged = classify(cur, table, columns)
        params = {"file": file_name, "at": imported_at}
        names = ", ".join(_q(c) for c in [key, *columns])
        run(cur,
            f"insert into {_q(table)} ({names}, source_file, source_row, imported_at) "
            f"select {names}, $file, source_row, $at from incoming as i "
            f"where not exists (select 1 from {_q(table)} as t where t.{_q(key)} = i.{_q(key)})", params)
        if columns and updated:
            same = " and ".join(f"(i.{_q(c)} is null or i.{_q(c)} is not distinct from t.{_q(c)})" for c in columns)
            sets = ", ".join(f"{_q(c)} = coalesce(i.{_q(c)}, t.{_q(c)})" for c in columns)
            run(cur,
                f"update {_q(table)} as t set {sets}, source_file = $file, source_row = i.source_row, "
                f"imported_at = $at from incoming as i where t.{_q(key)} = i.{_q(key)} and not ({same})", params)
    finally:
        cur.unregister("incoming")
    return inserted, updated, unchanged


def write_quarantine(cur: duckdb.DuckDBPyConnection, import_id: str, file_name: str, sha256: str, table: str,
                     problems: pl.DataFrame) -> None:
    """Replace what an earlier import of the same file left here, so importing twice changes nothing."""
    run(cur, "delete from import_quarantine where file_sha256 = $sha and table_name = $t", {"sha": sha256, "t": table})
    if problems.height == 0:
        return
    frame = problems.with_columns(
        pl.lit(import_id).alias("import_id"), pl.lit(file_name).alias("file_name"),
        pl.lit(sha256).alias("file_sha256"), pl.lit(table).alias("table_name"))
    cur.register("incoming_problems", frame.to_arrow())
    try:
        run(cur,
            "insert into import_quarantine (import_id, file_name, file_sha256, table_name, source_row, record_id, "
            "column_name, value, reason, action, received_at, row_json) "
            "select import_id, file_name, file_sha256, table_name, source_row, record_id, column_name, value, "
            "reason, action, received_at, row_json from incoming_problems")
    finally:
        cur.unregister("incoming_problems")


def write_log(cur: duckdb.DuckDBPyConnection, entry: dict) -> None:
    run(cur,
        "insert into import_log (import_id, file_name, file_sha256, file_bytes, table_name, profile, encoding, origin, "
        "started_at, finished_at, status, message, rows_read, inserted, updated, unchanged, rejected, flagged) values "
        "($import_id, $file_name, $file_sha256, $file_bytes, $table_name, $profile, $encoding, $origin, $started_at, "
        "$finished_at, $status, $message, $rows_read, $inserted, $updated, $unchanged, $rejected, $flagged)", entry)


def holds_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    rows = run(cur, "select value from meta where key = 'source'")
    return bool(rows and rows[0][0] == "demo")


def clear_demo(cur: duckdb.DuckDBPyConnection) -> None:
    """Remove the demo district (its rows, and rows no import wrote) and its stated as-of time."""
    for table in schema.TABLES:
        run(cur, f"delete from {_q(table)} where source_file is null or source_file = $demo", {"demo": DEMO_SOURCE})
    run(cur, "delete from meta where key = any($keys)", {"keys": list(DEMO_META)})


def grid_register(cur: duckdb.DuckDBPyConnection) -> tuple[set[str], list[str], list[str]]:
    """Known grid ids, and the ids and GeoJSON boundaries of grids that have one."""
    rows = run(cur, "select grid_id, boundary from grids")
    ids = {r[0] for r in rows}
    with_boundary = [(r[0], r[1]) for r in rows if r[1]]
    return ids, [r[0] for r in with_boundary], [r[1] for r in with_boundary]


def get_meta(cur: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = run(cur, "select value from meta where key = $k", {"k": key})
    return rows[0][0] if rows else None


def set_meta(cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    run(cur, "insert or replace into meta values ($k, $v)", {"k": key, "v": value})
