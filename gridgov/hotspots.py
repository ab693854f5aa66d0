"""Statistical hotspots of grid rates: Getis-Ord Gi* with contiguity or distance-band weights.

Weights are binary and include the grid itself (the "star" statistic): w_ij = 1 when j is i or a
neighbour of i. Neighbours come from the grid polygons — queen contiguity (the polygons share at
least a point), rook contiguity (they share an edge of positive length), each after snapping the
vertices to `snap_degrees` so that shared edges that differ by rounding still meet — or from a
distance band between centroids (at most `distance_km` apart). Only grids whose rate is defined
(graded: population > 0) take part.

For the n grids' rates x, with x̄ their mean, S = sqrt(Σx²/n − x̄²), W_i = Σ_j w_ij and
S1_i = Σ_j w_ij² (= W_i for binary weights), Getis and Ord (1992, 1995) give the z-score

    Gi*_i = (Σ_j w_ij x_j − x̄ W_i) / (S · sqrt((n S1_i − W_i²) / (n − 1)))

which is compared with the standard normal: |z| ≥ 1.645, 1.960, 2.576 is significant at 90%,
95%, 99% (two-sided), a positive z a hot spot, a negative a cold spot. With `fdr = true` the
p-values are instead held to the Benjamini-Hochberg false discovery rate at each level, since
~1,000 grids tested at 95% find ~50 "hot spots" by chance alone.

A grid that is a hot spot (at 90% or more) in this period and in the one before is "persistent",
one hot now but not before is "new", one hot before but not now is "fading".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import shapely
from scipy import sparse, stats
from scipy.spatial import cKDTree

from gridgov import geo
from gridgov.config import HotspotConfig

LEVELS = (("99", 0.01), ("95", 0.05), ("90", 0.10))
CLASSES = ("hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99")
TRENDS = ("persistent", "new", "fading")


def contiguity(geoms: list, kind: str = "queen", snap_degrees: float = 1e-6) -> list[set[int]]:
    """Each polygon's neighbours (indices) by queen or rook contiguity; None geometries have none."""
    if kind not in ("queen", "rook"):
        raise ValueError("kind must be queen or rook")
    present = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    neighbours: list[set[int]] = [set() for _ in geoms]
    if not present:
        return neighbours
    snapped = np.array([geoms[i] for i in present], dtype=object)
    if snap_degrees > 0:
        snapped = shapely.set_precision(snapped, snap_degrees)
    a, b = shapely.STRtree(snapped).query(snapped, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    if kind == "rook":   # an edge of positive length in common, not just a corner
        edge = shapely.get_dimensions(shapely.intersection(snapped[a], snapped[b])) >= 1
        a, b = a[edge], b[edge]
    for i, j in zip(a.tolist(), b.tolist()):
        neighbours[present[i]].add(present[j])
        neighbours[present[j]].add(present[i])
    return neighbours


def distance_band(points_km: list[tuple[float, float] | None], km: float) -> list[set[int]]:
    """Each point's neighbours within `km` (points in a local kilometre projection; None has none)."""
    present = [i for i, p in enumerate(points_km) if p is not None]
    neighbours: list[set[int]] = [set() for _ in points_km]
    if len(present) < 2:
        return neighbours
    tree = cKDTree(np.array([points_km[i] for i in present]))
    for a, b in tree.query_pairs(km):
        i, j = present[a], present[b]
        neighbours[i].add(j)
        neighbours[j].add(i)
    return neighbours


def weights_matrix(neighbours: list[set[int]], members: np.ndarray) -> sparse.csr_matrix:
    """The binary star weights among `members` (indices into neighbours): neighbours plus the diagonal."""
    position = {int(g): k for k, g in enumerate(members)}
    rows, cols = list(range(len(members))), list(range(len(members)))
    for k, g in enumerate(members):
        for j in neighbours[int(g)]:
            if j in position:
                rows.append(k)
                cols.append(position[j])
    data = np.ones(len(rows))
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(members), len(members)))


