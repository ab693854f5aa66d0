"""Benchmark of the 总览 (weekly overview) at 1M and 10M cases, beside a plain-pandas baseline.

    python bench/bench_overview.py [--sizes 1000000 10000000] [--repeat 15] [--update-readme]

Prints figures; never a test, never asserts timings. For each size it

1. builds the demo district once into bench/demo_<N>.duckdb (reused when present);
2. runs the gridgov path in a fresh subprocess: store.connect, queries.fetch, metrics.overview for
   the default week (district scope, then one street), warm once, then --repeat timed runs, plus
   the floor (a bare `select sum(lon) from cases`) and the process's peak RSS;
3. runs a plain-pandas baseline in another fresh subprocess: cases, grids and petitions read out of
   DuckDB into pandas once (load time reported apart), then the same numbers with boolean masks,
   merge and groupby, timed the same way, with its peak RSS;
4. checks that pandas' numbers equal gridgov's (KPIs of the week and the week before, the 12-week
   trend, the street ranking, the overdue list) and prints "numbers agree" or the differences;
   also measures a street user's session (gridgov.scope.snapshot: build time, RSS, overview) and
   checks its numbers against the street-filtered overview;
5. prints a Markdown table (and with --update-readme writes it, with the machine, into
   bench/README.md between the results markers).

On a shared machine every timed run also records the CPU other processes used meanwhile; a
disturbed run is thrown away and run again after waiting for a quiet second (--quiet-wait,
--attempts), and what disturbance remains is printed beside the figures, with each process's
CPU time per overview as the steadier comparison.

Workers talk to the parent through a JSON file; the parent never imports polars, DuckDB or pandas
work into its own memory.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = [1_000_000, 10_000_000]
DEFAULT_SEED = 20261122
UNKNOWN_STREET = "（未匹配网格）"  # metrics.UNKNOWN_STREET, repeated so the parent stays light
GOAL_MS = 300.0
QUIET_CORES = 0.1  # other processes using more CPU than this (in cores) make the timings suspect
GOAL_SPEEDUP = 5.0
GOAL_MEMORY_RATIO = 1 / 3
README_BEGIN = "<!-- results:begin -->"
README_END = "<!-- results:end -->"

# The additive counts and the measures compared between the two paths (measures.py, SCHEMA.md).
CASE_COUNTS = ("received", "closed", "closed_with_deadline", "closed_on_time", "rated", "rated_contacted",
               "rated_resolved", "satisfied", "basically_satisfied", "dissatisfied", "repeats")
RATES = ("completion_rate", "on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate",
         "composite_score", "repeat_rate")
COMPARED = CASE_COUNTS + RATES + ("petitions",)


# ---------------------------------------------------------------------------------------------
# small helpers shared by the workers
# ---------------------------------------------------------------------------------------------

def _rss_mb() -> tuple[float, float]:
    """(current RSS, high-water mark since the last reset) in MB, from /proc/self/status."""
    cur = hwm = float("nan")
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return cur, hwm


def _reset_hwm() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) so a later reading covers only what follows."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _stats(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    # p90 by the nearest-rank method: with 15 runs, the 14th fastest.
    p90 = ms[max(0, math.ceil(0.9 * len(ms)) - 1)]
    return {"median_ms": statistics.median(ms), "p90_ms": p90, "min_ms": ms[0], "max_ms": ms[-1], "runs": len(ms)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return value


def _week_bounds(label: str, trend_weeks: int) -> dict[str, datetime]:
    year, week = label.split("-W")
    start = datetime.combine(date.fromisocalendar(int(year), int(week), 1), datetime.min.time())
    weeks = max(trend_weeks, 2)
    return {
        "start": start,
        "end": start + timedelta(weeks=1),
        "previous_start": start - timedelta(weeks=1),
        "trend_start": start - timedelta(weeks=weeks - 1),
        "weeks": weeks,
    }


def _busy_cpu_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return ru.ru_utime + ru.ru_stime


def wait_quiet(max_wait: float, window: float = 1.0) -> float:
    """Wait (at most max_wait seconds) for a window in which other processes use < QUIET_CORES."""
    t0 = time.perf_counter()
    while True:
        b0 = _busy_cpu_s()
        time.sleep(window)
        others = (_busy_cpu_s() - b0) / window
        if others < QUIET_CORES or time.perf_counter() - t0 >= max_wait:
            return others


class Timer:
    """Timed runs on a shared machine, each with how busy the rest of the machine was meanwhile.

    Other processes make timings slow for reasons that are not the code's. For every run the
    worker measures the CPU other processes used (busy CPU of the whole machine from /proc/stat
    minus this process's own); a run during which they used more than QUIET_CORES (or, for runs
    too short for /proc/stat's 10 ms ticks, more than NOISE_S) is thrown away and run again after
    waiting up to quiet_wait seconds for a quiet second, at most `attempts` times in all; when
    every try was disturbed, the least disturbed one is kept. The section reports the mean load
    of the kept runs and how many of them were disturbed, so the reader knows what to trust.
    """

    NOISE_S = 0.03  # CPU seconds of others' work tolerated during one run (tick granularity)

    def __init__(self, quiet_wait: float, attempts: int = 3) -> None:
        self.quiet_wait = quiet_wait
        self.attempts = attempts
        self.others: dict[str, float] = {}      # cores others used during the kept runs (their CPU s / wall s)
        self.disturbed: dict[str, int] = {}     # kept runs during which others were busy
        self.cpu_ms: dict[str, float] = {}      # this process's CPU (all threads, user + sys) per kept run
        self.wall_s: dict[str, float] = {}      # the kept runs' total wall time
        self.waited_s = 0.0

    def run(self, label: str, repeat: int, fn: Callable[[], Any],
            before: Callable[[], None] = lambda: None, take: Callable[[], Any] = lambda: None,
            accept: Callable[[Any], None] = lambda taken: None) -> list[float]:
        times: list[float] = []
        loads: list[float] = []
        cpus: list[float] = []
        disturbed = 0
        quiet_before = False
        for _ in range(repeat):
            best: tuple[float, float, float, Any] | None = None
            for attempt in range(max(self.attempts, 1)):
                if self.quiet_wait > 0 and not quiet_before:
                    t = time.perf_counter()
                    wait_quiet(self.quiet_wait)
                    self.waited_s += time.perf_counter() - t
                before()
                t0, busy0, own0 = time.perf_counter(), _busy_cpu_s(), _own_cpu_s()
                fn()
                wall = time.perf_counter() - t0
                own = _own_cpu_s() - own0
                other_s = max(0.0, (_busy_cpu_s() - busy0) - own)
                quiet_before = other_s <= max(QUIET_CORES * wall, self.NOISE_S)
                if best is None or other_s / wall < best[0]:
                    best = (other_s / wall, wall, own, take())
                if quiet_before:
                    break
            assert best is not None
            load, wall, own, taken = best
            accept(taken)
            times.append(wall)
            loads.append(load * wall)  # others' CPU seconds during this run
            cpus.append(own)
            disturbed += load > QUIET_CORES and load * wall > self.NOISE_S
        self.others[label] = sum(loads) / max(sum(times), 1e-9)
        self.wall_s[label] = sum(times)
        self.disturbed[label] = disturbed
        self.cpu_ms[label] = statistics.median(cpus) * 1000
        return times

    @property
    def worst(self) -> float:
        """Others' load in the worst section long enough to tell (/proc/stat counts 10 ms ticks,
        so a section of a few short runs, like the floor's, cannot resolve a fraction of a core)."""
        return max((v for k, v in self.others.items() if self.wall_s[k] >= 0.5), default=0.0)


# ---------------------------------------------------------------------------------------------
# worker: build the demo district
# ---------------------------------------------------------------------------------------------

def worker_build(db: Path, cases: int, seed: int, out: Path) -> None:
    from gridgov import demo

    last = [-1.0]

    def progress(fraction: float, message: str) -> None:
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            print(f"    build {fraction * 100:5.1f}% {message}", flush=True)

    t0 = time.perf_counter()
    summary = demo.build(db, cases=cases, seed=seed, progress=progress)
    seconds = time.perf_counter() - t0
    out.write_text(json.dumps({"seconds": seconds, "summary": {k: _jsonable(v) for k, v in dict(summary or {}).items()},
                               "peak_rss_mb": _maxrss_mb()}))


# ---------------------------------------------------------------------------------------------
# worker: the gridgov path
# ---------------------------------------------------------------------------------------------

def _overview_dump(ov: Any) -> dict[str, Any]:
    import polars as pl

    def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
        return [{k: _jsonable(v) for k, v in r.items()} for r in frame.to_dicts()]

    return {
        "current": {k: _jsonable(v) for k, v in ov.current.items()},
        "previous": {k: _jsonable(v) for k, v in ov.previous.items()},
        "trend": rows(ov.trend.select(["week_start", *COMPARED])),
        "ranking": rows(ov.ranking.select(["street_name", *COMPARED])),
        "overdue": rows(ov.overdue.select(["case_id", "deadline_at", "days_overdue"])),
        "unmatched_received": getattr(ov, "unmatched_received", None),
    }


def worker_gridgov(db: Path, repeat: int, out: Path, profile: bool, quiet_wait: float, attempts: int) -> None:
    import duckdb
    import queries
    from gridgov import config, metrics, store

    rss_imports = _rss_mb()[0]
    t0 = time.perf_counter()
    con = store.connect(db)
    open_s = time.perf_counter() - t0
    cfg = config.load()

    per_query: dict[str, list[float]] = {}
    recording = [False]

    def fetch(name: str, **params: Any):
        t = time.perf_counter()
        frame = queries.fetch(con, name, **params)
        if recording[0]:
            per_query.setdefault(name, []).append(time.perf_counter() - t)
        return frame

    span = metrics.data_span(fetch)
    week = metrics.default_week(span)
    settings = con.cursor().execute(
        "select current_setting('threads'), current_setting('memory_limit')").fetchone()

    def run(street: str | None) -> Any:
        return metrics.overview(fetch, week, cfg, street=street, as_of=span.as_of)

    # District scope: warm once (first reads from disk), then the timed runs.
    t = time.perf_counter()
    district = run(None)
    cold_s = time.perf_counter() - t
    # The street: the busiest one of the week (a real street, not the unmatched bucket).
    busiest = district.ranking.filter(district.ranking["street_name"] != metrics.UNKNOWN_STREET)
    street = busiest.sort("received", descending=True)["street_name"][0]

    times: dict[str, list[float]] = {"district": [], "street": []}
    breakdown: dict[str, dict[str, Any]] = {}
    load = Timer(quiet_wait, attempts)
    results = {}
    for scope, st in (("district", None), ("street", street)):
        if scope == "street":
            run(st)  # warm
        accepted: dict[str, list[float]] = {}
        recording[0] = True
        times[scope] = load.run(
            scope, repeat, lambda: results.__setitem__(scope, run(st)),
            before=per_query.clear, take=lambda: {k: list(v) for k, v in per_query.items()},
            accept=lambda taken: [accepted.setdefault(k, []).extend(v) for k, v in taken.items()])
        recording[0] = False
        breakdown[scope] = {k: _stats(v) for k, v in accepted.items()}
        breakdown[scope]["_sum_of_query_medians_ms"] = sum(s["median_ms"] for s in breakdown[scope].values())
    street_result = results["street"]
    peak_overview = _maxrss_mb()
    rss_after_overview = _rss_mb()[0]

    # The floor: one numeric column summed over every row.
    floor_sql = "select sum(lon) from cases"
    cur = con.cursor()
    cur.execute(floor_sql).fetchall()
    floor = load.run("floor", repeat, lambda: cur.execute(floor_sql).fetchall())
    peak_after_floor = _maxrss_mb()
    cur.close()

    # A street-confined user's session does not filter the district instance: it reads an
    # in-memory snapshot holding only its street (gridgov.scope). Measure what one costs.
    snap = _snapshot_figures(con, metrics, queries, week, cfg, span.as_of, street, repeat, load)

    profiles: dict[str, str] = {}
    if profile:
        profiles = _explain_overview(con, week, cfg, span.as_of, street)

    db_mb = db.stat().st_size / 2**20
    out.write_text(json.dumps({
        "duckdb": duckdb.__version__,
        "threads": settings[0], "memory_limit": settings[1],
        "open_s": open_s, "cold_first_overview_ms": cold_s * 1000,
        "db_mb": db_mb,
        "span": {"cases": span.cases, "petitions": span.petitions, "grids": span.grids,
                 "first": _jsonable(span.first_received_at), "last": _jsonable(span.last_received_at),
                 "as_of": _jsonable(span.as_of)},
        "week": week.label, "as_of": _jsonable(span.as_of), "street": street,
        "trend_weeks": cfg.trend_weeks, "overdue_rows": cfg.overdue_rows, "min_denominator": cfg.min_denominator,
        "weights": cfg.composite_weights, "basically_satisfied_weight": cfg.basically_satisfied_weight,
        "district": _stats(times["district"]), "street_stats": _stats(times["street"]),
        "breakdown": breakdown,
        "floor_sql": floor_sql, "floor": _stats(floor), "_other_cores": load.worst, "_others": load.others, "cpu_ms": load.cpu_ms,
        "disturbed": load.disturbed, "waited_s": load.waited_s,
        "peak_rss_mb": peak_overview, "peak_rss_after_floor_mb": peak_after_floor,
        "rss_after_overview_mb": rss_after_overview, "rss_after_imports_mb": rss_imports,
        "numbers": {"district": _overview_dump(district), "street": _overview_dump(street_result)},
        "profiles": profiles, "snapshot": snap,
    }, ensure_ascii=False))
    con.close()


def _snapshot_figures(con: Any, metrics: Any, queries: Any, week: Any, cfg: Any, as_of: datetime, street: str,
                      repeat: int, load: "Timer") -> dict[str, Any] | None:
    try:
        from gridgov import scope
    except ImportError:
        return None
    if not hasattr(scope, "snapshot"):
        return None
    gc.collect()
    rss0 = _rss_mb()[0]
    t = time.perf_counter()
    snap = scope.snapshot(con, street)
    build_s = time.perf_counter() - t
    rss1 = _rss_mb()[0]

    def sfetch(name: str, **params: Any):
        return queries.fetch(snap, name, **params)

    out: dict[str, Any] = {}
    def once() -> None:
        out["ov"] = metrics.overview(sfetch, week, cfg, street=street, as_of=as_of)
    once()  # warm
    times = load.run("snapshot", repeat, once)
    rows = snap.cursor().execute("select count(*) from cases").fetchone()[0]
    figures = {"street": street, "build_s": build_s, "rss_growth_mb": rss1 - rss0, "cases": rows,
               "rss_after_mb": _rss_mb()[0], "overview": _stats(times), "numbers": _overview_dump(out["ov"])}
    snap.close()
    return figures


def _explain_overview(con: Any, week: Any, cfg: Any, as_of: datetime, street: str) -> dict[str, str]:
    """EXPLAIN ANALYZE of each query the overview runs (district scope), on its own cursor."""
    import queries

    weeks = max(cfg.trend_weeks, 2)
    start, end = week.shift(-(weeks - 1)).start, week.end
    calls = {
        "case_counts": dict(start=start, end=end, level="street", streets=[], basis="assessment"),
        "petition_counts": dict(start=start, end=end, level="street", streets=[]),
        "overdue_open_cases": dict(as_of=as_of, streets=[], row_limit=cfg.overdue_rows),
        "overdue_open_cases[street]": dict(as_of=as_of, streets=[street], row_limit=cfg.overdue_rows),
    }
    out = {}
    for label, params in calls.items():
        q = queries.load(label.split("[")[0])
        cur = con.cursor()
        try:
            rows = cur.execute("EXPLAIN ANALYZE " + q.sql, q.bind(params)).fetchall()
            out[label] = "\n".join(str(r[-1]) for r in rows)
        except Exception as e:  # a profile is an extra; report, never fail the benchmark
            out[label] = f"EXPLAIN ANALYZE failed: {e}"
        finally:
            cur.close()
    return out


# ---------------------------------------------------------------------------------------------
# worker: the plain-pandas baseline
# ---------------------------------------------------------------------------------------------

CASE_COLUMNS = ("case_id", "received_at", "grid_id", "status", "deadline_at", "closed_at", "satisfaction",
                "contacted", "resolved", "is_repeat", "excluded", "category", "subcategory", "handling_unit")
PETITION_COLUMNS = ("petition_id", "received_at", "grid_id", "is_repeat", "is_skip_level", "is_collective")
GRID_COLUMNS = ("grid_id", "street_name", "community_name", "grid_name")
FLAGS = ("received", "closed", "closed_with_deadline", "closed_on_time", "rated", "rated_contacted",
         "rated_resolved", "satisfied", "basically_satisfied", "dissatisfied", "repeats")


def _pd_measures(frame: Any, w: float, weights: dict[str, float]) -> Any:
    """Every measure of SCHEMA.md as columns of a frame of summed counts; zero denominators give NaN."""
    import numpy as np

    def ratio(num: Any, den: Any) -> Any:
        den = den.astype("float64")
        return np.where(den > 0, num.astype("float64") / den.where(den > 0, 1.0), np.nan)

    f = frame
    f["completion_rate"] = ratio(f["closed"], f["received"])
    f["on_time_rate"] = ratio(f["closed_on_time"], f["closed_with_deadline"])
    f["response_rate"] = ratio(f["rated_contacted"], f["rated"])
    f["resolution_rate"] = ratio(f["rated_resolved"], f["rated"])
    f["satisfaction_rate"] = ratio(f["satisfied"] + w * f["basically_satisfied"], f["rated"])
    f["repeat_rate"] = ratio(f["repeats"], f["received"])
    f["composite_score"] = (weights["response_rate"] * f["response_rate"]
                            + weights["resolution_rate"] * f["resolution_rate"]
                            + weights["satisfaction_rate"] * f["satisfaction_rate"])
    return f


def pandas_overview(cases: Any, petitions: Any, grids: Any, b: dict[str, Any], as_of: datetime,
                    street: str | None, w: float, weights: dict[str, float], overdue_rows: int,
                    min_denominator: int) -> dict[str, Any]:
    """The overview's numbers with plain pandas: masks, merge with grids for the street, groupby."""
    import pandas as pd

    streets = grids[["grid_id", "street_name"]]
    # Cases received in the trend window (12 weeks), assessment basis: excluded cases left out.
    rec = cases["received_at"]
    mask = (rec >= b["trend_start"]) & (rec < b["end"]) & ~cases["excluded"].fillna(False)
    win = cases.loc[mask, ["received_at", "grid_id", "status", "deadline_at", "closed_at", "satisfaction",
                           "contacted", "resolved", "is_repeat"]]
    win = win.merge(streets, on="grid_id", how="left")
    if street is not None:
        win = win[win["street_name"] == street]
    closed = win["status"] == "closed"
    rated = win["satisfaction"].notna()
    flags = pd.DataFrame({
        "received": 1,
        "closed": closed,
        "closed_with_deadline": closed & win["deadline_at"].notna(),
        "closed_on_time": closed & (win["closed_at"] <= win["deadline_at"]),
        "rated": rated,
        "rated_contacted": rated & win["contacted"].fillna(False),
        "rated_resolved": rated & win["resolved"].fillna(False),
        "satisfied": win["satisfaction"] == "satisfied",
        "basically_satisfied": win["satisfaction"] == "basically_satisfied",
        "dissatisfied": win["satisfaction"] == "dissatisfied",
        "repeats": win["is_repeat"].fillna(False),
    }).astype("int64")
    day = win["received_at"].dt.normalize()
    flags["week_start"] = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    flags["street_name"] = win["street_name"].fillna(UNKNOWN_STREET)
    flags["received_at"] = win["received_at"]

    prec = petitions["received_at"]
    pwin = petitions.loc[(prec >= b["trend_start"]) & (prec < b["end"]), ["received_at", "grid_id"]]
    pwin = pwin.merge(streets, on="grid_id", how="left")
    if street is not None:
        pwin = pwin[pwin["street_name"] == street]
    pwin = pwin.assign(street_name=pwin["street_name"].fillna(UNKNOWN_STREET))
    pday = pwin["received_at"].dt.normalize()
    pwin["week_start"] = pday - pd.to_timedelta(pday.dt.day_of_week, unit="D")

    flag_cols = list(FLAGS)
    in_week = flags["received_at"] >= b["start"]
    in_prev = (flags["received_at"] >= b["previous_start"]) & ~in_week
    p_in_week = pwin["received_at"] >= b["start"]
    p_in_prev = (pwin["received_at"] >= b["previous_start"]) & ~p_in_week

    def kpis(sel: Any, psel: Any) -> dict[str, Any]:
        row = flags.loc[sel, flag_cols].sum().to_frame().T
        row["petitions"] = int(psel.sum())
        return {k: _jsonable(v) for k, v in _pd_measures(row, w, weights).iloc[0].items()}

    current = kpis(in_week, p_in_week)
    previous = kpis(in_prev, p_in_prev)

    # 12-week trend: every week of the window, empty weeks with zero counts.
    weeks = pd.DatetimeIndex([b["trend_start"] + timedelta(weeks=i) for i in range(b["weeks"])], name="week_start")
    trend = flags.groupby("week_start")[flag_cols].sum().reindex(weeks, fill_value=0)
    trend["petitions"] = pwin.groupby("week_start").size().reindex(weeks, fill_value=0)
    trend = _pd_measures(trend, w, weights).reset_index()

    # Street ranking for the week (metrics.rank_units): cases without a known grid belong to no
    # street and are left out; streets whose rated cases are fewer than min_denominator go last;
    # then best composite score first, then most received.
    ranking = flags.loc[in_week].groupby("street_name")[flag_cols].sum()
    ranking = ranking.join(pwin.loc[p_in_week].groupby("street_name").size().rename("petitions"), how="outer")
    ranking = ranking.fillna(0).astype("int64")
    ranking = ranking[ranking.index != UNKNOWN_STREET]
    ranking = _pd_measures(ranking, w, weights).reset_index()
    ranking["small_sample"] = ranking["rated"] < min_denominator
    ranking = ranking.sort_values(["small_sample", "composite_score", "received"], ascending=[True, False, False],
                                  na_position="last")
    unmatched = int(flags.loc[in_week & (flags["street_name"] == UNKNOWN_STREET), "received"].sum())

    # Open cases past their deadline as of as_of, most overdue first.
    od = cases.loc[cases["status"].isin(["pending", "in_progress"]) & (cases["deadline_at"] < as_of)
                   & (cases["received_at"] <= as_of),
                   ["case_id", "received_at", "category", "subcategory", "grid_id", "handling_unit", "deadline_at"]]
    od = od.merge(grids, on="grid_id", how="left")
    if street is not None:
        od = od[od["street_name"] == street]
    od = od.sort_values(["deadline_at", "case_id"]).head(overdue_rows)
    od = od.assign(days_overdue=(pd.Timestamp(as_of) - od["deadline_at"]).dt.total_seconds() / 86400.0)

    def rows(frame: Any, cols: list[str]) -> list[dict[str, Any]]:
        return [{k: _jsonable(v.to_pydatetime() if hasattr(v, "to_pydatetime") else v) for k, v in r.items()}
                for r in frame[cols].to_dict("records")]

    trend["week_start"] = trend["week_start"].dt.date
    return {
        "current": current, "previous": previous,
        "trend": rows(trend, ["week_start", *COMPARED]),
        "ranking": rows(ranking, ["street_name", *COMPARED]),
        "overdue": rows(od, ["case_id", "deadline_at", "days_overdue"]),
        "unmatched_received": unmatched,
    }


def worker_pandas(db: Path, repeat: int, out: Path, quiet_wait: float, attempts: int, week: str, as_of: str, street: str,
                  trend_weeks: int, overdue_rows: int, min_denominator: int, w: float,
                  weights: dict[str, float]) -> None:
    import duckdb
    import pandas as pd

    rss_imports = _rss_mb()[0]
    t0 = time.perf_counter()
    con = duckdb.connect(str(db), read_only=True)
    cases = con.sql("select " + ", ".join(CASE_COLUMNS) + " from cases").df()
    petitions = con.sql("select " + ", ".join(PETITION_COLUMNS) + " from petitions").df()
    grids = con.sql("select " + ", ".join(GRID_COLUMNS) + " from grids").df()
    con.close()
    del con
    gc.collect()
    load_s = time.perf_counter() - t0
    peak_load = _maxrss_mb()
    frames_mb = sum(f.memory_usage(deep=True).sum() for f in (cases, petitions, grids)) / 2**20
    rss_loaded = _rss_mb()[0]
    hwm_reset = _reset_hwm()

    b = _week_bounds(week, trend_weeks)
    moment = datetime.fromisoformat(as_of)
    times: dict[str, list[float]] = {"district": [], "street": []}
    results = {}
    load = Timer(quiet_wait, attempts)
    for scope, st in (("district", None), ("street", street)):
        def once(scope: str = scope, st: str | None = st) -> None:
            results[scope] = pandas_overview(cases, petitions, grids, b, moment, st, w, weights, overdue_rows,
                                             min_denominator)
        once()  # warm
        times[scope] = load.run(scope, repeat, once)
    out.write_text(json.dumps({
        "pandas": pd.__version__,
        "load_s": load_s, "rows": {"cases": len(cases), "petitions": len(petitions), "grids": len(grids)},
        "dtypes": {c: str(t) for c, t in cases.dtypes.items()},
        "frames_mb": frames_mb, "rss_after_load_mb": rss_loaded, "rss_after_imports_mb": rss_imports,
        # ru_maxrss and VmHWM were reset after loading (clear_refs), so this peak is the one of a
        # server holding the frames and answering; the load's own peak is reported apart.
        "peak_rss_mb": _rss_mb()[1] if hwm_reset else _maxrss_mb(), "hwm_reset": hwm_reset,
        "peak_rss_during_load_mb": peak_load,
        "district": _stats(times["district"]), "street_stats": _stats(times["street"]),
        "_other_cores": load.worst, "_others": load.others, "cpu_ms": load.cpu_ms,
        "disturbed": load.disturbed, "waited_s": load.waited_s,
        "numbers": results,
    }, ensure_ascii=False))


# ---------------------------------------------------------------------------------------------
# the parent: build, run both workers, compare, report
# ---------------------------------------------------------------------------------------------

def _run_worker(args: list[str], label: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False, dir="/tmp", prefix="bench_") as f:
        out = Path(f.name)
    try:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *args, "--out", str(out)]
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"{label} worker failed (exit {proc.returncode})")
        data = json.loads(out.read_text())
        data["_wall_s"] = time.perf_counter() - t
        return data
    finally:
        out.unlink(missing_ok=True)


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def compare(g: dict[str, Any], p: dict[str, Any]) -> list[str]:
    """Differences between gridgov's and pandas' numbers (empty when they agree)."""
    diffs: list[str] = []

    def rowdiff(where: str, a: dict[str, Any], b: dict[str, Any], keys: tuple[str, ...]) -> None:
        for k in keys:
            if not _close(a.get(k), b.get(k)):
                diffs.append(f"{where} {k}: gridgov {a.get(k)!r} vs pandas {b.get(k)!r}")

    for scope in ("district", "street"):
        gn, pn = g[scope], p[scope]
        rowdiff(f"[{scope}] current", gn["current"], pn["current"], COMPARED)
        rowdiff(f"[{scope}] previous", gn["previous"], pn["previous"], COMPARED)
        gt = {r["week_start"]: r for r in gn["trend"]}
        pt = {r["week_start"]: r for r in pn["trend"]}
        if list(gt) != list(pt):
            diffs.append(f"[{scope}] trend weeks: gridgov {list(gt)} vs pandas {list(pt)}")
        for wk in gt.keys() & pt.keys():
            rowdiff(f"[{scope}] trend {wk}", gt[wk], pt[wk], COMPARED)
        gr = {r["street_name"]: r for r in gn["ranking"]}
        pr = {r["street_name"]: r for r in pn["ranking"]}
        if set(gr) != set(pr):
            diffs.append(f"[{scope}] ranking streets: only gridgov {sorted(set(gr) - set(pr))}, "
                         f"only pandas {sorted(set(pr) - set(gr))}")
        for s in gr.keys() & pr.keys():
            rowdiff(f"[{scope}] ranking {s}", gr[s], pr[s], COMPARED)
        if gn.get("unmatched_received") is not None and gn["unmatched_received"] != pn["unmatched_received"]:
            diffs.append(f"[{scope}] unmatched_received: gridgov {gn['unmatched_received']} vs pandas {pn['unmatched_received']}")
        # Order: compare the sort keys rank by rank (ties may list tied streets either way).
        for i, (a, b) in enumerate(zip(gn["ranking"], pn["ranking"])):
            if a["street_name"] != b["street_name"] and not (
                    _close(a["composite_score"], b["composite_score"]) and a["received"] == b["received"]):
                diffs.append(f"[{scope}] ranking order at {i + 1}: gridgov {a['street_name']} vs pandas {b['street_name']}")
        go = [(r["case_id"], r["deadline_at"]) for r in gn["overdue"]]
        po = [(r["case_id"], r["deadline_at"]) for r in pn["overdue"]]
        if go != po:
            diffs.append(f"[{scope}] overdue list differs: gridgov {go[:3]}… vs pandas {po[:3]}…")
        else:
            for a, b in zip(gn["overdue"], pn["overdue"]):
                if not _close(a["days_overdue"], b["days_overdue"]):
                    diffs.append(f"[{scope}] overdue {a['case_id']} days_overdue {a['days_overdue']} vs {b['days_overdue']}")
    return diffs


