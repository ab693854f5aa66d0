"""A deterministic synthetic demo district: grids, 12345 work orders and petitions.

The same seed and sizes give byte-identical tables. Cases are generated and inserted in
chunks of whole days in received_at order, so 10M cases fit in a few GB and DuckDB's zone
maps can prune date ranges.
"""
from __future__ import annotations

import math
import os
import time
from typing import Callable

import numpy as np

from .. import store
from . import cases as case_gen
from . import geography, petitions as petition_gen, timeline
from .timeline import DEMO_END

__all__ = ["DEFAULT_CASES", "DEFAULT_SEED", "DEMO_END", "build"]

DEFAULT_CASES = 300_000
DEFAULT_SEED = 20261122
MAX_CHUNK = 1_000_000
# Cases remembered to let petitions name an earlier caller; bounded so memory stays flat.
LINK_SAMPLE = 200_000

Progress = Callable[[float, str], None]


def build(path: str | os.PathLike, *, cases: int = DEFAULT_CASES, seed: int = DEFAULT_SEED,
          petitions: int | None = None, progress: Progress | None = None) -> dict:
    """Build the demo database at path, replacing it only once complete; returns the counts
    of grids, cases and petitions and the seconds taken. petitions defaults to cases / 15."""
    started = time.perf_counter()
    report = progress or (lambda fraction, message: None)
    if cases < 0 or (petitions is not None and petitions < 0):
        raise ValueError("cases and petitions must not be negative")
    n_petitions = round(cases / 15) if petitions is None else petitions
    path = os.fspath(path)
    building = path + ".building"
    for leftover in (building, building + ".wal"):
        if os.path.exists(leftover):
            os.remove(leftover)

    try:
        con = store.connect(building)
        try:
            summary = _fill(con, cases, seed, n_petitions, report)
            report(0.97, "写入磁盘")
            con.execute("checkpoint")
        finally:
            con.close()
    except BaseException:
        for leftover in (building, building + ".wal"):
            if os.path.exists(leftover):
                os.remove(leftover)
        raise
    # A write-ahead log left by the old file would be replayed onto the new one.
    if os.path.exists(path + ".wal"):
        os.remove(path + ".wal")
    os.replace(building, path)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    report(1.0, "完成")
    return summary


def _fill(con, cases: int, seed: int, n_petitions: int, report: Progress) -> dict:
    report(0.0, "生成网格")
    calendar = timeline.Calendar()
    district = geography.build(timeline.rng(seed, 0), calendar.n_months)
    store.insert_frame(con, "grids", district.frame)
    salt = int(timeline.rng(seed, 4).integers(0, 2**63))
    tables = case_gen.Tables(district, calendar, cases, salt)

    volume = calendar.volume(weekend=0.6, holiday=0.5, spring=0.35, season=0.08, trend=1.0,
                             hours=timeline.HOUR_WEIGHTS)
    per_day = timeline.rng(seed, 1).multinomial(cases, volume)
    chunks = _chunks(per_day, min(MAX_CHUNK, max(50_000, math.ceil(cases / 10))))
    sample_rate = min(1.0, LINK_SAMPLE / max(cases, 1))
    samples, done = [], 0
    for k, days in enumerate(chunks):
        report(0.03 + 0.85 * done / max(cases, 1), f"生成工单 {k + 1}/{len(chunks)}")
        frame, sample = tables.generate(timeline.rng(seed, 2, k), days, per_day[days], done + 1,
                                        sample_rate)
        store.insert_frame(con, "cases", frame)
        samples.append(sample)
        done += frame.height
        del frame

    report(0.9, "生成信访件")
    if n_petitions:
        linkable = case_gen.Sample(*(np.concatenate([getattr(s, f) for s in samples])
                                     for f in ("received", "grid", "caller")))
        store.insert_frame(con, "petitions",
                           petition_gen.generate(timeline.rng(seed, 3), tables, n_petitions, linkable, salt))

    for key, value in (("as_of", DEMO_END.isoformat(sep=" ")), ("source", "demo"),
                       ("seed", str(seed)), ("cases", str(cases))):
        store.set_meta(con, key, value)
    return {"grids": district.frame.height, "cases": done, "petitions": n_petitions}


def _chunks(per_day: np.ndarray, target: int) -> list[np.ndarray]:
    """Consecutive runs of whole days holding at most target cases each (unless one day does)."""
    chunks, start, running = [], 0, 0
    for day, count in enumerate(per_day.tolist()):
        if running and running + count > target:
            chunks.append(np.arange(start, day))
            start, running = day, 0
        running += count
    chunks.append(np.arange(start, len(per_day)))
    return chunks
