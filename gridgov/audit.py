"""The audit log: who did what, when, to how many rows (logins, imports, exports, briefings, queries).

It lives in its own DuckDB file beside the data (GRIDGOV_AUDIT_DB, default audit.duckdb next to
GRIDGOV_DB), so no analyst's SQL, which runs on the data's instance, can read or touch it.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from gridgov import store

ACTIONS = ("login", "login_failed", "logout", "import", "export", "briefing", "query", "users")

_SCHEMA = """
create table if not exists audit_log (
    logged_at TIMESTAMP NOT NULL,
    user_name VARCHAR,
    role VARCHAR,
    action VARCHAR NOT NULL,
    detail VARCHAR,
    rows BIGINT
)
"""
_lock = threading.Lock()
_instances: dict[str, duckdb.DuckDBPyConnection] = {}


def audit_path() -> Path:
    explicit = os.environ.get("GRIDGOV_AUDIT_DB")
    return Path(explicit) if explicit else store.db_path().with_name("audit.duckdb")


def connection(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    key = str(path or audit_path())
    with _lock:
        con = _instances.get(key)
        if con is None:
            Path(key).parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(key, config=dict(store.LOCKED_CONFIG))
            con.execute(_SCHEMA)
            _instances[key] = con
        return con


def close(path: Path | None = None) -> None:
    with _lock:
        con = _instances.pop(str(path or audit_path()), None)
        if con is not None:
            con.close()


def record(user: str | None, role: str | None, action: str, detail: str | dict | None = None,
           rows: int | None = None, path: Path | None = None) -> None:
    """Append one audit row."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, default=str)
    cur = connection(path).cursor()
    try:
        cur.execute(
            "insert into audit_log values ($at, $user, $role, $action, $detail, $rows)",
            {"at": datetime.now().replace(microsecond=0), "user": user, "role": role, "action": action,
             "detail": detail, "rows": rows},
        )
    finally:
        cur.close()


def entries(since: datetime, until: datetime, actions: list[str], user: str | None = None,
            limit: int = 10_000, path: Path | None = None) -> pl.DataFrame:
    """Audit rows in [since, until), newest first, optionally for some actions or one user."""
    cur = connection(path).cursor()
    try:
        rel = cur.sql(
            "select * from audit_log where logged_at >= $since and logged_at < $until"
            " and (len($actions) = 0 or action = any($actions))"
            " and ($user is null or user_name = $user)"
            " order by logged_at desc limit $limit",
            params={"since": since, "until": until, "actions": actions, "user": user, "limit": limit},
        )
        return pl.from_arrow(rel.to_arrow_table())
    finally:
        cur.close()
