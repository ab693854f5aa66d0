"""Per-street snapshots: a street user's queries run on a database holding only that street.

DuckDB has no users or grants, and SQL parsing is no security boundary, so scoping by filtered
views over the full tables would leave the other streets one clever query away. Instead a scoped
session reads its own database, migrated to the same schema and opened with the same locked
configuration, into which only the street's grids, cases and petitions were copied.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa

from gridgov import store

# What a snapshot copies, and how each table is cut down to the street. The table names are a
# fixed set; the street is a bound parameter.
_COPIES = {
    "grids": "select * from grids where street_name = $street",
    "cases": "select c.* from cases as c join grids as g on g.grid_id = c.grid_id where g.street_name = $street",
    "petitions": "select p.* from petitions as p join grids as g on g.grid_id = p.grid_id where g.street_name = $street",
    "meta": "select * from meta where $street is not null",
}


# Snapshots live in temporary files, not in memory: a street of a 10M-case district is 1.5M
# cases, and a buffer pool that can evict to disk keeps ten streets' sessions from holding
# gigabytes each. The files go when the process ends.
_SNAPSHOT_DIR = tempfile.mkdtemp(prefix="gridgov-scope-")
atexit.register(shutil.rmtree, _SNAPSHOT_DIR, True)
SNAPSHOT_MEMORY = "512MB"


def snapshot(source: duckdb.DuckDBPyConnection, street: str) -> duckdb.DuckDBPyConnection:
    """A locked database with the schema of `source` and only `street`'s rows."""
    path = Path(_SNAPSHOT_DIR) / (uuid.uuid4().hex + ".duckdb")
    target = store.connect(path, memory_limit=SNAPSHOT_MEMORY)
    cur = source.cursor()
    try:
        for table, sql in _COPIES.items():
            # in batches, so a large street never sits whole in memory on its way across
            for batch in cur.sql(sql, params={"street": street}).to_arrow_reader(batch_size=200_000):
                if batch.num_rows:
                    target.register("snapshot_rows", pa.Table.from_batches([batch]))
                    target.execute("insert into " + table + " select * from snapshot_rows")  # table from _COPIES
                    target.unregister("snapshot_rows")
    finally:
        cur.close()
    store.set_meta(target, "scope_street", street)
    return target
