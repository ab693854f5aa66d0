"""Analysts' SQL: one read-only statement, a time limit, a row cap, always rolled back.

The real guarantees are the database instance's (store.LOCKED_CONFIG: no file or network access,
no extension loading, no replacement scans, configuration locked). On top of them this module
classifies the statement with DuckDB's own parser, refuses writes hidden in WITH clauses and a few
functions that reveal the environment, runs the query on its own cursor inside a transaction that
is always rolled back, interrupts it after a time limit, and fetches bounded Arrow batches.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

TIMEOUT_S = 10.0
MAX_ROWS = 10_000            # what the page shows
DOWNLOAD_MAX_ROWS = 1_000_000  # what a download or the command line may fetch
DOWNLOAD_TIMEOUT_S = 30.0
BATCH_ROWS = 2_048

# Query-tree nodes a read may contain; anything else (DELETE_QUERY_NODE in a WITH clause, …) is a write.
READ_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"})

# Functions that would tell a query about the server rather than the data, or run SQL text the
# classifier never saw. File readers (read_csv, read_text, glob, …) are left to the instance's
# configuration, which refuses them for every caller.
DENIED_FUNCTIONS = frozenset({
    "getenv", "current_setting", "duckdb_settings", "duckdb_secrets", "which_secret",
    "duckdb_extensions", "duckdb_databases", "duckdb_temporary_files", "duckdb_memory",
    "duckdb_logs", "query", "query_table",
})

# Why each non-SELECT statement kind is refused: (中文, English).
_REFUSED = {
    "INSERT": ("不能写入数据（INSERT）", "writes are not allowed (INSERT)"),
    "UPDATE": ("不能修改数据（UPDATE）", "writes are not allowed (UPDATE)"),
    "DELETE": ("不能删除数据（DELETE）", "writes are not allowed (DELETE)"),
    "MERGE_INTO": ("不能写入数据（MERGE）", "writes are not allowed (MERGE)"),
    "CREATE": ("不能建表、建视图或建宏（DDL）", "DDL is not allowed (CREATE)"),
    "CREATE_FUNC": ("不能建函数（DDL）", "DDL is not allowed (CREATE FUNCTION)"),
    "DROP": ("不能删除对象（DROP）", "DDL is not allowed (DROP)"),
    "ALTER": ("不能修改表结构（ALTER）", "DDL is not allowed (ALTER)"),
    "ATTACH": ("不能挂载其他数据库（ATTACH）", "ATTACH is not allowed"),
    "DETACH": ("不能卸载数据库（DETACH）", "DETACH is not allowed"),
    "COPY": ("不能读写文件（COPY）", "COPY is not allowed (no file access)"),
    "COPY_DATABASE": ("不能复制数据库（COPY）", "COPY is not allowed (no file access)"),
    "EXPORT": ("不能导出数据库（EXPORT）", "EXPORT is not allowed (no file access)"),
    "PRAGMA": ("不能执行 PRAGMA 或 IMPORT", "PRAGMA and IMPORT are not allowed"),
    "LOAD": ("不能安装或加载扩展（INSTALL/LOAD）", "INSTALL and LOAD are not allowed"),
    "EXTENSION": ("不能执行扩展语句", "extension statements are not allowed"),
    "SET": ("不能修改设置（SET/RESET/USE）", "SET, RESET and USE are not allowed"),
    "VARIABLE_SET": ("不能设置变量（SET VARIABLE）", "SET VARIABLE is not allowed"),
    "TRANSACTION": ("不能控制事务（BEGIN/COMMIT/ROLLBACK）", "transaction statements are not allowed"),
    "CALL": ("不能执行 CALL 或 CHECKPOINT", "CALL and CHECKPOINT are not allowed"),
    "EXPLAIN": ("不支持 EXPLAIN，只能运行 SELECT", "EXPLAIN is not available; run a SELECT"),
    "PREPARE": ("不能预编译语句（PREPARE）", "PREPARE is not allowed"),
    "EXECUTE": ("不能执行预编译语句（EXECUTE）", "EXECUTE is not allowed"),
    "VACUUM": ("不能执行 VACUUM", "VACUUM is not allowed"),
    "ANALYZE": ("不能执行 ANALYZE", "ANALYZE is not allowed"),
    "MULTI": ("PIVOT 请写明 IN (…) 取值列表，或使用“透视表”", "PIVOT needs an explicit IN (…) list here, or use the Pivot tab"),
}


class SandboxError(Exception):
    """A query the sandbox refused or that failed; carries a message in both languages."""

    def __init__(self, zh: str, en: str, detail: str | None = None):
        super().__init__(en)
        self.zh, self.en, self.detail = zh, en, detail

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Result:
    frame: pl.DataFrame
    row_count: int       # rows in frame
    truncated: bool      # the query had more rows than the cap
    seconds: float
    columns: list[tuple[str, str]]  # (name, DuckDB type) of each column


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def classify(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Return the one read statement in `sql`, or raise SandboxError saying why it is refused."""
    cur = con.cursor()
    try:
        try:
            statements = cur.extract_statements(sql)
        except duckdb.Error as e:
            raise SandboxError("SQL 语法错误：" + _first_line(e), "Syntax error: " + _first_line(e), str(e)) from None
        if not statements:
            raise SandboxError("请输入一条查询", "Enter a query")
        if len(statements) > 1:
            raise SandboxError(f"一次只能运行一条语句（收到 {len(statements)} 条）",
                               f"Run one statement at a time (got {len(statements)})")
        try:
            kind = statements[0].type.name
        except ValueError:  # a statement kind this duckdb's Python API cannot name (UPDATE EXTENSIONS)
            kind = "UNKNOWN"
        if kind != "SELECT":
            zh, en = _REFUSED.get(kind, ("只能运行只读的 SELECT 查询", "Only read-only SELECT queries can run"))
            raise SandboxError(zh, en)
        try:
            tree = json.loads(cur.execute("select json_serialize_sql($sql)", {"sql": sql}).fetchone()[0])
        except duckdb.Error as e:  # never run what could not be analysed
            raise SandboxError("无法分析此查询：" + _first_line(e), "Cannot analyse this query: " + _first_line(e)) from None
    finally:
        cur.close()
    if tree.get("error"):
        message = tree.get("error_message", "")
        raise SandboxError("无法分析此查询：" + message, "Cannot analyse this query: " + message)
    for node in _walk(tree):
        kind = node.get("type")
        if isinstance(kind, str) and kind.endswith("_NODE") and kind not in READ_NODES:
            raise SandboxError("WITH 子句或子查询中不能写入数据（" + kind.removesuffix("_QUERY_NODE") + "）",
                               "Writes are not allowed, not even inside a WITH clause ("
                               + kind.removesuffix("_QUERY_NODE") + ")")
        name = node.get("function_name")
        if isinstance(name, str) and name.lower() in DENIED_FUNCTIONS:
            raise SandboxError(f"自助分析中不能使用函数 {name}", f"The function {name} is not available here")
    return sql


