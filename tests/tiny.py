"""A tiny district whose measures are worked out by hand in the tests (see test_measures.py)."""
from __future__ import annotations

from datetime import datetime as dt
from pathlib import Path

import polars as pl

from gridgov import store

AS_OF = dt(2026, 11, 20, 18, 0)

GRIDS = pl.DataFrame(
    {
        "grid_id": ["g1", "g2", "g3"],
        "grid_name": ["东一网格", "东二网格", "西一网格"],
        "community_name": ["东社区", "东社区", "西村"],
        "street_name": ["东街道", "东街道", "西镇"],
        "grid_type": ["urban", "urban", "rural"],
        "households": [400, 200, 0],
        "population": [1000, 500, 0],
        "full_time_staff": [2, 1, 0],
        "part_time_staff": [3, 2, 1],
        "volunteers": [10, 5, 2],
        "has_party_branch": [True, True, False],
        "leader_is_party_member": [True, False, False],
        "centroid_lon": [112.95, 112.96, 112.90],
        "centroid_lat": [28.20, 28.21, 28.19],
    }
)

_C = ["case_id", "grid_id", "received_at", "deadline_at", "closed_at", "status", "satisfaction",
      "contacted", "resolved", "is_repeat", "excluded", "channel", "category"]
_CASE_ROWS = [
    # week 2026-W46 (9-15 Nov)
    ("c1", "g1", dt(2026, 11, 9, 9), dt(2026, 11, 12), dt(2026, 11, 10), "closed", "satisfied", True, True, False, False, "hotline", "物业服务"),
    ("c2", "g1", dt(2026, 11, 10, 10), dt(2026, 11, 12), dt(2026, 11, 14), "closed", "basically_satisfied", True, False, False, False, "hotline", "停车难"),
    ("c3", "g2", dt(2026, 11, 11, 11), dt(2026, 11, 13), None, "in_progress", None, None, None, False, False, "app", "噪音扰民"),
    ("c4", "g2", dt(2026, 11, 12, 12), None, dt(2026, 11, 13), "closed", "dissatisfied", False, False, True, False, "hotline", "物业服务"),
    ("c5", "g3", dt(2026, 11, 13, 13), dt(2026, 11, 20), dt(2026, 11, 14), "closed", None, None, None, False, True, "patrol", "环境整治"),
    ("c6", None, dt(2026, 11, 14, 14), dt(2026, 11, 30), None, "pending", None, None, None, True, False, "hotline", "其他"),
    # week 2026-W45 (2-8 Nov)
    ("c7", "g1", dt(2026, 11, 3, 9), dt(2026, 11, 5), dt(2026, 11, 4), "closed", "satisfied", True, True, False, False, "hotline", "物业服务"),
    ("c8", "g3", dt(2026, 11, 5, 9), dt(2026, 11, 9), None, "cancelled", None, None, None, False, False, "hotline", "其他"),
]
CASES = pl.DataFrame(_CASE_ROWS, schema=_C, orient="row")

PETITIONS = pl.DataFrame(
    {
        "petition_id": ["p1", "p2", "p3"],
        "received_at": [dt(2026, 11, 10, 9), dt(2026, 11, 12, 9), dt(2026, 11, 4, 9)],
        "form": ["visit", "letter", "online"],
        "category": ["物业纠纷", "征地拆迁", "其他"],
        "grid_id": ["g1", "g3", None],
        "persons": [1, 12, 1],
        "is_repeat": [False, False, True],
        "is_skip_level": [False, True, False],
        "is_collective": [False, True, False],
        "status": ["closed", "in_progress", "closed"],
    }
)


def build(path: Path | str) -> Path:
    con = store.connect(path)
    store.insert_frame(con, "grids", GRIDS)
    store.insert_frame(con, "cases", CASES)
    store.insert_frame(con, "petitions", PETITIONS)
    store.set_meta(con, "as_of", AS_OF.isoformat(sep=" "))
    con.close()
    return Path(path)