def ensure_db(size: int, seed: int) -> tuple[Path, float | None]:
    db = BENCH_DIR / f"demo_{size}.duckdb"
    if db.exists():
        print(f"  reusing {db.relative_to(ROOT)} ({db.stat().st_size / 2**20:,.0f} MB)", flush=True)
        return db, None
    if not (ROOT / "gridgov" / "demo" / "__init__.py").exists():
        raise SystemExit("gridgov/demo is not there yet: cannot build the demo district")
    print(f"  building {db.relative_to(ROOT)} ({size:,} cases, seed {seed}) …", flush=True)
    # demo.build writes <db>.building and moves it into place only when complete.
    data = _run_worker(["build", "--db", str(db), "--cases", str(size), "--seed", str(seed)], "build")
    print(f"  built in {data['seconds']:.1f} s (peak RSS {data['peak_rss_mb']:,.0f} MB): {data['summary']}", flush=True)
    return db, data["seconds"]


def _sh(cmd: str) -> str:
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return "?"


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = _sh(f"{sys.executable} -c \"import duckdb, polars, pandas, numpy, pyarrow; "
                   "print(duckdb.__version__, polars.__version__, pandas.__version__, numpy.__version__, pyarrow.__version__)\"").split()
    names = ["duckdb", "polars", "pandas", "numpy", "pyarrow"]
    return {
        "date": _sh("date"), "nproc": _sh("nproc"), "cpu": cpu, "free": _sh("free -h"),
        "kernel": platform.release(), "python": platform.python_version(),
        **dict(zip(names, versions)),
    }