def _interval_text(value: Any) -> str | None:
    if value is None:
        return None
    months, days, nanos = value
    parts = [f"{months} months" if months else "", f"{days} days" if days else "",
             f"{nanos / 1e9:g} s" if nanos or not (months or days) else ""]
    return " ".join(p for p in parts if p)


def _displayable(table: pa.Table) -> pa.Table:
    """Unique column names, and text for the Arrow types polars cannot hold (intervals, unions)."""
    seen: dict[str, int] = {}
    names, columns = [], []
    for name, column in zip(table.column_names, table.columns):
        n = seen.get(name, 0)
        seen[name] = n + 1
        names.append(name if n == 0 else f"{name}_{n + 1}")
        if pa.types.is_interval(column.type):
            column = pa.array([_interval_text(v) for v in column.to_pylist()], pa.string())
        elif pa.types.is_union(column.type):
            column = pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=names)


def _fetch(cur: duckdb.DuckDBPyConnection, sql: str, max_rows: int) -> tuple[pa.Table, bool, list[tuple[str, str]]]:
    """Stream at most max_rows + 1 rows in bounded batches (never fetchall)."""
    relation = cur.sql(sql)
    columns = [(name, str(kind)) for name, kind in zip(relation.columns, relation.types)]
    reader = relation.to_arrow_reader(min(BATCH_ROWS, max_rows + 1))
    try:
        batches, rows = [], 0
        while rows <= max_rows:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            batches.append(batch)
            rows += batch.num_rows
        table = pa.Table.from_batches(batches, schema=reader.schema)
    finally:
        reader.close()  # DuckDB refuses the rollback while a result is open
        del reader, relation
    truncated = table.num_rows > max_rows
    return table.slice(0, max_rows), truncated, columns


def run(con: duckdb.DuckDBPyConnection, sql: str, *, timeout_s: float = TIMEOUT_S,
        max_rows: int = MAX_ROWS) -> Result:
    """Run one read-only query on its own cursor of `con`, within the time limit and the row cap."""
    classify(con, sql)
    started = time.perf_counter()
    cur = con.cursor()
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        cur.interrupt()

    timer = threading.Timer(timeout_s, stop)
    timer.daemon = True
    try:
        cur.begin()
        timer.start()
        try:
            table, truncated, columns = _fetch(cur, sql, max_rows)
        except duckdb.InterruptException:
            if fired.is_set():
                raise SandboxError(f"查询超过 {timeout_s:g} 秒，已停止", f"Query stopped after {timeout_s:g} s") from None
            raise SandboxError("查询被中断", "Query interrupted") from None
        except duckdb.PermissionException as e:
            raise SandboxError("不允许从 SQL 访问文件或网络：" + _first_line(e),
                               "SQL has no file or network access: " + _first_line(e), str(e)) from None
        except duckdb.Error as e:
            raise SandboxError("查询出错：" + _first_line(e), "Query failed: " + _first_line(e), str(e)) from None
        finally:
            timer.cancel()
            try:
                cur.rollback()  # whatever the statement did, nothing stays
            except duckdb.Error:
                pass
    finally:
        cur.close()
    try:
        frame = pl.from_arrow(_displayable(table))
    except Exception as e:  # an Arrow type polars cannot hold
        raise SandboxError("结果中有无法显示的列类型：" + _first_line(e),
                           "The result has a column type that cannot be shown: " + _first_line(e)) from None
    assert isinstance(frame, pl.DataFrame)
    return Result(frame, frame.height, truncated, time.perf_counter() - started, columns)


def download(con: duckdb.DuckDBPyConnection, sql: str, max_rows: int = DOWNLOAD_MAX_ROWS) -> Result:
    """The same query for a download or a script: a larger row cap and time limit."""
    return run(con, sql, timeout_s=DOWNLOAD_TIMEOUT_S, max_rows=min(max_rows, DOWNLOAD_MAX_ROWS))
