"""`python -m gridgov import TABLE FILE... [--profile P] [--json]` (CLI.md)."""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import duckdb

from gridgov import store
from gridgov.ingest import TABLES, FileResult, Upload, describe, import_file, load, readers

EXIT_FILE_REFUSED = 1


def add_parser(sub) -> None:
    i = sub.add_parser("import", help="import exports into cases, petitions, grids or boundaries")
    i.add_argument("table", choices=TABLES)
    i.add_argument("files", nargs="+", metavar="FILE",
                   help="CSV/XLSX/XLS/JSON/GeoJSON files, or a shapefile's .shp (its .shx/.dbf/.prj beside it) or .zip")
    i.add_argument("--profile", help="header profile name (default: detected from the headers)")
    i.add_argument("--encoding", choices=readers.ENCODINGS, help="force a CSV encoding (default: detected)")
    i.add_argument("--sheet", help="workbook sheet (default: the first one with data)")
    demo = i.add_mutually_exclusive_group()
    demo.add_argument("--replace-demo", action="store_true", help="remove the demo district in the same transaction")
    demo.add_argument("--keep-demo", action="store_true", help="import alongside the demo district")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=run)


def _exports(paths: list[str]) -> list[list[Upload]]:
    from gridgov.cli import UserError

    groups = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise UserError(f"no such file: {name}")
        parts = [path]
        if path.suffix.lower() == ".shp":
            parts += [p for p in sorted(path.parent.glob(path.stem + ".*"))
                      if p != path and p.suffix.lower() in readers.SHAPE_PARTS]
        try:
            groups.append([Upload(p.name, p.read_bytes()) for p in parts])
        except OSError as e:
            raise UserError(f"cannot read {name}: {e.strerror}") from None
    return groups


def _open() -> duckdb.DuckDBPyConnection:
    from gridgov.cli import UserError

    path = store.db_path()
    try:
        return store.connect(path)
    except duckdb.IOException as e:
        text = str(e)
        pid = re.search(r"PID (\d+)", text)
        holder = f" (PID {pid.group(1)})" if pid else ""
        if "lock" in text.lower():
            raise UserError(
                f"{path} is open in another gridgov process{holder}, probably the running dashboard: "
                "DuckDB lets one process write a file; import on the dashboard's 数据导入 page, "
                "or stop the dashboard and run this again") from None
        raise UserError(f"cannot open {path}: {text.splitlines()[0]}") from None


def _line(r: FileResult) -> str:
    if r.status != "imported":
        return f"{r.file}: REFUSED — {r.message}"
    where = f"profile {r.profile}" + (f", encoding {r.encoding} ({readers.ENCODING_NOTES.get(r.encoding_note, '')})" if r.encoding else "") \
        + (f", sheet {r.sheet}" if r.sheet else "")
    text = (f"{r.file}: {where} · read {r.rows_read:,} · inserted {r.inserted:,} · updated {r.updated:,} · "
            f"unchanged {r.unchanged:,} · rejected {r.rejected:,}")
    if r.flagged:
        text += f" · flagged {r.flagged:,}"
    if r.reasons:
        text += "\n  " + "; ".join(f"{reason} ({describe(reason, 'en')}): {n:,}" for reason, n in r.reasons.items())
    return text


def run(args: argparse.Namespace) -> int:
    from gridgov.cli import UserError

    exports = _exports(args.files)
    con = _open()
    try:
        cur = con.cursor()
        demo = load.holds_demo(cur)
        cur.close()
        if demo and not (args.replace_demo or args.keep_demo):
            raise UserError("the database holds the demo district: add --replace-demo to remove it first "
                            "(in the same transaction), or --keep-demo to import alongside it")
        results = [import_file(con, args.table, files, profile=args.profile, encoding=args.encoding,
                               sheet=args.sheet, replace_demo=args.replace_demo, origin="cli")
                   for files in exports]
    finally:
        con.close()
    _audit(results)
    if args.json:
        print(json.dumps({"table": args.table, "files": [r.as_dict() for r in results]}, ensure_ascii=False))
    else:
        for r in results:
            print(_line(r))
    return EXIT_FILE_REFUSED if any(r.status != "imported" for r in results) else 0


def _audit(results: list[FileResult]) -> None:
    try:
        from gridgov import audit
    except ImportError:
        return
    for r in results:
        try:
            audit.record(None, "cli", "import", {"file": r.file, "table": r.table, "status": r.status,
                                                 "profile": r.profile, "rejected": r.rejected},
                         rows=r.inserted + r.updated)
        except duckdb.Error as e:
            print(f"gridgov: warning: the audit log could not record the import ({str(e).splitlines()[0]})",
                  file=sys.stderr)
