"""Per-street snapshots: a street user's queries run on a database holding only that street.

DuckDB has no users or grants, and SQL parsing is no security boundary, so scoping by filtered
views over the full tables would leave the other streets one clever query away. Instead a scoped
session reads an in-memory database, migrated to the same schema and opened with the same locked
configuration, into which only the street's grids, cases and petitions were copied.
"""
from __future__ import annotations

import duckdb

from gridgov import store

# What a snapshot copies, and how each table is cut down to the street. The table names are a
# fixed set; the street is a bound parameter.
_COPIES = {
    "grids": "select * from grids where street_name = $street",
    "cases": "select c.* from cases as c join grids as g on g.grid_id = c.grid_id where g.street_name = $street",
    "petitions": "select p.* from petitions as p join grids as g on g.grid_id = p.grid_id where g.street_name = $street",
    "meta": "select * from meta where $street is not null",
}


def snapshot(source: duckdb.DuckDBPyConnection, street: str) -> duckdb.DuckDBPyConnection:
    """A locked in-memory database with the schema of `source` and only `street`'s rows."""
    target = store.connect(":memory:")
    cur = source.cursor()
    try:
        for table, sql in _COPIES.items():
            arrow = cur.sql(sql, params={"street": street}).to_arrow_table()
            if arrow.num_rows:
                target.register("snapshot_rows", arrow)
                target.execute("insert into " + table + " select * from snapshot_rows")  # table from _COPIES
                target.unregister("snapshot_rows")
    finally:
        cur.close()
    store.set_meta(target, "scope_street", street)
    return target