def gi_star(x: np.ndarray, w: sparse.csr_matrix) -> np.ndarray:
    """Getis-Ord Gi* z-scores of values x under weights w (rows include the grid itself)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 3:
        return np.full(n, np.nan)
    mean = x.mean()
    s = np.sqrt((x ** 2).mean() - mean ** 2)
    wi = np.asarray(w.sum(axis=1)).ravel()
    s1 = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    numerator = w @ x - mean * wi
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = s * np.sqrt((n * s1 - wi ** 2) / (n - 1))
        z = numerator / denominator
    z[~np.isfinite(z)] = np.nan
    return z


def p_values(z: np.ndarray) -> np.ndarray:
    """Two-sided p-values of standard normal z-scores."""
    return 2 * stats.norm.sf(np.abs(z))


def bh_cutoff(p: np.ndarray, alpha: float) -> float:
    """The Benjamini-Hochberg p-value cutoff controlling the false discovery rate at alpha (-1: none pass)."""
    q = np.sort(p[~np.isnan(p)])
    if q.size == 0:
        return -1.0
    passing = q <= alpha * np.arange(1, q.size + 1) / q.size
    return float(q[np.flatnonzero(passing).max()]) if passing.any() else -1.0


def classify(z: np.ndarray, p: np.ndarray, fdr: bool = False) -> list[str]:
    """Each grid's class: hot_99 / hot_95 / hot_90, cold_*, or not_significant."""
    cut = {name: (bh_cutoff(p, a) if fdr else a) for name, a in LEVELS}
    out = []
    for zi, pi in zip(z, p):
        label = "not_significant"
        if not np.isnan(zi):
            for name, _ in LEVELS:   # strictest first
                if pi <= cut[name]:
                    label = ("hot_" if zi > 0 else "cold_") + name
                    break
        out.append(label)
    return out


def is_hot(label: str | None) -> bool:
    return label is not None and label.startswith("hot_")


def trend(now: str | None, before: str | None) -> str | None:
    """persistent / new / fading from this period's and the previous period's classes."""
    if is_hot(now):
        return "persistent" if is_hot(before) else "new"
    return "fading" if is_hot(before) else None


@dataclass(frozen=True)
class Neighbours:
    grid_ids: list[str]
    lists: list[set[int]]
    kind: str

    @property
    def index(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.grid_ids)}


def neighbours(boundaries: pl.DataFrame, cfg: HotspotConfig) -> Neighbours:
    """Neighbour lists of every grid in a frame of grid_id, boundary, centroid_lon, centroid_lat."""
    ids = boundaries["grid_id"].to_list()
    if cfg.weights == "distance":
        lon, lat = boundaries["centroid_lon"].to_list(), boundaries["centroid_lat"].to_list()
        known = [v for v in lat if v is not None]
        lat0 = float(np.mean(known)) if known else 0.0
        xy = [None if a is None or b is None else p
              for a, b, p in zip(lon, lat, geo.local_xy_km([a or 0.0 for a in lon], [b or 0.0 for b in lat], lat0))]
        return Neighbours(ids, distance_band(xy, cfg.distance_km), "distance")
    return Neighbours(ids, contiguity(geo.polygons(boundaries), cfg.weights, cfg.snap_degrees), cfg.weights)


def analyse(rates: pl.DataFrame, nb: Neighbours, fdr: bool = False) -> pl.DataFrame:
    """Gi* of a frame of grid_id, rate (null = not taking part): adds gi_z, gi_p, gi_class, neighbours."""
    index = nb.index
    ids = rates["grid_id"].to_list()
    values = rates["rate"].to_list()
    members = [k for k, (g, v) in enumerate(zip(ids, values)) if v is not None and g in index]
    z = np.full(len(ids), np.nan)
    counts = np.zeros(len(ids), dtype=np.int64)
    if members:
        member_nodes = np.array([index[ids[k]] for k in members])
        w = weights_matrix(nb.lists, member_nodes)
        z[members] = gi_star(np.array([values[k] for k in members], dtype=float), w)
        counts[members] = np.asarray(w.sum(axis=1)).ravel().astype(np.int64) - 1
    p = p_values(z)
    classes = classify(z, p, fdr)
    taking_part = np.zeros(len(ids), dtype=bool)
    taking_part[members] = True
    return rates.with_columns(
        pl.Series("gi_z", z).fill_nan(None),
        pl.Series("gi_p", p).fill_nan(None),
        pl.Series("gi_class", [c if t else None for c, t in zip(classes, taking_part)], dtype=pl.String),
        pl.Series("neighbours", counts),
    )


def compare(now: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    """Add previous_class and trend (persistent / new / fading) to this period's analysis."""
    joined = now.join(before.select("grid_id", pl.col("gi_class").alias("previous_class")), on="grid_id", how="left")
    return joined.with_columns(
        pl.Series("trend", [trend(a, b) for a, b in zip(joined["gi_class"].to_list(),
                                                         joined["previous_class"].to_list())], dtype=pl.String)
    )
