"""The DuckDB file: canonical schema, migrations and the one locked database instance."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import polars as pl

DEFAULT_DB = "data/gridgov.duckdb"

# Settings of the one instance the app and the analysts' SQL share. External access is off so
# SQL can read no file or URL; extensions never install (no internet); Python objects are
# invisible to SQL; and the configuration is locked so no statement can loosen it.
LOCKED_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "python_enable_replacements": False,
    "lock_configuration": True,
}

LINEAGE = """
    source_file VARCHAR,
    source_row BIGINT,
    imported_at TIMESTAMP"""

# Each migration moves the schema one version up; never edit one that has shipped.
MIGRATIONS: list[str] = [
    # 1: the canonical tables of SCHEMA.md
    f"""
    CREATE TABLE grids (
        grid_id VARCHAR PRIMARY KEY,
        grid_name VARCHAR,
        community_name VARCHAR,
        street_name VARCHAR,
        grid_type VARCHAR,
        households INTEGER,
        population INTEGER,
        full_time_staff INTEGER,
        part_time_staff INTEGER,
        volunteers INTEGER,
        has_party_branch BOOLEAN,
        leader_is_party_member BOOLEAN,
        centroid_lon DOUBLE,
        centroid_lat DOUBLE,
        boundary VARCHAR,{LINEAGE}
    );
    CREATE TABLE cases (
        case_id VARCHAR PRIMARY KEY,
        received_at TIMESTAMP NOT NULL,
        channel VARCHAR,
        category VARCHAR,
        subcategory VARCHAR,
        description VARCHAR,
        address VARCHAR,
        lon DOUBLE,
        lat DOUBLE,
        grid_id VARCHAR,
        handling_unit VARCHAR,
        handling_level VARCHAR,
        dispatched_at TIMESTAMP,
        responded_at TIMESTAMP,
        deadline_at TIMESTAMP,
        closed_at TIMESTAMP,
        status VARCHAR,
        contacted BOOLEAN,
        resolved BOOLEAN,
        satisfaction VARCHAR,
        is_repeat BOOLEAN,
        excluded BOOLEAN,
        caller_key VARCHAR,{LINEAGE}
    );
    CREATE TABLE petitions (
        petition_id VARCHAR PRIMARY KEY,
        received_at TIMESTAMP NOT NULL,
        accepted_at TIMESTAMP,
        deadline_at TIMESTAMP,
        closed_at TIMESTAMP,
        form VARCHAR,
        category VARCHAR,
        grid_id VARCHAR,
        persons INTEGER,
        is_repeat BOOLEAN,
        is_skip_level BOOLEAN,
        is_collective BOOLEAN,
        status VARCHAR,
        satisfaction VARCHAR,
        petitioner_key VARCHAR,{LINEAGE}
    );
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

TABLE_KEYS = {"grids": "grid_id", "cases": "case_id", "petitions": "petition_id"}


def db_path() -> Path:
    return Path(os.environ.get("GRIDGOV_DB", DEFAULT_DB))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema to SCHEMA_VERSION; returns the version found before."""
    con.execute(
        "create table if not exists schema_version (version INTEGER, applied_at TIMESTAMP)"
    )
    found = schema_version(con)
    if found > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {found} is newer than this gridgov ({SCHEMA_VERSION})"
        )
    for version in range(found + 1, SCHEMA_VERSION + 1):
        con.execute("begin")
        con.execute(MIGRATIONS[version - 1])
        con.execute(
            "insert into schema_version values ($v, current_localtimestamp())", {"v": version}
        )
        con.execute("commit")
    return found


def connect(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating) the database with the locked configuration."""
    path = Path(path) if path is not None else db_path()
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config=dict(LOCKED_CONFIG))
    migrate(con)
    return con


_instance_lock = threading.Lock()
_instances: dict[str, duckdb.DuckDBPyConnection] = {}


def instance(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide database instance for a file; callers take a .cursor() per query."""
    key = str(Path(path) if path is not None else db_path())
    with _instance_lock:
        con = _instances.get(key)
        if con is None:
            con = _instances[key] = connect(key)
        return con


def close_instance(path: str | Path | None = None) -> None:
    key = str(Path(path) if path is not None else db_path())
    with _instance_lock:
        con = _instances.pop(key, None)
        if con is not None:
            con.close()


def table_is_empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    if table not in TABLE_KEYS:
        raise ValueError(f"unknown table {table!r}")
    return con.cursor().execute("select count(*) from " + table).fetchone()[0] == 0  # table from a fixed set


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append a frame whose columns are a subset of the table's; returns rows inserted."""
    if table not in TABLE_KEYS:
        raise ValueError(f"unknown table {table!r}")
    cur = con.cursor()
    columns = [r[0] for r in cur.execute(
        "select column_name from information_schema.columns where table_name = $t order by ordinal_position",
        {"t": table},
    ).fetchall()]
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        raise ValueError(f"{table}: unknown columns {unknown}")
    cur.register("incoming_frame", frame.to_arrow())
    try:
        # Identifiers come from the table's own catalogue, never from user text.
        names = ", ".join('"' + c + '"' for c in frame.columns)
        cur.execute("insert into " + table + " (" + names + ") select " + names + " from incoming_frame")
    finally:
        cur.unregister("incoming_frame")
    return frame.height


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.cursor().execute(
        "insert or replace into meta values ($k, $v)", {"k": key, "v": value}
    )


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.cursor().execute("select value from meta where key = $k", {"k": key}).fetchone()
    return row[0] if row else None
