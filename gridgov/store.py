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
    # 2: the analysts' views (one row per case / petition with its place, its time buckets and
    # its additive counts, the one definition of those counts), the measure definitions (filled
    # from gridgov.measures on open) and the workbench's saved queries.
    """
    CREATE VIEW case_facts AS
    SELECT
        c.case_id,
        c.received_at,
        CAST(c.received_at AS DATE) AS received_on,
        CAST(date_trunc('week', c.received_at) AS DATE) AS week_start,
        strftime(c.received_at, '%G-W%V') AS week,
        strftime(c.received_at, '%Y-%m') AS month,
        c.channel, c.category, c.subcategory, c.handling_unit, c.handling_level,
        c.status, c.satisfaction, c.contacted, c.resolved, c.is_repeat,
        c.deadline_at, c.closed_at,
        c.grid_id, g.grid_name, g.community_name, g.street_name,
        coalesce(c.excluded, false) AS excluded,
        NOT coalesce(c.excluded, false) AS in_assessment,
        1 AS received,
        CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END AS closed,
        CASE WHEN c.status = 'closed' AND c.deadline_at IS NOT NULL THEN 1 ELSE 0 END AS closed_with_deadline,
        CASE WHEN c.status = 'closed' AND c.closed_at <= c.deadline_at THEN 1 ELSE 0 END AS closed_on_time,
        CASE WHEN c.satisfaction IS NOT NULL THEN 1 ELSE 0 END AS rated,
        CASE WHEN c.satisfaction IS NOT NULL AND c.contacted THEN 1 ELSE 0 END AS rated_contacted,
        CASE WHEN c.satisfaction IS NOT NULL AND c.resolved THEN 1 ELSE 0 END AS rated_resolved,
        CASE WHEN c.satisfaction = 'satisfied' THEN 1 ELSE 0 END AS satisfied,
        CASE WHEN c.satisfaction = 'basically_satisfied' THEN 1 ELSE 0 END AS basically_satisfied,
        CASE WHEN c.satisfaction = 'dissatisfied' THEN 1 ELSE 0 END AS dissatisfied,
        CASE WHEN c.is_repeat THEN 1 ELSE 0 END AS repeats
    FROM cases AS c
    LEFT JOIN grids AS g ON g.grid_id = c.grid_id;

    CREATE VIEW petition_facts AS
    SELECT
        p.petition_id,
        p.received_at,
        CAST(p.received_at AS DATE) AS received_on,
        CAST(date_trunc('week', p.received_at) AS DATE) AS week_start,
        strftime(p.received_at, '%G-W%V') AS week,
        strftime(p.received_at, '%Y-%m') AS month,
        p.form, p.category, p.status, p.satisfaction, p.persons,
        p.grid_id, g.grid_name, g.community_name, g.street_name,
        1 AS petitions,
        CASE WHEN p.is_repeat THEN 1 ELSE 0 END AS repeat_petitions,
        CASE WHEN p.is_skip_level THEN 1 ELSE 0 END AS skip_level_petitions,
        CASE WHEN p.is_collective THEN 1 ELSE 0 END AS collective_petitions
    FROM petitions AS p
    LEFT JOIN grids AS g ON g.grid_id = p.grid_id;

    CREATE TABLE measure_definitions (
        position INTEGER,
        name VARCHAR PRIMARY KEY,
        kind VARCHAR,
        label_zh VARCHAR,
        label_en VARCHAR,
        definition_zh VARCHAR,
        definition_en VARCHAR,
        denominator VARCHAR,
        higher_is_better BOOLEAN
    );

    CREATE TABLE saved_queries (
        query_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        description VARCHAR,
        sql VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    );
    """,
    # 3: the case light (三色督办) of SCHEMA.md as of a moment, defined once for every query and
    # for analysts: the reason ('overdue', 'repeat_open', 'dissatisfied' = red; 'in_time' =
    # yellow; 'closed' = green; 'cancelled' = no light) and the light it gives. A case counts as
    # closed at `as_of` when its status is closed and it closed by then (an unknown close time
    # counts as closed); its rating is taken as known once it closed (no rating time is stored).
    """
    CREATE MACRO case_light_reason(status, closed_at, deadline_at, is_repeat, satisfaction, as_of) AS
        CASE
            WHEN status = 'cancelled' THEN 'cancelled'
            WHEN status = 'closed' AND coalesce(closed_at <= as_of, true) THEN
                CASE WHEN satisfaction = 'dissatisfied' THEN 'dissatisfied' ELSE 'closed' END
            WHEN deadline_at < as_of THEN 'overdue'
            WHEN coalesce(is_repeat, false) THEN 'repeat_open'
            ELSE 'in_time'
        END;
    CREATE MACRO case_light(status, closed_at, deadline_at, is_repeat, satisfaction, as_of) AS
        CASE case_light_reason(status, closed_at, deadline_at, is_repeat, satisfaction, as_of)
            WHEN 'cancelled' THEN NULL
            WHEN 'closed' THEN 'green'
            WHEN 'in_time' THEN 'yellow'
            ELSE 'red'
        END;
    """,
    # 4: import (issue 3): street/community/district boundaries; one row per file imported
    # (or refused) with its hash, profile and counts; and the row-level quarantine — a rejected
    # row is kept here with its reason (never silently dropped), a flagged row is stored and
    # listed here for review.
    f"""
    CREATE TABLE boundaries (
        boundary_id VARCHAR PRIMARY KEY,
        level VARCHAR,
        name VARCHAR,
        parent_name VARCHAR,
        centroid_lon DOUBLE,
        centroid_lat DOUBLE,
        boundary VARCHAR,{LINEAGE}
    );
    CREATE TABLE import_log (
        import_id VARCHAR PRIMARY KEY,
        file_name VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        file_bytes BIGINT,
        table_name VARCHAR NOT NULL,
        profile VARCHAR,
        encoding VARCHAR,
        origin VARCHAR,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        status VARCHAR NOT NULL,
        message VARCHAR,
        rows_read BIGINT,
        inserted BIGINT,
        updated BIGINT,
        unchanged BIGINT,
        rejected BIGINT,
        flagged BIGINT
    );
    CREATE TABLE import_quarantine (
        import_id VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        table_name VARCHAR NOT NULL,
        source_row BIGINT,
        record_id VARCHAR,
        column_name VARCHAR,
        value VARCHAR,
        reason VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        received_at TIMESTAMP,
        row_json VARCHAR
    );
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


def connect(path: str | Path | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating) the database with the locked configuration."""
    path = Path(path) if path is not None else db_path()
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    config = dict(LOCKED_CONFIG)
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(str(path), config=config)
    migrate(con)
    sync_measure_definitions(con)
    return con


def sync_measure_definitions(con: duckdb.DuckDBPyConnection) -> None:
    """Mirror gridgov.measures (the one definition) into the measure_definitions table."""
    from gridgov.measures import MEASURES

    wanted = [
        (i, m.name, m.kind, m.zh, m.en, m.definition_zh, m.definition_en, m.denominator, m.higher_is_better)
        for i, m in enumerate(MEASURES.values(), start=1)
    ]
    cur = con.cursor()
    try:
        found = cur.execute("select * from measure_definitions order by position").fetchall()
        if found == wanted:
            return
        cur.execute("begin")
        cur.execute("delete from measure_definitions")
        cur.executemany("insert into measure_definitions values (?, ?, ?, ?, ?, ?, ?, ?, ?)", wanted)
        cur.execute("commit")
    finally:
        cur.close()


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
