"""Benchmark of grid grading (网格分级) and the hotspot map (热点地图) at 10M cases, and the bytes the maps send.

    python bench/bench_grading.py [--db bench/demo_10000000.duckdb] [--cases 10000000] [--repeat 7] [--update-readme]

Prints figures; never a test, never asserts timings. It opens the demo district read-only (the file
bench_overview.py builds, bench/demo_<N>.duckdb; built here into a temporary directory when that file
is missing or held by another process) and measures, warm (one untimed run first), over --repeat runs:

1. grading: `grading.grade(fetch, 2026-H1, cfg)` — exactly what the 网格分级 page and
   `python -m gridgov grades` run: the grid_counts query for the half-year and the one before, rates,
   Poisson intervals, empirical-Bayes shrinkage, percentile thresholds, grades, transitions;
2. map aggregation: `hotmap.build(...)` for 2026-H1, whole district, no filter — what the 热点地图
   page runs: grid_counts for the period and the one before, Gi* both times, the half-year's grading,
   the case-density squares (case_density_bins) and the red-light cases (red_light_cases), each query
   also timed alone; plus the one-off geometry and neighbour computations the app caches;
3. bytes: the JSON of each map (the pydeck spec Streamlit sends to the browser) per layer and in all,
   for the default views and with the density layer, beside the size of the located cases of the
   half-year sent as bare [lon, lat] points (what a point map would have to send).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

import queries  # noqa: E402
from gridgov import config, geo, grading, hotmap, hotspots, periods, store  # noqa: E402
from ui import maps  # noqa: E402

README_BEGIN = "<!-- grading:begin -->"
README_END = "<!-- grading:end -->"
HALF = periods.parse("half", "2026-H1")


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """The file read-only with the app's locked settings (bench_overview.py may be using it too)."""
    return duckdb.connect(str(path), read_only=True, config=dict(store.LOCKED_CONFIG))


def database(args) -> tuple[duckdb.DuckDBPyConnection, Path, str]:
    shared = Path(args.db) if args.db else BENCH_DIR / f"demo_{args.cases}.duckdb"
    if shared.exists():
        try:
            return _open(shared), shared, "reused"
        except duckdb.IOException as e:
            print(f"cannot open {shared} read-only ({str(e).splitlines()[0][:80]}); building a private copy",
                  file=sys.stderr)
    from gridgov import demo

    path = Path(tempfile.mkdtemp(prefix="bench_grading_")) / f"demo_{args.cases}.duckdb"
    started = time.perf_counter()
    demo.build(path, cases=args.cases)
    return _open(path), path, f"built in {time.perf_counter() - started:.0f} s"


def timed(fn, repeat: int) -> tuple[list[float], object]:
    result = fn()   # warm
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - started) * 1000)
    return runs, result


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} / {p90(values):,.0f}"


def layer_bytes(deck) -> dict[str, int]:
    spec = json.loads(deck.to_json())
    out = {}
    for layer in spec["layers"]:
        key = layer["id"] if not layer["id"].startswith("tile-") else "tiles"
        out[key] = out.get(key, 0) + len(json.dumps(layer, ensure_ascii=False, separators=(",", ":")).encode())
    out["total"] = len(deck.to_json().encode())
    return out


def run(args) -> dict:
    load_before = os.getloadavg()[0]
    con, path, how = database(args)
    fetch = lambda name, **params: queries.fetch(con, name, **params)  # noqa: E731
    cfg = config.load()
    span = fetch("data_span").row(0, named=True)
    as_of = span["as_of"]
    result: dict = {"db": str(path), "how": how, "cases": span["cases"], "petitions": span["petitions"],
                    "grids": span["grids"], "as_of": as_of, "size_mb": path.stat().st_size / 1e6}

    # 1. grading
    runs, g = timed(lambda: grading.grade(fetch, HALF, cfg), args.repeat)
    result["grading_ms"] = runs
    counts = dict(start=HALF.start, end=HALF.end, categories=[], channels=["hotline"], basis="assessment")
    result["grid_counts_ms"], _ = timed(lambda: fetch("grid_counts", **counts), args.repeat)
    result["grades"] = {k: int((g.grids["grade"] == k).sum()) for k in grading.GRADES}
    result["thresholds"] = g.thresholds.value

    # 2. map aggregation
    boundaries = fetch("grid_boundaries")
    started = time.perf_counter()
    geometry = geo.geometry(boundaries)
    result["geometry_ms"] = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    nb = hotspots.neighbours(boundaries, cfg.hotspots)
    result["neighbours_ms"] = (time.perf_counter() - started) * 1000
    f = hotmap.MapFilters(HALF)
    runs, md = timed(lambda: hotmap.build(fetch, f, cfg, nb, as_of, geometry.centre_latitude), args.repeat)
    result["map_ms"] = runs
    b = md.bin_geometry
    scope = dict(start=HALF.start, end=HALF.end, streets=[], categories=[], channels=[], basis="assessment")
    result["bins_ms"], bins = timed(lambda: fetch("case_density_bins", **scope, bin_lon=b.lon_step,
                                                  bin_lat=b.lat_step), args.repeat)
    result["red_ms"], _ = timed(lambda: fetch("red_light_cases", as_of=as_of, **scope,
                                              row_limit=cfg.hotspots.red_points), args.repeat)
    result["bins"], result["red_total"], result["red_drawn"] = bins.height, md.red_total, md.red.height
    result["bin_m"] = cfg.hotspots.bin_m
    result["hot"] = hotmap.hotspot_summary(md.grids)

    # 3. bytes
    decks = {
        "网格分级 map (grades)": maps.grade_deck(g, geometry, None, None, "zh")[0],
        "热点地图 default (grids, streets, red-light cases)": maps.hotspot_deck(
            md, geometry, "grade", ["red", "streets"], cfg.hotspots, "zh", None)[0],
        "热点地图 + density squares": maps.hotspot_deck(
            md, geometry, "gi", ["density", "red", "streets"], cfg.hotspots, "zh", None)[0],
    }
    result["bytes"] = {name: layer_bytes(deck) for name, deck in decks.items()}
    located = con.execute("select count(*) from cases where received_at >= $s and received_at < $e and lon is not null",
                          {"s": HALF.start, "e": HALF.end}).fetchone()[0]
    result["located_cases"] = located
    result["points_bytes"] = located * len("[112.912345,28.212345],")
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["load_before"], result["load_after"] = load_before, os.getloadavg()[0]
    con.close()
    if how.startswith("built"):   # a private copy: do not leave 1.5 GB behind in the temporary directory
        shutil.rmtree(path.parent, ignore_errors=True)
    return result


