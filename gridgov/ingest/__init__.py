"""Import real exports (cases, petitions, grids, boundaries) with nothing lost and nothing doubled.

read (readers) -> pick a profile (profiles) -> clean (clean, values, geo, keys) -> write (load),
one transaction per file: a structural problem refuses the whole file; a row-level problem
quarantines the row with its reason. The page and `python -m gridgov import` both call
`import_file`, so they always agree.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Callable

import duckdb
import polars as pl

from . import clean, geo, keys, load, profiles, readers, schema
from .problems import REASONS, IngestError, describe
from .profiles import Profile
from .readers import Upload

__all__ = ["TABLES", "FileResult", "IngestError", "Prepared", "Profile", "Upload", "describe", "import_file",
           "prepare", "read_export", "REASONS"]

TABLES = schema.TABLES
Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)
# Imports in one process write one at a time; readers on other cursors see the last commit.
_write_lock = threading.Lock()


@dataclass
class Prepared:
    """A file read, its profile chosen and its rows cleaned: everything but the write."""
    source: readers.Source
    profile: Profile
    table: str
    cleaned: clean.Cleaned
    detected: bool


@dataclass
class FileResult:
    file: str
    table: str
    status: str                        # "imported" or "rejected" (the whole file)
    message: str = ""
    message_zh: str = ""
    profile: str | None = None
    encoding: str | None = None
    encoding_note: str = ""
    sheet: str | None = None
    header_row: int | None = None
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    flagged: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    import_id: str = ""
    sha256: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _context(con: duckdb.DuckDBPyConnection, table: str) -> clean.Context:
    ctx = clean.Context(hash_key=_key_loader())
    if table in ("cases", "petitions"):
        cur = con.cursor()
        try:
            ids, with_boundary, boundaries = load.grid_register(cur)
        finally:
            cur.close()
        ctx.grid_ids = ids
        ctx.grid_index = geo.PolygonIndex(with_boundary, boundaries) if table == "cases" else None
    return ctx


def _key_loader() -> Callable[[], bytes]:
    cache: list[bytes] = []

    def get() -> bytes:
        if not cache:
            try:
                cache.append(keys.load_key())
            except keys.KeyFileError as e:
                raise IngestError(str(e), f"无法使用哈希密钥：{e}") from None
        return cache[0]
    return get


def read_export(table: str, files: list[Upload], encoding: str | None = None, sheet: str | None = None) -> readers.Source:
    """Read one export into text cells (the header row is found by the table's known column names)."""
    if table not in TABLES:
        raise IngestError(f"unknown table {table!r}; one of {', '.join(TABLES)}", f"未知的数据表 {table}")
    return readers.read(files, score=profiles.header_score(table), encoding=encoding, sheet=sheet)


def prepare(con: duckdb.DuckDBPyConnection, table: str, files: list[Upload], profile: str | Profile | None = None,
            encoding: str | None = None, sheet: str | None = None, limit: int | None = None,
            source: readers.Source | None = None) -> Prepared:
    """Read and clean one export without writing anything (the page's preview; step one of an import)."""
    if table not in TABLES:
        raise IngestError(f"unknown table {table!r}; one of {', '.join(TABLES)}", f"未知的数据表 {table}")
    chosen = profiles.get(profile, table) if isinstance(profile, str) else profile
    if chosen is not None and chosen.table != table:
        raise IngestError(f"profile {chosen.name} is for {chosen.table}, not {table}",
                          f"表头映射 {chosen.name} 用于 {chosen.table}，不能导入 {table}")
    source = source or read_export(table, files, encoding, sheet)
    detected = chosen is None
    if chosen is None:
        chosen = profiles.detect(table, source.headers, source.has_geometry)
    if limit is not None and source.frame.height > limit:
        last = int(source.frame[readers.ROW][limit - 1])
        source = replace(source, frame=source.frame.head(limit), ragged=[r for r in source.ragged if r[0] <= last])
    cleaned = clean.clean(source, chosen, table, _context(con, table))
    return Prepared(source, chosen, table, cleaned, detected)


def file_hash(files: list[Upload]) -> tuple[str, int]:
    ordered = sorted(files, key=lambda f: f.name)
    return hashlib.sha256(b"".join(f.data for f in ordered)).hexdigest(), sum(len(f.data) for f in files)


def import_file(con: duckdb.DuckDBPyConnection, table: str, files: list[Upload], profile: str | Profile | None = None,
                encoding: str | None = None, sheet: str | None = None, replace_demo: bool = False,
                origin: str = "cli", progress: Progress | None = None) -> FileResult:
    """Import one export (one file, or a shapefile's parts) all-or-nothing; never raises for a bad file."""
    report = progress or (lambda fraction, message: None)
    started, clock = datetime.now(), time.perf_counter()
    name = next((f.name for f in files if f.name.lower().endswith(".shp")), files[0].name if files else "")
    sha, size = file_hash(files)
    result = FileResult(file=name, table=table, status="rejected", import_id=uuid.uuid4().hex, sha256=sha)
    entry = {"import_id": result.import_id, "file_name": name, "file_sha256": sha, "file_bytes": size,
             "table_name": table, "profile": None, "encoding": None, "origin": origin, "started_at": started,
             "finished_at": None, "status": "rejected", "message": None, "rows_read": None, "inserted": None,
             "updated": None, "unchanged": None, "rejected": None, "flagged": None}
    try:
        report(0.05, "读取文件")
        prepared = prepare(con, table, files, profile, encoding, sheet)
        source, cleaned = prepared.source, prepared.cleaned
        result.profile, result.encoding, result.encoding_note = prepared.profile.name, source.encoding, source.encoding_note
        result.sheet, result.header_row = source.sheet, source.header_row
        entry.update(profile=prepared.profile.name, encoding=source.encoding)
        report(0.6, "写入数据库")
        with _write_lock:
            counts = _write(con, prepared, result, replace_demo, origin, started)
        result.inserted, result.updated, result.unchanged = counts
        result.status = "imported"
        result.rows_read, result.rejected, result.flagged = cleaned.rows_read, cleaned.rejected, cleaned.flagged
        result.reasons = {r: int(n) for r, n in cleaned.problems.group_by("reason").agg(
            pl.col("source_row").n_unique()).sort("reason").iter_rows()}
    except IngestError as e:
        result.message, result.message_zh = e.en, e.zh
        entry.update(message=e.en, finished_at=datetime.now())
        _log_refusal(con, entry)
    except Exception as e:  # a reader or cleaner bug must still end in a refusal, never a half import
        log.exception("import of %s failed", name)
        text = f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
        result.message = f"{name}: internal error while importing ({text}); nothing was stored"
        result.message_zh = f"{name}：导入时发生内部错误（{text}），本文件未导入任何数据"
        entry.update(message=result.message, finished_at=datetime.now())
        _log_refusal(con, entry)
    result.seconds = round(time.perf_counter() - clock, 3)
    report(1.0, "完成")
    return result


def _write(con: duckdb.DuckDBPyConnection, prepared: Prepared, result: FileResult, replace_demo: bool,
           origin: str, started: datetime) -> tuple[int, int, int]:
    cleaned, table = prepared.cleaned, prepared.table
    cur = con.cursor()
    try:
        load.run(cur, "begin")
        try:
            if cleaned.hashed:
                _check_key(cur)
            if replace_demo and load.holds_demo(cur):
                load.clear_demo(cur)
            now = datetime.now()
            counts = load.upsert(cur, table, cleaned, result.file, now)
            load.write_quarantine(cur, result.import_id, result.file, result.sha256, table, cleaned.problems)
            load.write_log(cur, {
                "import_id": result.import_id, "file_name": result.file, "file_sha256": result.sha256,
                "file_bytes": prepared.source.size, "table_name": table, "profile": prepared.profile.name,
                "encoding": prepared.source.encoding, "origin": origin,
                "started_at": started, "finished_at": datetime.now(), "status": "imported", "message": None,
                "rows_read": cleaned.rows_read, "inserted": counts[0], "updated": counts[1], "unchanged": counts[2],
                "rejected": cleaned.rejected, "flagged": cleaned.flagged})
            load.run(cur, "commit")
        except duckdb.Error as e:
            load.run(cur, "rollback")
            raise IngestError(f"{result.file}: the database refused the rows ({str(e).splitlines()[0][:200]}); nothing was stored",
                              f"{result.file}：数据库拒绝写入（{str(e).splitlines()[0][:200]}），本文件未导入任何数据") from None
        except BaseException:
            load.run(cur, "rollback")
            raise
    finally:
        cur.close()
    return counts


def _check_key(cur: duckdb.DuckDBPyConnection) -> None:
    """The same person must hash alike in every import: refuse a key that differs from the first one used."""
    mine = keys.fingerprint(_key_loader()())
    recorded = load.get_meta(cur, "hash_key_fingerprint")
    if recorded is None:
        load.set_meta(cur, "hash_key_fingerprint", mine)
    elif recorded != mine:
        raise IngestError(
            f"the hashing key ({keys.key_path()}) is not the one earlier imports used (fingerprint {recorded}); "
            "restore that key file, or the same callers would get different keys",
            f"哈希密钥（{keys.key_path()}）与此前导入所用的不同（指纹 {recorded}）；请恢复原密钥文件，否则同一来电人会得到不同的标识")


def _log_refusal(con: duckdb.DuckDBPyConnection, entry: dict) -> None:
    cur = con.cursor()
    try:
        load.write_log(cur, entry)
    except duckdb.Error:
        pass  # a read-only or broken database: the caller still gets the refusal
    finally:
        cur.close()
