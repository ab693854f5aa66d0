"""Benchmark of the meeting briefing (会议简报) for the demo district: what a scheduled
`python -m gridgov briefing --period 2026-W46 --out DIR` spends, step by step.

    python bench/bench_briefing.py [--db PATH] [--cases 300000] [--period 2026-W46] [--street NAME] [--repeat 3]

Prints figures; never a test, never asserts timings. Uses --db when given, else builds the demo
district (seed 20261122) with --cases cases into a temporary folder. Each repeat runs in a fresh
process (cold Python imports, cold DuckDB buffer pool, as the scheduled job does), timing:
gather+sentences (`briefing.build`), the Word document (charts drawn with matplotlib), the Excel
appendix, the PDF (LibreOffice, when installed) and the whole command (`cli.main`, files written).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, time, tempfile
started = time.perf_counter()
sys.path.insert(0, {root!r})
import queries
from gridgov import briefing, cli, config, store
imported = time.perf_counter()
con = store.connect({db!r})
fetch = lambda name, **p: queries.fetch(con, name, **p)
t0 = time.perf_counter()
report = briefing.build(fetch, briefing.parse_period({period!r}), config.load(), street={street!r})
t1 = time.perf_counter()
docx = briefing.to_docx(report)
t2 = time.perf_counter()
xlsx = briefing.to_xlsx(report)
t3 = time.perf_counter()
con.close()
pdf = briefing.to_pdf(docx)
t4 = time.perf_counter()
os.environ["GRIDGOV_DB"] = {db!r}
args = ["briefing", "--period", {period!r}, "--out", tempfile.mkdtemp()] + (["--street", {street!r}] if {street!r} else [])
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    cli.main(args)
t5 = time.perf_counter()
print(json.dumps({{"imports": imported - started, "build": t1 - t0, "docx": t2 - t1, "xlsx": t3 - t2,
                  "pdf": (t4 - t3) if pdf else None, "without_pdf": t3 - t0 + (imported - started),
                  "command": t5 - t4}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--cases", type=int, default=300_000)
    ap.add_argument("--period", default="2026-W46")
    ap.add_argument("--street")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    db = args.db
    if db is None:
        sys.path.insert(0, str(ROOT))
        from gridgov import demo

        db = str(Path(tempfile.mkdtemp(prefix="bench-briefing-")) / "demo.duckdb")
        started = time.perf_counter()
        demo.build(db, cases=args.cases)
        print(f"demo district with {args.cases:,} cases built in {time.perf_counter() - started:.1f} s")
    runs = []
    for _ in range(args.repeat):
        code = CHILD.format(root=str(ROOT), db=db, period=args.period, street=args.street)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                             env=dict(os.environ), check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"briefing {args.period} · {args.street or '全区'} · {db} · {args.repeat} fresh-process runs (median, max)")
    for key in ("imports", "build", "docx", "xlsx", "pdf", "without_pdf", "command"):
        values = [r[key] for r in runs if r[key] is not None]
        if values:
            print(f"  {key:<12} {statistics.median(values):6.2f} s  {max(values):6.2f} s")


if __name__ == "__main__":
    main()
