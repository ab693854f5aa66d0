"""The demo district: about 1,000 grids tiling a blob-shaped district, in streets and communities.

Grids are cells of a lattice whose shared vertices are jittered by less than half a cell, so
the cells stay simple quadrilaterals that tile without overlap; rural grids are 2×2 blocks of
cells. Streets and communities grow from seed cells by a noisy shortest-path race over
edge-adjacent cells, which keeps every region in one piece.
"""
from __future__ import annotations

import heapq
import json
from dataclasses import dataclass

import numpy as np
import polars as pl

from . import timeline, vocab

NX, NY = 42, 46
N_CELLS = 1_180
LON0, LON1, LAT0, LAT1 = 112.88, 113.00, 28.13, 28.26
DLON, DLAT = (LON1 - LON0) / NX, (LAT1 - LAT0) / NY
JITTER = 0.3
# Every vertex stays within JITTER of its lattice point, so this inner box of a cell is
# inside the cell whatever the jitter: case points are drawn from it.
INNER = JITTER + 0.02
TOWN_HEAD_START = 2.5
URBAN, RURAL, SPECIAL = 0, 1, 2
GRID_TYPES = ["urban", "rural", "special"]


@dataclass
class District:
    frame: pl.DataFrame        # the grids table
    street: np.ndarray         # per grid: street index
    community: np.ndarray      # per grid: community index
    kind: np.ndarray           # per grid: URBAN / RURAL / SPECIAL
    population: np.ndarray     # per grid, 0 where unknown
    inner_box: np.ndarray      # per grid: lon_min, lon_max, lat_min, lat_max of the inner box
    quality: np.ndarray        # per street: how badly it handles cases (0 is average)
    hot: np.ndarray            # months × grids: 0..1, how hot the grid's community is then
    hot_factor: np.ndarray     # per grid: the case-rate multiplier when fully hot


@dataclass
class Layout:
    """Grid geometry, numbered north-west first within community within street."""
    rings: list[np.ndarray]    # per grid: counter-clockwise vertices (lon, lat), not closed
    inner_box: np.ndarray
    centroid: np.ndarray
    street: np.ndarray
    community: np.ndarray
    grid_rank: np.ndarray      # per grid: number within its community
    community_rank: np.ndarray  # per community: number within its street
    is_village: np.ndarray     # per community


