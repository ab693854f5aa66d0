"""Benchmark of CSV import: a 12345 export of N demo cases, beside `polars.read_csv` alone.

    python bench/bench_import.py [--cases 1000000] [--repeat 3] [--update-readme]

Prints figures; never a test, never asserts timings. It

1. builds the demo district (gridgov.demo.build, seed 20261122) with N cases into a temporary folder;
2. writes its cases as a Chinese 12345 export, the way a platform hands them over: UTF-8 with BOM,
   Chinese headers of the cn_12345 profile, Chinese status / rating / yes-no words, times as
   2026/11/16 9:05:00 text, coordinates in GCJ-02, an 11-digit caller phone per caller;
3. times `polars.read_csv(path, infer_schema=False)` alone (every cell as text: the floor);
4. times `ingest.import_file` into a fresh database holding the demo's grid register: reading the
   bytes, decoding and parsing, the header profile, every value's cleaning (times, words, GCJ-02 to
   WGS-84, keyed hashing of phones, grid check), the natural-key upsert, quarantine and import log
   in one transaction; then the same file again (every row unchanged), and a newer export in which
   every open case has closed — each step in its own fresh process (the parent only prepares files);
5. prints a Markdown table (and with --update-readme writes it into bench/README.md between this
   benchmark's own markers, leaving the rest of the file alone).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from gridgov import demo, ingest, store  # noqa: E402
from gridgov.ingest import geo, profiles  # noqa: E402

BEGIN, END = "<!-- import-results:begin -->", "<!-- import-results:end -->"
TIME_FORMAT = "%Y/%-m/%-d %-H:%M:%S"


def _first_word(column: str) -> dict[str, str]:
    """Canonical value -> the first export word the cn_12345 profile maps onto it."""
    out: dict[str, str] = {}
    for word, value in profiles.get("cn_12345").values[column].items():
        if value and value not in out:
            out[value] = word
    return out


def write_export(db: Path, path: Path) -> int:
    """The demo's cases as a 12345 platform export (CSV, UTF-8 with BOM); returns the row count."""
    con = store.connect(db)
    try:
        cases = pl.from_arrow(con.cursor().sql("select * from cases order by received_at, case_id").to_arrow_table())
    finally:
        con.close()
    gcj_lon, gcj_lat = geo.wgs84_to_gcj02(cases["lon"].to_numpy(), cases["lat"].to_numpy())
    yes_no = {True: "是", False: "否"}

    def time_text(column: str) -> pl.Expr:
        return pl.col(column).dt.strftime(TIME_FORMAT)

    export = cases.select(
        pl.col("case_id").alias("工单编号"),
        time_text("received_at").alias("受理时间"),
        pl.col("channel").replace_strict(_first_word("channel"), default=None).alias("来源渠道"),
        pl.col("category").alias("诉求类型"), pl.col("subcategory").alias("二级分类"),
        pl.col("description").alias("诉求内容"), pl.col("address").alias("诉求地址"),
        pl.Series(gcj_lon).round(6).alias("经度"), pl.Series(gcj_lat).round(6).alias("纬度"),
        pl.col("grid_id").alias("网格编码"), pl.col("handling_unit").alias("承办单位"),
        pl.col("handling_level").replace_strict(_first_word("handling_level"), default=None).alias("承办层级"),
        time_text("dispatched_at").alias("派单时间"), time_text("responded_at").alias("首次联系时间"),
        time_text("deadline_at").alias("办结时限"), time_text("closed_at").alias("办结时间"),
        pl.col("status").replace_strict(_first_word("status"), default=None).alias("工单状态"),
        pl.col("contacted").replace_strict(yes_no, default=None, return_dtype=pl.String).alias("是否联系"),
        pl.col("resolved").replace_strict(yes_no, default=None, return_dtype=pl.String).alias("是否解决"),
        pl.col("satisfaction").replace_strict(_first_word("satisfaction"), default=None).alias("回访结果"),
        pl.col("is_repeat").replace_strict(yes_no, default=None, return_dtype=pl.String).alias("是否重复"),
        pl.col("excluded").replace_strict(yes_no, default=None, return_dtype=pl.String).alias("不纳入考核"),
        # An 11-digit mobile number per caller, derived from the demo's caller key.
        ("1" + (pl.col("caller_key").str.slice(0, 12).str.to_integer(base=16) % 10_000_000_000)
         .cast(pl.String).str.zfill(10)).alias("来电号码"),
    )
    export.write_csv(path, include_bom=True)
    return export.height


def newer_export(path: Path, out: Path) -> int:
    """The same export a week later: every case still open has closed, the rest unchanged."""
    frame = pl.read_csv(path, infer_schema=False)
    changed = frame["工单状态"].is_in(["待受理", "已派单"])
    frame = frame.with_columns(
        pl.when(changed).then(pl.lit("已办结")).otherwise(pl.col("工单状态")).alias("工单状态"),
        pl.when(changed).then(pl.col("办结时限")).otherwise(pl.col("办结时间")).alias("办结时间"))
    frame.write_csv(out, include_bom=True)
    return int(changed.sum())