def _fmt_ms(s: dict[str, float]) -> str:
    return f"{s['median_ms']:,.0f} / {s['p90_ms']:,.0f}"


def table(results: list[dict[str, Any]]) -> str:
    head = ("| cases | gridgov overview median / p90 (ms) | same, one street | pandas median / p90 (ms) | "
            "pandas, one street | speed-up × | CPU per overview gridgov / pandas (ms)³ | CPU ratio × | "
            "floor `sum(lon)` (ms) | peak RSS gridgov / pandas¹ (MB) | memory ratio | pandas load: s / peak MB² | "
            "others' load (cores)⁴ | numbers |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        g, p = r["gridgov"], r["pandas"]
        speed = p["district"]["median_ms"] / g["district"]["median_ms"]
        ratio = g["peak_rss_mb"] / p["peak_rss_mb"]
        gc_, pc_ = g["cpu_ms"]["district"], p["cpu_ms"]["district"]
        lines.append(
            f"| {r['size']:,} | {_fmt_ms(g['district'])} | {_fmt_ms(g['street_stats'])} | {_fmt_ms(p['district'])} | "
            f"{_fmt_ms(p['street_stats'])} | {speed:.1f}× | {gc_:,.0f} / {pc_:,.0f} | {pc_ / gc_:.1f}× | "
            f"{g['floor']['median_ms']:,.1f} | "
            f"{g['peak_rss_mb']:,.0f} / {p['peak_rss_mb']:,.0f} | {ratio:.2f} | {p['load_s']:.1f} / {p['peak_rss_during_load_mb']:,.0f} | "
            f"{max(g['_other_cores'], p['_other_cores']):.2f} | "
            f"{'agree' if not r['diffs'] else str(len(r['diffs'])) + ' differences'} |")
    lines += ["",
              "¹ pandas: peak RSS while holding the loaded frames and answering (the kernel's peak mark is reset "
              "after loading); gridgov: ru_maxrss of the whole process (open, every overview run).  ",
              "² reading the tables out of DuckDB into pandas, once; not counted in the query times.  ",
              "³ the process's CPU time (all threads, user + system) per district overview: unlike wall time, "
              "it hardly grows when other processes share the cores. pandas runs on one thread, so its CPU time is "
              "about its wall time on an idle machine; DuckDB uses both cores, so gridgov's idle wall time lies "
              "between half its CPU time and its CPU time.  ",
              f"⁴ the CPU other processes used during the kept runs (cores of {os.cpu_count()}, in the worst section "
              f"lasting at least 0.5 s); above {QUIET_CORES} the wall times are inflated by the machine being shared."]
    return "\n".join(lines)


def goals(results: list[dict[str, Any]]) -> str:
    out = []
    for r in results:
        g, p = r["gridgov"], r["pandas"]
        med = g["district"]["median_ms"]
        speed = p["district"]["median_ms"] / med
        ratio = g["peak_rss_mb"] / p["peak_rss_mb"]
        def mark(ok: bool) -> str:
            return "met" if ok else "**missed**"
        out.append(
            f"- {r['size']:,} cases: overview median {med:,.0f} ms vs goal ≤ {GOAL_MS:.0f} ms ({mark(med <= GOAL_MS)}); "
            f"speed-up {speed:.1f}× vs goal ≥ {GOAL_SPEEDUP:.0f}× ({mark(speed >= GOAL_SPEEDUP)}); "
            f"memory {ratio:.2f} of pandas' vs goal < 0.33 ({mark(ratio < GOAL_MEMORY_RATIO)})"
            + ("" if r["size"] >= 10_000_000 else " — the goals are stated for 10M; shown for reference")
            + (" — other processes were busy during this size's run, see below"
               if max(g["_other_cores"], p["_other_cores"]) > QUIET_CORES else ""))
    return "\n".join(out)


def details(results: list[dict[str, Any]]) -> str:
    out = []
    for r in results:
        g, p = r["gridgov"], r["pandas"]
        if out:
            out.append("")
        out.append(f"**{r['size']:,} cases** — DB {g['db_mb']:,.0f} MB; data {g['span']['first']} … {g['span']['last']}, "
                   f"{g['span']['cases']:,} cases, {g['span']['petitions']:,} petitions, {g['span']['grids']:,} grids; "
                   f"week {g['week']}, as of {g['as_of']}, street {g['street']}"
                   + (f"; demo build {r['build_s']:.0f} s" if r.get("build_s") else "") + ".")
        out.append(f"- gridgov: DuckDB threads {g['threads']}, memory_limit {g['memory_limit']}; open {g['open_s'] * 1000:,.0f} ms; "
                   f"first (cold) overview {g['cold_first_overview_ms']:,.0f} ms; RSS after imports {g['rss_after_imports_mb']:,.0f} MB, "
                   f"after the overview runs {g['rss_after_overview_mb']:,.0f} MB, peak {g['peak_rss_mb']:,.0f} MB "
                   f"({g['peak_rss_after_floor_mb']:,.0f} MB after the floor query); min/max {g['district']['min_ms']:,.0f}/{g['district']['max_ms']:,.0f} ms.")
        for scope in ("district", "street"):
            bd = g["breakdown"][scope]
            parts = [f"{k} {v['median_ms']:,.1f}" for k, v in bd.items() if not k.startswith("_")]
            total = (g["district"] if scope == "district" else g["street_stats"])["median_ms"]
            rest = total - bd["_sum_of_query_medians_ms"]
            out.append(f"  - {scope} per-query medians (ms): " + ", ".join(parts)
                       + (f"; overview median minus their sum (result conversion and polars) ≈ {rest:,.1f}" if rest >= 0
                          else "; their sum exceeds the overview's median (noisy runs)"))
        def sections(w: dict[str, Any]) -> str:
            return ", ".join(f"{k} {v:.2f} ({w['disturbed'][k]}/{r['repeat']} runs disturbed)" for k, v in w["_others"].items())
        out.append(f"- CPU other processes used during the kept timed runs (mean cores, of {os.cpu_count()}; quiet is ≤ {QUIET_CORES}): "
                   f"gridgov {sections(g)}; pandas {sections(p)}"
                   + (" — **the machine was not quiet; those timings are inflated**"
                      if max(g['_other_cores'], p['_other_cores']) > QUIET_CORES else "") + ".")
        sn = g.get("snapshot")
        if sn:
            out.append(f"- a street user's session (gridgov.scope: an in-memory copy of one street, here {sn['street']}, "
                       f"{sn['cases']:,} cases): built in {sn['build_s']:.1f} s, RSS +{sn['rss_growth_mb']:,.0f} MB; "
                       f"overview on it {_fmt_ms(sn['overview'])} ms (median / p90); numbers "
                       + ("agree with the street-filtered overview" if not r.get("snapshot_diffs")
                          else "DIFFER from the street-filtered overview: " + "; ".join(r["snapshot_diffs"][:5])) + ".")
        out.append(f"- pandas: load {p['load_s']:.1f} s ({p['rows']['cases']:,} cases), frames {p['frames_mb']:,.0f} MB (deep), "
                   f"RSS after imports {p['rss_after_imports_mb']:,.0f} MB, after load {p['rss_after_load_mb']:,.0f} MB, peak during load {p['peak_rss_during_load_mb']:,.0f} MB, "
                   f"peak during the queries {p['peak_rss_mb']:,.0f} MB; "
                   f"min/max {p['district']['min_ms']:,.0f}/{p['district']['max_ms']:,.0f} ms.")
        out.append("- numbers: " + ("agree (KPIs of the week and the week before, 12-week trend, street ranking, "
                                     "overdue list; district and street scope)" if not r["diffs"]
                                     else "DIFFER: " + "; ".join(r["diffs"][:10])))
    return "\n".join(out)


def results_markdown(results: list[dict[str, Any]], mach: dict[str, str], repeat: int) -> str:
    return "\n".join([
        f"Run: {mach['date']} · `python bench/bench_overview.py --sizes {' '.join(str(r['size']) for r in results)} --repeat {repeat}`",
        "",
        f"Machine: {mach['nproc']} cores, {mach['cpu']}, Linux {mach['kernel']}; Python {mach['python']}, "
        f"duckdb {mach.get('duckdb')}, polars {mach.get('polars')}, pandas {mach.get('pandas')}, "
        f"numpy {mach.get('numpy')}, pyarrow {mach.get('pyarrow')}.",
        "",
        "```", mach["free"], "```",
        "",
        table(results),
        "",
        "Goals (the issue: at 10M on 2 cores, the whole overview ≤ 300 ms median warm, ≥ 5× faster than pandas, "
        "server memory under a third of pandas'):",
        "",
        goals(results),
        "",
        details(results),
    ])


def update_readme(text: str) -> None:
    readme = BENCH_DIR / "README.md"
    block = f"{README_BEGIN}\n{text}\n{README_END}"
    if readme.exists():
        old = readme.read_text(encoding="utf-8")
        if README_BEGIN in old and README_END in old:
            pre, rest = old.split(README_BEGIN, 1)
            post = rest.split(README_END, 1)[1]
            readme.write_text(pre + block + post, encoding="utf-8")
            return
        readme.write_text(old.rstrip() + "\n\n## Results\n\n" + block + "\n", encoding="utf-8")
        return
    readme.write_text("# Benchmarks\n\n## Results\n\n" + block + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--profile", action="store_true", help="print EXPLAIN ANALYZE of the overview's queries")
    ap.add_argument("--update-readme", action="store_true", help="write the results into bench/README.md")
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline")
    ap.add_argument("--quiet-wait", type=float, default=60, metavar="SECONDS",
                    help="before each timed section, wait up to this long for other processes to go quiet (0: don't)")
    ap.add_argument("--attempts", type=int, default=3,
                    help="time a section again (up to this many times in all) when other processes were busy")
    # Worker mode (internal).
    ap.add_argument("--worker", choices=["build", "gridgov", "pandas"], help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--cases", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker == "build":
        worker_build(args.db, args.cases, args.seed, args.out)
        return 0
    if args.worker == "gridgov":
        worker_gridgov(args.db, args.repeat, args.out, args.profile, args.quiet_wait, args.attempts)
        return 0
    if args.worker == "pandas":
        p = json.loads(args.params)
        worker_pandas(args.db, args.repeat, args.out, args.quiet_wait, args.attempts, **p)
        return 0

    results = []
    for size in args.sizes:
        print(f"== {size:,} cases", flush=True)
        db, build_s = ensure_db(size, args.seed)
        wargs = (["--db", str(db), "--repeat", str(args.repeat), "--quiet-wait", str(args.quiet_wait),
                  "--attempts", str(args.attempts)]
                 + (["--profile"] if args.profile else []))
        g = _run_worker(["gridgov", *wargs], "gridgov")
        print(f"  gridgov  overview {_fmt_ms(g['district'])} ms (median / p90), street {g['street']} "
              f"{_fmt_ms(g['street_stats'])} ms; floor {g['floor']['median_ms']:.1f} ms; peak RSS {g['peak_rss_mb']:,.0f} MB; "
              f"other processes used ≤ {g['_other_cores']:.2f} cores meanwhile", flush=True)
        for scope in ("district", "street"):
            bd = g["breakdown"][scope]
            print(f"    {scope}: " + ", ".join(f"{k} {v['median_ms']:.1f} ms" for k, v in bd.items() if not k.startswith("_")),
                  flush=True)
        for label, plan in g["profiles"].items():
            print(f"\n--- EXPLAIN ANALYZE {label} ({size:,})\n{plan}\n", flush=True)
        if args.no_pandas:
            continue
        params = {"week": g["week"], "as_of": g["as_of"], "street": g["street"], "trend_weeks": g["trend_weeks"],
                  "overdue_rows": g["overdue_rows"], "min_denominator": g["min_denominator"],
                  "w": g["basically_satisfied_weight"], "weights": g["weights"]}
        p = _run_worker(["pandas", "--db", str(db), "--repeat", str(args.repeat), "--quiet-wait", str(args.quiet_wait),
                         "--attempts", str(args.attempts), "--params", json.dumps(params)], "pandas")
        print(f"  pandas   overview {_fmt_ms(p['district'])} ms, street {_fmt_ms(p['street_stats'])} ms; "
              f"load {p['load_s']:.1f} s; peak RSS {p['peak_rss_mb']:,.0f} MB; "
              f"other processes used ≤ {p['_other_cores']:.2f} cores meanwhile", flush=True)
        diffs = compare(g["numbers"], p["numbers"])
        snapshot_diffs: list[str] = []
        if g.get("snapshot"):
            sn = g["snapshot"]
            snapshot_diffs = compare({"district": g["numbers"]["street"], "street": g["numbers"]["street"]},
                                     {"district": sn["numbers"], "street": sn["numbers"]})
            snapshot_diffs = [d for d in snapshot_diffs if d.startswith("[district]")]
            print(f"  street user's snapshot ({sn['cases']:,} cases): built in {sn['build_s']:.1f} s, "
                  f"RSS +{sn['rss_growth_mb']:,.0f} MB, overview {_fmt_ms(sn['overview'])} ms; "
                  + ("numbers agree with the street filter" if not snapshot_diffs
                     else "numbers DIFFER from the street filter:\n    " + "\n    ".join(snapshot_diffs[:10])), flush=True)
        print("  numbers agree" if not diffs else "  numbers DIFFER:\n    " + "\n    ".join(diffs[:40]), flush=True)
        results.append({"size": size, "repeat": args.repeat, "build_s": build_s, "gridgov": g, "pandas": p, "diffs": diffs,
                        "snapshot_diffs": snapshot_diffs})

    if not results:
        return 0
    mach = machine()
    md = results_markdown(results, mach, args.repeat)
    print("\n" + md)
    if args.update_readme:
        update_readme(md)
        print(f"\nwrote {BENCH_DIR / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
