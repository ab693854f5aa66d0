"""Workbench queries saved with a name and a description, shared by their id (`?q=<id>`)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import duckdb

import queries

MAX_NAME = 100
MAX_DESCRIPTION = 2_000
MAX_SQL = 100_000


@dataclass(frozen=True)
class SavedQuery:
    query_id: str
    name: str
    description: str
    sql: str


def all_saved(con: duckdb.DuckDBPyConnection) -> list[SavedQuery]:
    """Every saved query, most recently updated first (read fresh: saves must show at once)."""
    frame = queries.fetch(con, "saved_query_list")
    return [SavedQuery(r["query_id"], r["name"], r["description"] or "", r["sql"])
            for r in frame.iter_rows(named=True)]


def save(con: duckdb.DuckDBPyConnection, name: str, description: str, sql: str) -> str:
    """Save under `name` (replacing the SQL and description of a query of that name); returns its id."""
    name, description = name.strip()[:MAX_NAME], description.strip()[:MAX_DESCRIPTION]
    if not name:
        raise ValueError("a saved query needs a name")
    if len(sql) > MAX_SQL:
        raise ValueError("the query is too long to save")
    now = datetime.now().replace(microsecond=0)
    cur = con.cursor()
    try:
        cur.execute("begin")
        row = cur.execute("select query_id from saved_queries where name = $name", {"name": name}).fetchone()
        if row:
            query_id = row[0]
            cur.execute("update saved_queries set description = $description, sql = $sql, updated_at = $now "
                        "where query_id = $query_id",
                        {"description": description, "sql": sql, "now": now, "query_id": query_id})
        else:
            query_id = secrets.token_hex(4)
            cur.execute("insert into saved_queries values ($query_id, $name, $description, $sql, $now, $now)",
                        {"query_id": query_id, "name": name, "description": description, "sql": sql, "now": now})
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise
    finally:
        cur.close()
    return query_id


def delete(con: duckdb.DuckDBPyConnection, query_id: str) -> None:
    cur = con.cursor()
    try:
        cur.execute("delete from saved_queries where query_id = $query_id", {"query_id": query_id})
    finally:
        cur.close()