def fresh_target(folder: Path, demo_db: Path) -> Path:
    """A new database holding only the demo's grid register (the import checks grid ids against it)."""
    path = folder / "target.duckdb"
    for leftover in (path, Path(str(path) + ".wal")):
        leftover.unlink(missing_ok=True)
    src = store.connect(demo_db)
    grids = pl.from_arrow(src.cursor().sql("select * exclude (source_file, source_row, imported_at) from grids").to_arrow_table())
    src.close()
    con = store.connect(path)
    store.insert_frame(con, "grids", grids)
    con.close()
    return path


def worker(folder: Path, step: str) -> dict:
    """One timed step in its own process, so no step inherits another's memory or caches."""
    export, newer = folder / "12345_export.csv", folder / "12345_export_newer.csv"
    if step == "polars":
        started = time.perf_counter()
        rows = pl.read_csv(export, infer_schema=False).height
        return {"seconds": time.perf_counter() - started, "rows": rows}
    if step == "import":
        fresh_target(folder, folder / "demo.duckdb")
    con = store.connect(folder / "target.duckdb")
    try:
        path = newer if step == "newer" else export
        started = time.perf_counter()
        r = ingest.import_file(con, "cases", [ingest.Upload(path.name, path.read_bytes())])
        seconds = time.perf_counter() - started
    finally:
        con.close()
    return {"seconds": seconds, "status": r.status, "inserted": r.inserted, "updated": r.updated,
            "unchanged": r.unchanged, "rejected": r.rejected, "flagged": r.flagged,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _spawn(folder: Path, step: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", str(folder), step], capture_output=True, text=True,
                         env=os.environ.copy())
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(n: int, repeat: int, folder: Path) -> dict:
    started = time.perf_counter()
    demo_db = folder / "demo.duckdb"
    demo.build(demo_db, cases=n)
    export = folder / "12345_export.csv"
    rows = write_export(demo_db, export)
    changed = newer_export(export, folder / "12345_export_newer.csv")
    size_mb = export.stat().st_size / 1e6
    print(f"demo built and exported: {rows:,} rows, {size_mb:,.0f} MB ({time.perf_counter() - started:.0f} s)",
          file=sys.stderr)
    polars_runs = [_spawn(folder, "polars") for _ in range(repeat)]
    imports = [_spawn(folder, "import") for _ in range(repeat)]     # each into a fresh database
    again, newer = _spawn(folder, "again"), _spawn(folder, "newer")
    first = imports[-1]
    assert first["status"] == "imported" and first["inserted"] == rows, first
    assert again["unchanged"] == rows and newer["updated"] == changed, (again, newer)
    return {"rows": rows, "size_mb": size_mb, "changed": changed,
            "polars_s": statistics.median(r["seconds"] for r in polars_runs),
            "import_s": statistics.median(r["seconds"] for r in imports),
            "again_s": again["seconds"], "newer_s": newer["seconds"], "rejected": first["rejected"],
            "flagged": first["flagged"], "peak_mb": max(r["peak_mb"] for r in imports)}


def table(r: dict) -> str:
    lines = [
        "| | seconds (median) | rows/s |",
        "|---|---:|---:|",
        f"| `polars.read_csv` alone (all text) | {r['polars_s']:.2f} | {r['rows'] / r['polars_s']:,.0f} |",
        f"| `gridgov import` into a fresh database | {r['import_s']:.2f} | {r['rows'] / r['import_s']:,.0f} |",
        f"| the same file again (all unchanged) | {r['again_s']:.2f} | {r['rows'] / r['again_s']:,.0f} |",
        f"| a newer export ({r['changed']:,} cases closed since) | {r['newer_s']:.2f} | {r['rows'] / r['newer_s']:,.0f} |",
    ]
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def update_readme(text: str) -> None:
    path = BENCH_DIR / "README.md"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        current = head + BEGIN + "\n" + text + "\n" + END + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + BEGIN + "\n" + text + "\n" + END + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--update-readme", action="store_true")
    p.add_argument("--worker", nargs=2, metavar=("FOLDER", "STEP"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), args.worker[1])))
        return
    with tempfile.TemporaryDirectory(prefix="gridgov_bench_import_") as folder:
        os.environ["GRIDGOV_HASH_KEY_FILE"] = str(Path(folder) / "hash.key")
        os.environ["GRIDGOV_PROFILES_DIR"] = str(Path(folder) / "profiles")
        os.environ["GRIDGOV_AUDIT_DB"] = str(Path(folder) / "audit.duckdb")
        r = run(args.cases, args.repeat, Path(folder))
    when = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    text = (f"Run: {when} · `python bench/bench_import.py --cases {args.cases} --repeat {args.repeat}` · "
            f"{machine()}\n\n{r['rows']:,} cases, {r['size_mb']:,.0f} MB of CSV; the import rejected "
            f"{r['rejected']:,} rows and flagged {r['flagged']:,}; peak memory of an import process "
            f"{r['peak_mb']:,.0f} MB. Each step runs in its own fresh process.\n\n" + table(r)
            + f"\n\nThe import takes {r['import_s'] / r['polars_s']:.1f}× as long as parsing the CSV alone.")
    print(text)
    if args.update_readme:
        update_readme(text)


if __name__ == "__main__":
    main()