def build(rng: np.random.Generator, n_months: int) -> District:
    layout = _layout(rng)
    n = len(layout.rings)
    kind = np.where(layout.is_village[layout.community], RURAL, URBAN)
    # About 2% special grids (a campus, a park), at most one per community.
    urban = np.flatnonzero(kind == URBAN)
    for c in rng.choice(np.unique(layout.community[urban]), max(1, round(0.02 * n)), replace=False):
        kind[int(rng.choice(urban[layout.community[urban] == c]))] = SPECIAL

    households = np.where(kind == URBAN, rng.integers(300, 501, n), rng.integers(200, 301, n))
    # Oversized rural grids are a known defect the dashboard must surface.
    oversized = (kind == RURAL) & (rng.random(n) < 0.08)
    households = np.where(oversized, rng.integers(780, 1_100, n), households)
    ratio = np.where(kind == URBAN, rng.uniform(2.3, 2.9, n), rng.uniform(2.6, 3.0, n))
    population = np.rint(households * ratio).astype(np.int64)
    special_population = rng.integers(100, 601, n)
    population = np.where(kind == SPECIAL, special_population, population)
    households = np.where(kind == SPECIAL, np.rint(special_population / rng.uniform(1.5, 3.0, n)), households)
    # A few newly built grids have no residents on record yet: half 0, half unknown.
    newly_built = rng.choice(np.flatnonzero(kind == URBAN), max(2, round(0.005 * n)), replace=False)
    population[newly_built] = 0
    households[newly_built] = 0
    unknown = np.zeros(n, bool)
    unknown[newly_built[len(newly_built) // 2:]] = True

    frame = _frame(rng, layout, kind, households, population, unknown)
    hot, factor = _hot_spots(rng, layout.is_village, n_months)
    # Streets differ steadily in how well they handle cases, so rankings mean something;
    # the towns, stretched thin, do a little worse.
    town = np.array([t for _, _, t, _ in vocab.STREETS])
    quality = rng.normal(0, 0.5, len(town)) + np.where(town, 0.3, 0.0)
    return District(frame=frame, street=layout.street, community=layout.community, kind=kind,
                    population=np.where(unknown, 0, population).astype(float),
                    inner_box=layout.inner_box, quality=quality, hot=hot[:, layout.community],
                    hot_factor=factor[layout.community])


def _layout(rng: np.random.Generator) -> Layout:
    vx = np.arange(NX + 1.0)[:, None] + rng.uniform(-JITTER, JITTER, (NX + 1, NY + 1))
    vy = np.arange(NY + 1.0)[None, :] + rng.uniform(-JITTER, JITTER, (NX + 1, NY + 1))
    cells = _outline(rng)
    cost = rng.uniform(0.6, 1.4, len(cells))
    street_of_cell = _streets(rng, cells, cost)
    community_of_cell, community_street, in_block = _communities(rng, cells, street_of_cell, cost)

    by_block: dict[tuple[int, int], list[int]] = {}
    for c in np.flatnonzero(in_block):
        by_block.setdefault((int(cells[c, 0]) // 2, int(cells[c, 1]) // 2), []).append(int(c))
    units = [min(m, key=lambda c: (cells[c, 0], cells[c, 1])) for m in by_block.values()]
    widths = [2] * len(units) + [1] * int((~in_block).sum())
    units += [int(c) for c in np.flatnonzero(~in_block)]

    rings, boxes = [], []
    for c, w in zip(units, widths):
        i, j = cells[c]
        corners = ([(i + a, j) for a in range(w)] + [(i + w, j + b) for b in range(w)]
                   + [(i + w - a, j + w) for a in range(w)] + [(i, j + w - b) for b in range(w)])
        rings.append(np.array([(LON0 + vx[a, b] * DLON, LAT0 + vy[a, b] * DLAT) for a, b in corners]))
        boxes.append((LON0 + (i + INNER) * DLON, LON0 + (i + w - INNER) * DLON,
                      LAT0 + (j + INNER) * DLAT, LAT0 + (j + w - INNER) * DLAT))
    street, community = street_of_cell[units], community_of_cell[units]
    centroid = np.array([_centroid(r) for r in rings])

    # Number communities and grids north-west first, as a district office would.
    n_comm = len(community_street)
    comm_centre = np.array([centroid[community == c].mean(0) for c in range(n_comm)])
    comm_rank = np.zeros(n_comm, int)
    for s in range(len(vocab.STREETS)):
        members = np.flatnonzero(community_street == s)
        order = members[np.lexsort((comm_centre[members, 0], -comm_centre[members, 1]))]
        comm_rank[order] = np.arange(1, len(order) + 1)
    order = np.lexsort((centroid[:, 0], -centroid[:, 1], comm_rank[community], street))
    community = community[order]
    grid_rank = np.zeros(len(order), int)
    for c in range(n_comm):
        members = np.flatnonzero(community == c)
        grid_rank[members] = np.arange(1, len(members) + 1)
    town = np.array([t for _, _, t, _ in vocab.STREETS])
    return Layout(rings=[rings[k] for k in order], inner_box=np.array(boxes)[order],
                  centroid=centroid[order], street=street[order], community=community,
                  grid_rank=grid_rank, community_rank=comm_rank, is_village=town[community_street])


def _streets(rng: np.random.Generator, cells: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Street per cell: seeds at the streets' rough real positions; the towns get a head
    start so they cover the sparsely settled west."""
    centre = cells + 0.5
    starts = []
    for s, (_, _, is_town, (sx, sy)) in enumerate(vocab.STREETS):
        target = np.array([sx * NX, sy * NY]) + rng.normal(0, 1.0, 2)
        starts.append((int(((centre - target) ** 2).sum(1).argmin()), s, TOWN_HEAD_START if is_town else 0.0))
    return _grow(cells, starts, cost)


def _communities(rng: np.random.Generator, cells: np.ndarray, street_of_cell: np.ndarray,
                 cost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Community per cell, street per community, and which cells belong to a 2×2 rural grid.

    In towns, villages grow over whole 2×2 blocks first (each becomes one rural grid), then
    over the ragged edge cells, which stay single-cell grids."""
    community_of_cell = np.full(len(cells), -1)
    in_block = np.zeros(len(cells), bool)
    community_street: list[int] = []
    for s, (_, _, is_town, _) in enumerate(vocab.STREETS):
        members = np.flatnonzero(street_of_cell == s)
        if is_town:
            blocks, block_index, size = np.unique(cells[members] // 2, axis=0, return_inverse=True,
                                                  return_counts=True)
            full = np.flatnonzero(size == 4)
            k = int(np.clip(round(len(full) / 4.5), 5, 12))
            seeds = _spread_seeds(rng, blocks[full] * 2.0, k)
            label_of_block = np.full(len(blocks), -1)
            label_of_block[full] = _grow(blocks[full], [(c, n, 0.0) for n, c in enumerate(seeds)],
                                         rng.uniform(0.6, 1.4, len(full)))
            first = label_of_block[block_index.ravel()]
            in_block[members] = first >= 0
            starts = [(int(c), int(first[c]), 0.0) for c in np.flatnonzero(first >= 0)]
        else:
            k = int(np.clip(round(len(members) / 10), 6, 16))
            starts = [(c, n, 0.0) for n, c in enumerate(_spread_seeds(rng, cells[members] + 0.5, k))]
        community_of_cell[members] = len(community_street) + _grow(cells[members], starts, cost[members])
        community_street += [s] * k
    return community_of_cell, np.array(community_street), in_block


def _frame(rng: np.random.Generator, layout: Layout, kind: np.ndarray, households: np.ndarray,
           population: np.ndarray, unknown: np.ndarray) -> pl.DataFrame:
    """The grids table."""
    n = len(layout.rings)
    urban_names = iter(_community_names(rng, int((~layout.is_village).sum())))
    village_names = iter(vocab.VILLAGES[k] + "村" for k in
                         rng.choice(len(vocab.VILLAGES), int(layout.is_village.sum()), replace=False))
    comm_name = [next(village_names if v else urban_names) for v in layout.is_village]
    rows = []
    for k in range(n):
        s, c = int(layout.street[k]), int(layout.community[k])
        if kind[k] == SPECIAL:
            name = comm_name[c] + vocab.SPECIAL_KINDS[int(rng.integers(len(vocab.SPECIAL_KINDS)))] + "专属网格"
        else:
            name = f"{comm_name[c]}第{layout.grid_rank[k]}网格"
        ring = np.round(np.vstack([layout.rings[k], layout.rings[k][:1]]), 6)
        rows.append({
            "grid_id": f"{vocab.DISTRICT_CODE}{vocab.STREETS[s][1]}{layout.community_rank[c]:03d}"
                       f"{layout.grid_rank[k]:03d}",
            "grid_name": name, "community_name": comm_name[c], "street_name": vocab.STREETS[s][0],
            "grid_type": GRID_TYPES[kind[k]],
            "households": None if unknown[k] else int(households[k]),
            "population": None if unknown[k] else int(population[k]),
            "centroid_lon": round(float(layout.centroid[k, 0]), 6),
            "centroid_lat": round(float(layout.centroid[k, 1]), 6),
            "boundary": json.dumps({"type": "Polygon", "coordinates": [ring.tolist()]}, separators=(",", ":")),
        })
    return pl.DataFrame(rows, schema_overrides={"households": pl.Int32, "population": pl.Int32}).with_columns(
        full_time_staff=pl.Series(rng.choice(4, n, p=[0.03, 0.42, 0.40, 0.15]), dtype=pl.Int32),
        part_time_staff=pl.Series(rng.integers(2, 7, n), dtype=pl.Int32),
        volunteers=pl.Series(rng.integers(3, 31, n), dtype=pl.Int32),
        has_party_branch=pl.Series(rng.random(n) < 0.90),
        # 213 of 310 grid leaders were party members in one seed district.
        leader_is_party_member=pl.Series(rng.random(n) < 0.69),
        source_file=pl.lit("demo"),
        source_row=pl.int_range(1, n + 1, dtype=pl.Int64),
        imported_at=pl.lit(timeline.DEMO_END, dtype=pl.Datetime("us")),
    )


def _hot_spots(rng: np.random.Generator, is_village: np.ndarray, n_months: int) -> tuple[np.ndarray, np.ndarray]:
    """Per month and community how hot it is (0..1), and the rate multiplier when hot: four
    communities hot throughout, one urban and one village turning hot in the last six months."""
    urban = np.flatnonzero(~is_village)
    persistent = rng.choice(urban, 4, replace=False)
    emerging = [int(rng.choice(np.setdiff1d(urban, persistent))), int(rng.choice(np.flatnonzero(is_village)))]
    hot = np.zeros((n_months, len(is_village)))
    hot[:, persistent] = 1.0
    hot[:, emerging] = np.clip((np.arange(n_months) - (n_months - 7)) / 2, 0, 1)[:, None]
    factor = np.ones(len(is_village))
    factor[persistent] = rng.uniform(2.0, 3.0, len(persistent))
    factor[emerging] = 3.0
    return hot, factor


def _community_names(rng: np.random.Generator, count: int) -> list[str]:
    combos = [r + s for r in vocab.COMMUNITY_ROOTS for s in vocab.COMMUNITY_SUFFIXES if s not in r]
    return [combos[k] + "社区" for k in rng.choice(len(combos), count, replace=False)]


def _grow(cells: np.ndarray, starts: list[tuple[int, int, float]], cost: np.ndarray) -> np.ndarray:
    """Label each cell by the start (cell, label, head start) that reaches it first over
    edge-adjacent cells; cells no start reaches keep -1."""
    where = {(int(i), int(j)): k for k, (i, j) in enumerate(cells)}
    label = np.full(len(cells), -1)
    heap = [(-head, lab, c) for c, lab, head in starts]
    heapq.heapify(heap)
    while heap:
        d, lab, c = heapq.heappop(heap)
        if label[c] >= 0:
            continue
        label[c] = lab
        i, j = cells[c]
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            n = where.get((int(i + di), int(j + dj)))
            if n is not None and label[n] < 0:
                heapq.heappush(heap, (d + float(cost[n]), lab, n))
    return label


def _spread_seeds(rng: np.random.Generator, xy: np.ndarray, k: int) -> list[int]:
    """k well-spread seed cells (k-means++ style), so communities are of similar size."""
    chosen = [int(rng.integers(len(xy)))]
    d2 = ((xy - xy[chosen[0]]) ** 2).sum(1)
    for _ in range(k - 1):
        chosen.append(int(rng.choice(len(xy), p=d2 / d2.sum())))
        d2 = np.minimum(d2, ((xy - xy[chosen[-1]]) ** 2).sum(1))
    return chosen


def _outline(rng: np.random.Generator) -> np.ndarray:
    """The N_CELLS lattice cells inside a wobbly star-shaped outline, as (i, j) pairs."""
    i, j = np.meshgrid(np.arange(NX), np.arange(NY), indexing="ij")
    u, v = (i + 0.5) / NX * 2 - 1, (j + 0.5) / NY * 2 - 1
    theta = np.arctan2(v, u)
    radius = np.ones_like(theta)
    for k, amp in ((2, 0.10), (3, 0.08), (4, 0.05), (5, 0.04)):
        radius += amp * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    score = (np.hypot(u, v) / radius).ravel()
    keep = np.sort(np.argsort(score, kind="stable")[:N_CELLS])
    return np.stack([i.ravel()[keep], j.ravel()[keep]], axis=1)


def _centroid(ring: np.ndarray) -> tuple[float, float]:
    x, y = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    area = cross.sum() / 2
    return float(((x + x1) * cross).sum() / (6 * area)), float(((y + y1) * cross).sum() / (6 * area))
