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
        if args.by:  # the figures of the 诉求办理 page's place tables, through the same function
            from gridgov import case_analytics, drill

            units = case_analytics.case_units(fetch, period.start, period.end, cfg, drill.Scope(args.street),
                                              args.basis, args.by, fetch("grid_places"))
            result = case_analytics.as_metric_rows(units, args.by)
        else:
            result = metrics.period_metrics(fetch, period, cfg, street=args.street, basis=args.basis)
    finally:
        con.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=_json_default))
        return 0
    rows = result if isinstance(result, list) else [result]
    print(f"{period.title('zh')} · {args.street or '全区'} · basis {args.basis}")
    for row in rows:
        if args.by:
            print("\n" + " · ".join(str(row[k]) for k in ("street_name", "community_name", "grid_id") if k in row))
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


def cmd_users(args: argparse.Namespace) -> int:
    import getpass

    from gridgov import audit, auth

    try:
        if args.action == "list":
            for u in auth.list_users():
                print(f"{u.name}\t{u.role}\t{u.street or '-'}\t{u.email or '-'}")
            return 0
        if args.action == "remove":
            auth.remove_user(args.name)
            audit.record(None, "cli", "users", {"removed": args.name})
            print(f"removed user {args.name}")
            return 0
        known = None
        if args.street and store.db_path().exists():
            con = _open_existing()
            try:
                known = [r[0] for r in con.execute("select distinct street_name from grids").fetchall()]
            finally:
                con.close()
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"password for {args.name}: ")
            if password != getpass.getpass("again: "):
                raise UserError("the two passwords differ")
        user = auth.add_user(args.name, args.role, password, street=args.street, email=args.email,
                             known_streets=known)
    except auth.AuthError as e:
        raise UserError(str(e)) from None
    audit.record(None, "cli", "users", {"added": user.name, "role": user.role, "street": user.street})
    print(f"user {user.name}: role {user.role}" + (f", street {user.street}" if user.street else "")
          + f" (in {auth.users_file()})")
    return 0


def cmd_grades(args: argparse.Namespace) -> int:
    import queries
    from gridgov import grading

    try:
        half = periods.parse("half", args.half)
    except ValueError as e:
        raise UserError(str(e)) from None
    con = _open_existing()
    try:
        result = grading.grade(lambda name, **params: queries.fetch(con, name, **params), half, config.load(),
                               with_previous=False)
    finally:
        con.close()
    rows = grading.cli_rows(result)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    th = result.thresholds
    print(f"{half.title('zh')} · rule {th.rule} on {th.estimate} rates · thresholds per 1,000: "
          + ", ".join(f"{k} {v:.2f}" if v is not None else f"{k} -" for k, v in th.value.items()))
    print(f"{'grid_id':<16}{'population':>11}{'cases':>8}{'petitions':>10}{'case_rate':>11}{'petition_rate':>15}  grade")
    for r in rows:
        rates = [f"{r[k]:.2f}" if r[k] is not None else "-" for k in ("case_rate", "petition_rate")]
        population = "-" if r["population"] is None else str(r["population"])
        print(f"{r['grid_id']:<16}{population:>11}{r['cases']:>8}{r['petitions']:>10}{rates[0]:>11}{rates[1]:>15}  {r['grade']}")
    return 0


def cmd_briefing(args: argparse.Namespace) -> int:
    """The meeting briefing (会议简报) as .docx and .xlsx (and .pdf with LibreOffice) in --out."""
    from pathlib import Path

    import queries
    from gridgov import briefing
    from gridgov.briefing.charts import NoCJKFont

    try:
        period = briefing.parse_period(args.period)
    except ValueError as e:
        raise UserError(str(e)) from None
    con = _open_existing()
    try:
        def fetch(name: str, **params: Any):
            return queries.fetch(con, name, **params)

        if args.street:
            known = fetch("street_names")["street_name"].to_list()
            if args.street not in known:
                raise UserError(f"unknown street {args.street!r}; known: {', '.join(known)}")
        try:
            report = briefing.build(fetch, period, config.load(), street=args.street)
        except ValueError as e:
            raise UserError(str(e)) from None
    finally:
        con.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        docx = briefing.to_docx(report)
    except NoCJKFont as e:
        raise UserError(str(e)) from None
    written = []
    for ext, content in (("docx", docx), ("xlsx", briefing.to_xlsx(report))):
        path = out / briefing.file_name(period, report.scope, ext)
        path.write_bytes(content)
        written.append(path)
    try:
        pdf = briefing.to_pdf(docx)
    except (RuntimeError, OSError) as e:   # LibreOffice present but failing: the .docx and .xlsx still stand
        print(f"gridgov: no PDF: {e}", file=sys.stderr)
        pdf = None
    if pdf is not None:
        path = out / briefing.file_name(period, report.scope, "pdf")
        path.write_bytes(pdf)
        written.append(path)
    for path in written:
        print(path)
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
    m.add_argument("--by", choices=["street", "community", "grid"])
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_metrics)

    q = sub.add_parser("sql", help="run one read-only query through the workbench's sandbox")
    q.add_argument("query", help='e.g. "select street_name, sum(received) from case_facts group by all"')
    q.add_argument("--format", choices=["csv", "json"], default="csv")
    q.set_defaults(func=cmd_sql)

    u = sub.add_parser("users", help="manage login users (GRIDGOV_USERS, default data/users.toml)")
    u.add_argument("action", choices=["add", "list", "remove"])
    u.add_argument("name", nargs="?")
    u.add_argument("--role", choices=["leader", "orgdept", "analyst", "street", "admin"])
    u.add_argument("--street")
    u.add_argument("--email", help="the identity provider's e-mail, for OIDC sign-in")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    u.set_defaults(func=cmd_users)
    gr = sub.add_parser("grades", help="every grid's 红黄绿 grade for a half-year (the 网格分级 page's numbers)")
    gr.add_argument("--half", required=True, metavar="2026-H1")
    gr.add_argument("--json", action="store_true")
    gr.set_defaults(func=cmd_grades)
    br = sub.add_parser("briefing", help="the meeting briefing (会议简报) as .docx, .xlsx (and .pdf) for one period")
    br.add_argument("--period", required=True, metavar="2026-W46", help="2026-W46, 2026-10, 2026-Q3 or 2026-H1")
    br.add_argument("--street", help="one street (default: the whole district)")
    br.add_argument("--out", required=True, metavar="DIR", help="the directory to write the files into")
    br.set_defaults(func=cmd_briefing)

    from gridgov.ingest import command as import_command  # import TABLE FILE... (issue 3)
    import_command.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "users" and args.action in ("add", "remove") and not args.name:
        print("gridgov: users add/remove needs a NAME", file=sys.stderr)
        return 2
    if args.command == "users" and args.action == "add" and not args.role:
        print("gridgov: users add needs --role (leader, orgdept, analyst, street or admin)", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except UserError as e:
        print(f"gridgov: {e}", file=sys.stderr)
        return 2
    except duckdb.IOException as e:
        print(f"gridgov: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
