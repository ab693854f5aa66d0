"""`python -m gridgov …`: the command line of CLI.md (demo, metrics)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import duckdb

from gridgov import config, measures, metrics, periods, store


class UserError(Exception):
    """A mistake in the command's input: reported in one line, without a traceback."""


def _progress(fraction: float, message: str) -> None:
    width = 30
    done = int(width * min(max(fraction, 0.0), 1.0))
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction * 100:5.1f}% {message}\033[K")
    sys.stderr.flush()
    if fraction >= 1.0:
        sys.stderr.write("\n")


def cmd_demo(args: argparse.Namespace) -> int:
    from gridgov import demo

    cases = demo.DEFAULT_CASES if args.cases is None else args.cases
    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    if cases < 1:
        raise UserError("--cases must be at least 1")
    path = store.db_path()
    summary = demo.build(path, cases=cases, seed=seed, progress=_progress)
    print(f"demo district built in {path}: {summary['grids']:,} grids, {summary['cases']:,} cases, "
          f"{summary['petitions']:,} petitions ({summary['seconds']:.1f} s)")
    return 0


def _period(args: argparse.Namespace) -> periods.Period:
    chosen = [(kind, getattr(args, kind)) for kind in periods.KINDS if getattr(args, kind)]
    if len(chosen) != 1:
        raise UserError("give exactly one period: --week 2026-W46, --month 2026-10, --quarter 2026-Q3 or --half 2026-H1")
    kind, text = chosen[0]
    try:
        return periods.parse(kind, text)
    except ValueError as e:
        raise UserError(str(e)) from None


def _open_existing() -> duckdb.DuckDBPyConnection:
    path = store.db_path()
    if not path.exists():
        raise UserError(f"no database at {path} (set GRIDGOV_DB, or build one with: python -m gridgov demo)")
    try:
        return store.connect(path)
    except duckdb.IOException as e:
        raise UserError(f"cannot open {path}: {str(e).splitlines()[0]}") from None


def _fmt(name: str, value: Any) -> str:
    return measures.format_value(name, value) if name in measures.MEASURES else str(value)


def cmd_metrics(args: argparse.Namespace) -> int:
    import queries

    period = _period(args)
    con = _open_existing()
    try:
        def fetch(name: str, **params: Any):
            return queries.fetch(con, name, **params)

        cfg = config.load()
        if args.street:
            known = fetch("street_names")["street_name"].to_list()
            if args.street not in known:
                raise UserError(f"unknown street {args.street!r}; known: {', '.join(known)}")
        result = metrics.period_metrics(fetch, period, cfg, street=args.street, basis=args.basis,
                                        by_street=args.by == "street")
    finally:
        con.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=_json_default))
        return 0
    rows = result if isinstance(result, list) else [result]
    print(f"{period.title('zh')} · {args.street or '全区'} · basis {args.basis}")
    for row in rows:
        if "street_name" in row:
            print(f"\n{row['street_name']}")
        for name in measures.METRIC_KEYS:
            label = measures.MEASURES[name].zh
            pad = " " * (12 - 2 * len(label))  # CJK characters take two columns
            print(f"  {label}{pad} {name:<18} {_fmt(name, row[name]):>10}")
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _sql_json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def cmd_sql(args: argparse.Namespace) -> int:
    from gridgov import exports, sandbox

    con = _open_existing()
    try:
        result = sandbox.download(con, args.query)
    except sandbox.SandboxError as e:
        raise UserError(e.en.splitlines()[0]) from None
    finally:
        con.close()
    if result.truncated:
        print(f"gridgov: result truncated at {result.row_count:,} rows", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(result.frame.to_dicts(), ensure_ascii=False, default=_sql_json_default))
    else:
        sys.stdout.buffer.write(exports.to_csv(result.frame, bom=False))
        sys.stdout.flush()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gridgov", description="gridgov: grid-governance analytics")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="build the demo district into GRIDGOV_DB (replacing it)")
    d.add_argument("--cases", type=int, help="number of cases (default 300,000)")
    d.add_argument("--seed", type=int, help="random seed (same seed, same district)")
    d.set_defaults(func=cmd_demo)

    m = sub.add_parser("metrics", help="the measures of SCHEMA.md for one period")
    for kind, example in (("week", "2026-W46"), ("month", "2026-10"), ("quarter", "2026-Q3"), ("half", "2026-H1")):
        m.add_argument("--" + kind, metavar=example)
    m.add_argument("--street")
    m.add_argument("--basis", choices=metrics.BASES, default="assessment")
    m.add_argument("--by", choices=["street"])
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_metrics)

    q = sub.add_parser("sql", help="run one read-only query through the workbench's sandbox")
    q.add_argument("query", help='e.g. "select street_name, sum(received) from case_facts group by all"')
    q.add_argument("--format", choices=["csv", "json"], default="csv")
    q.set_defaults(func=cmd_sql)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as e:
        print(f"gridgov: {e}", file=sys.stderr)
        return 2
    except duckdb.IOException as e:
        print(f"gridgov: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
