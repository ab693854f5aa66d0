"""Named SQL queries: one .sql file each, DuckDB dialect with $named parameters.

The loader refuses a call whose parameters differ from those the file uses, and converts every
result to a polars frame in one place (DuckDB's Python result API changed across versions).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

QUERY_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRIP = re.compile(r"--[^\n]*|'(?:[^']|'')*'", re.S)  # comments and string literals hold no parameters


class QueryError(ValueError):
    """A query was called with the wrong name or parameters."""


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: frozenset[str]

    def bind(self, params: dict[str, Any]) -> dict[str, Any]:
        given = set(params)
        missing, extra = self.params - given, given - self.params
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(sorted(missing)))
            if extra:
                parts.append("unexpected " + ", ".join(sorted(extra)))
            raise QueryError(f"query {self.name}: " + "; ".join(parts))
        return dict(params)


def names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


@lru_cache(maxsize=256)
def _read(path: str, mtime: float) -> Query:
    sql = Path(path).read_text(encoding="utf-8")
    params = frozenset(_PARAM.findall(_STRIP.sub(" ", sql)))
    return Query(Path(path).stem, sql, params)


def load(name: str) -> Query:
    path = QUERY_DIR / (name + ".sql")
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.exists():
        raise QueryError(f"no query named {name!r}")
    return _read(str(path), path.stat().st_mtime)


def to_frame(relation: duckdb.DuckDBPyRelation | None) -> pl.DataFrame:
    """The one place a DuckDB result becomes a polars frame."""
    if relation is None:
        return pl.DataFrame()
    return pl.from_arrow(relation.to_arrow_table())


def fetch(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run a named query on its own cursor and return its result as a polars frame."""
    query = load(name)
    bound = query.bind(params)
    cur = con.cursor()
    try:
        return to_frame(cur.sql(query.sql, params=bound or None))
    finally:
        cur.close()
