"""A 3×3 lattice of square grids with boundaries, for the hotspot map's tests (answers worked by hand).

    row 1:  g11  g12  g13        北街道 (rows 1 and 2)
    row 2:  g21  g22  g23
    row 3:  g31  g32  g33        南街道

Each cell is 0.01° square; g11's south-west corner is (112.90, 28.22) and rows go south. Every grid
has 1,000 residents, so a count is its rate per 1,000. In 2026-H1 the hotline cases are

    10  8  0
     8  6  0
     0  0  0

and in 2025-H2

     4  9  9
     1  0  9
     0  0  0

2026-H1 also has 5 patrol cases in g33 (found by the grid: never graded) and three red-light app
cases: g13 overdue and open (deadline 2026-04-05), g13 a repeat still pending (no deadline), g23
closed with the resident dissatisfied. Petitions: g11 and g32 one each in 2026-H1.
"""
from __future__ import annotations

import json
from datetime import datetime as dt
from pathlib import Path

import polars as pl

from gridgov import store

AS_OF = dt(2026, 11, 20, 18, 0)
SIZE = 0.01
WEST, NORTH = 112.90, 28.23
H1_HOTLINE = {"g11": 10, "g12": 8, "g21": 8, "g22": 6}
H2_2025_HOTLINE = {"g11": 4, "g12": 9, "g13": 9, "g21": 1, "g23": 9}


def cell(grid_id: str) -> tuple[float, float, float, float]:
    """west, south, east, north of a grid."""
    row, col = int(grid_id[1]), int(grid_id[2])
    west = WEST + (col - 1) * SIZE
    north = NORTH - (row - 1) * SIZE
    return west, north - SIZE, west + SIZE, north


def centre(grid_id: str) -> tuple[float, float]:
    w, s, e, n = cell(grid_id)
    return round((w + e) / 2, 6), round((s + n) / 2, 6)


def _boundary(grid_id: str) -> str:
    w, s, e, n = (round(v, 6) for v in cell(grid_id))
    return json.dumps({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]})


IDS = [f"g{r}{c}" for r in (1, 2, 3) for c in (1, 2, 3)]

GRIDS = pl.DataFrame({
    "grid_id": IDS,
    "grid_name": [f"{g}网格" for g in IDS],
    "community_name": ["北社区" if g[1] in "12" else "南社区" for g in IDS],
    "street_name": ["北街道" if g[1] in "12" else "南街道" for g in IDS],
    "grid_type": ["urban"] * 9,
    "households": [400] * 9,
    "population": [1000] * 9,
    "full_time_staff": [1] * 9,
    "part_time_staff": [2] * 9,
    "volunteers": [5] * 9,
    "has_party_branch": [True] * 9,
    "leader_is_party_member": [True] * 9,
    "centroid_lon": [centre(g)[0] for g in IDS],
    "centroid_lat": [centre(g)[1] for g in IDS],
    "boundary": [_boundary(g) for g in IDS],
})


def _cases() -> pl.DataFrame:
    rows = []

    def add(grid_id, n, when, channel="hotline", category="物业服务", **kw):
        lon, lat = centre(grid_id)
        for k in range(n):
            rows.append(dict(case_id=f"{grid_id}-{when:%y%m}-{channel}-{len(rows)}", grid_id=grid_id,
                             received_at=when, channel=channel, category=category, subcategory="其他",
                             lon=lon, lat=lat, status=kw.get("status", "closed"),
                             deadline_at=kw.get("deadline_at", dt(2026, 12, 31)),
                             closed_at=kw.get("closed_at", when), satisfaction=kw.get("satisfaction", "satisfied"),
                             is_repeat=kw.get("is_repeat", False), excluded=False))

    for g, n in H1_HOTLINE.items():
        add(g, n, dt(2026, 3, 2, 9))
    for g, n in H2_2025_HOTLINE.items():
        add(g, n, dt(2025, 9, 1, 9))
    add("g33", 5, dt(2026, 3, 3, 9), channel="patrol", category="环境整治")   # found on patrol: never graded
    # Red-light cases in 2026-H1 (as of AS_OF): overdue and open, repeat and open, closed dissatisfied.
    add("g13", 1, dt(2026, 4, 1, 9), channel="app", status="in_progress", deadline_at=dt(2026, 4, 5), closed_at=None,
        satisfaction=None)
    add("g13", 1, dt(2026, 5, 1, 9), channel="app", status="pending", deadline_at=None, closed_at=None,
        satisfaction=None, is_repeat=True)
    add("g23", 1, dt(2026, 6, 1, 9), channel="app", satisfaction="dissatisfied")
    return pl.DataFrame(rows)


CASES = _cases()

PETITIONS = pl.DataFrame({
    "petition_id": ["p1", "p2"],
    "received_at": [dt(2026, 2, 1, 9), dt(2026, 2, 2, 9)],
    "form": ["visit", "letter"],
    "category": ["物业纠纷", "其他"],
    "grid_id": ["g11", "g32"],
    "persons": [1, 1],
    "is_repeat": [False, False],
    "is_skip_level": [False, False],
    "is_collective": [False, False],
    "status": ["closed", "closed"],
})


def build(path: Path | str) -> Path:
    con = store.connect(path)
    store.insert_frame(con, "grids", GRIDS)
    store.insert_frame(con, "cases", CASES)
    store.insert_frame(con, "petitions", PETITIONS)
    store.set_meta(con, "as_of", AS_OF.isoformat(sep=" "))
    con.close()
    return Path(path)