def markdown(r: dict, args) -> str:
    cpu = platform.processor() or platform.machine()
    lines = [
        f"Run: {datetime.now():%Y-%m-%d %H:%M} · `python bench/bench_grading.py --repeat {args.repeat}` · "
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, duckdb {duckdb.__version__}; "
        f"load average before / after: {r['load_before']:.2f} / {r['load_after']:.2f} (other work on the machine inflates the times)",
        "",
        f"Data: {r['cases']:,} cases, {r['petitions']:,} petitions, {r['grids']:,} grids ({r['size_mb']:,.0f} MB, "
        f"{r['how']}: `{Path(r['db']).name}`); half-year {HALF.label}, as of {r['as_of']:%Y-%m-%d %H:%M}.",
        "",
        "| what (warm; median / p90 of the runs) | ms |",
        "|---|---|",
        f"| **grading** `grading.grade` (both half-years: counts, rates, intervals, shrinkage, thresholds, grades) | {summary(r['grading_ms'])} |",
        f"| of which one `grid_counts` query (a half-year's hotline cases and petitions per grid) | {summary(r['grid_counts_ms'])} |",
        f"| **map aggregation** `hotmap.build` (rates and Gi* for two periods, grading, density squares, red-light cases) | {summary(r['map_ms'])} |",
        f"| of which `case_density_bins` ({r['bins']:,} squares of {r['bin_m']} m) | {summary(r['bins_ms'])} |",
        f"| of which `red_light_cases` ({r['red_total']:,} red-light cases, {r['red_drawn']:,} drawn) | {summary(r['red_ms'])} |",
        f"| once per server (cached): grid polygons and street outlines `geo.geometry` | {r['geometry_ms']:,.0f} |",
        f"| once per server (cached): queen neighbours from the polygons `hotspots.neighbours` | {r['neighbours_ms']:,.0f} |",
        "",
        f"Grades {HALF.label}: " + ", ".join(f"{k} {v:,}" for k, v in r["grades"].items())
        + " · Gi* (queen, no FDR): " + ", ".join(f"{k} {r['hot'][k]}" for k in ("persistent", "new", "fading"))
        + f" · peak RSS {r['rss_mb']:,.0f} MB.",
        "",
        "Bytes of each map's pydeck JSON (what Streamlit sends to the browser), per layer:",
        "",
        "| map | grids | streets | density | red cases | selected | total |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, b in r["bytes"].items():
        cells = [f"{b[k] / 1024:,.0f} KB" if k in b else "—" for k in ("grids", "streets", "density", "red_cases",
                                                                         "selected_grid")]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | **{b['total'] / 1024:,.0f} KB** |")
    lines += [
        "",
        f"For scale: the half-year's {r['located_cases']:,} located cases as bare `[lon, lat]` points would be "
        f"{r['points_bytes'] / 1e6:,.0f} MB before any attribute; the maps send one row per grid, one per occupied "
        "density square and at most `red_points` red-light cases, whatever the number of cases.",
    ]
    return "\n".join(lines)


def update_readme(text: str) -> None:
    readme = BENCH_DIR / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else ""
    section = f"{README_BEGIN}\n{text}\n{README_END}"
    if README_BEGIN in current and README_END in current:
        before, rest = current.split(README_BEGIN, 1)
        after = rest.split(README_END, 1)[1]
        readme.write_text(before + section + after, encoding="utf-8")
    else:
        raise SystemExit(f"bench/README.md has no {README_BEGIN} … {README_END} section to fill")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", help="a demo database (default bench/demo_<cases>.duckdb)")
    p.add_argument("--cases", type=int, default=10_000_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--update-readme", action="store_true", help="write the results into bench/README.md")
    args = p.parse_args(argv)
    text = markdown(run(args), args)
    print(text)
    if args.update_readme:
        update_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
