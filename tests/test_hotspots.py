"""Getis-Ord Gi*: hand-worked values on a 3×3 lattice, a second plain implementation, weights, labels."""
from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest
from shapely.geometry import box

import queries
from gridgov import hotmap, hotspots, periods, store
from gridgov.config import Config, HotspotConfig
from tests import grid_fixture

# The 3×3 lattice of unit squares, cells numbered row by row:
#   0 1 2
#   3 4 5
#   6 7 8
LATTICE = [box(c, -r, c + 1, -r + 1) for r in range(3) for c in range(3)]
VALUES = np.array([10, 8, 0, 8, 6, 0, 0, 0, 0], dtype=float)


def test_rook_and_queen_contiguity_of_a_lattice():
    rook = hotspots.contiguity(LATTICE, "rook")
    queen = hotspots.contiguity(LATTICE, "queen")
    assert rook[4] == {1, 3, 5, 7} and queen[4] == {0, 1, 2, 3, 5, 6, 7, 8}
    assert rook[0] == {1, 3} and queen[0] == {1, 3, 4}
    assert [len(n) for n in rook] == [2, 3, 2, 3, 4, 3, 2, 3, 2]


def test_contiguity_snaps_edges_that_differ_by_rounding_and_tells_corners_from_edges():
    left = box(0, 0, 1, 1)
    right = box(1.0000000004, 0, 2, 1)            # a gap of 4e-10°, well under the 1e-6° snap
    corner = box(2, 1, 3, 2)                      # touches `right` only at (2, 1)
    far = box(5, 5, 6, 6)
    assert hotspots.contiguity([left, right, corner, far, None], "rook") == [{1}, {0}, set(), set(), set()]
    assert hotspots.contiguity([left, right, corner, far, None], "queen") == [{1}, {0, 2}, {1}, set(), set()]
    assert hotspots.contiguity([left, right], "rook", snap_degrees=0) == [set(), set()]


def test_distance_band_links_points_within_the_band():
    assert hotspots.distance_band([(0, 0), (0.5, 0), (2, 0), None], 1.0) == [{1}, {0}, set(), set()]


def test_gi_star_of_a_corner_by_hand_with_rook_weights():
    # n = 9, Σx = 32, x̄ = 32/9, Σx² = 264, S = sqrt(264/9 − (32/9)²) = sqrt(1352)/9 = 4.08551.
    # Cell 0 with rook weights (itself, 1, 3): W = S1 = 3, Σwx = 10 + 8 + 8 = 26.
    # Gi* = (26 − 3·32/9) / (S · sqrt((9·3 − 3²) / 8)) = 15.33333 / (4.085506 · 1.5) = 2.50207.
    w = hotspots.weights_matrix(hotspots.contiguity(LATTICE, "rook"), np.arange(9))
    z = hotspots.gi_star(VALUES, w)
    assert z[0] == pytest.approx(2.50207, abs=1e-5)
    # Cell 8 (itself, 5, 7), all zeros: (0 − 3·32/9) / 6.128259 = −1.74057.
    assert z[8] == pytest.approx(-1.74057, abs=1e-5)


def test_gi_star_of_a_corner_by_hand_with_queen_weights():
    # Cell 0 with queen weights (itself, 1, 3, 4): W = 4, Σwx = 32.
    # Gi* = (32 − 4·32/9) / (S · sqrt((9·4 − 4²) / 8)) = 17.77778 / (4.085506 · 1.581139) = 2.75208.
    w = hotspots.weights_matrix(hotspots.contiguity(LATTICE, "queen"), np.arange(9))
    z = hotspots.gi_star(VALUES, w)
    assert z[0] == pytest.approx(2.75208, abs=1e-5)
    # The centre neighbours all nine cells (W = n): n·S1 − W² = 0, so its Gi* is undefined, not infinite.
    assert np.isnan(z[4])


def plain_gi_star(x: list[float], neighbours: list[set[int]]) -> list[float]:
    """Getis & Ord (1995), eq. 14, written out with loops: the independent check."""
    n = len(x)
    xbar = sum(x) / n
    s = math.sqrt(sum(v * v for v in x) / n - xbar * xbar)
    out = []
    for i in range(n):
        js = {i} | neighbours[i]
        wi = float(len(js))
        s1 = float(len(js))            # binary weights: Σw² = Σw
        num = sum(x[j] for j in js) - xbar * wi
        den = s * math.sqrt((n * s1 - wi * wi) / (n - 1))
        out.append(num / den)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gi_star_equals_a_plain_loop_implementation_on_random_graphs(seed):
    rng = random.Random(seed)
    n = 40
    neighbours = [set() for _ in range(n)]
    for _ in range(90):
        a, b = rng.sample(range(n), 2)
        neighbours[a].add(b)
        neighbours[b].add(a)
    x = [rng.expovariate(0.2) for _ in range(n)]
    z = hotspots.gi_star(np.array(x), hotspots.weights_matrix(neighbours, np.arange(n)))
    assert z.tolist() == pytest.approx(plain_gi_star(x, neighbours), rel=1e-12)


def test_gi_star_is_undefined_when_every_value_is_equal():
    w = hotspots.weights_matrix(hotspots.contiguity(LATTICE, "rook"), np.arange(9))
    assert np.isnan(hotspots.gi_star(np.full(9, 3.0), w)).all()


def test_classes_by_two_sided_normal_levels():
    z = np.array([2.6, 2.0, 1.7, 1.0, -1.7, -2.0, -2.6, np.nan])
    assert hotspots.classify(z, hotspots.p_values(z)) == [
        "hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99", "not_significant"]


def test_benjamini_hochberg_cutoff_by_hand():
    # p sorted 0.01 0.02 0.03 0.5 against k·0.05/4 = 0.0125 0.025 0.0375 0.05: the first three pass.
    assert hotspots.bh_cutoff(np.array([0.5, 0.03, 0.01, 0.02]), 0.05) == 0.03
    assert hotspots.bh_cutoff(np.array([0.2, 0.3]), 0.05) == -1.0


def test_fdr_control_demotes_lone_marginal_hotspots():
    z = np.array([2.0] + [0.0] * 99)          # p = 0.0455 once among 100 tests
    p = hotspots.p_values(z)
    assert hotspots.classify(z, p)[0] == "hot_95"
    assert hotspots.classify(z, p, fdr=True)[0] == "not_significant"


def test_trend_labels_compare_consecutive_periods():
    assert hotspots.trend("hot_99", "hot_90") == "persistent"
    assert hotspots.trend("hot_95", "not_significant") == "new"
    assert hotspots.trend("hot_90", None) == "new"
    assert hotspots.trend("not_significant", "hot_95") == "fading"
    assert hotspots.trend("cold_99", "cold_99") is None


@pytest.fixture
def lattice_fetch(tmp_path):
    con = store.connect(grid_fixture.build(tmp_path / "lattice.duckdb"))
    yield lambda name, **params: queries.fetch(con, name, **params)
    con.close()


def test_hotspots_of_the_lattice_district_from_its_polygons(lattice_fetch):
    # 2026-H1 hotline cases per 1,000 residents are the VALUES above (every grid has 1,000 residents),
    # so g11 — cell 0 — has the hand-worked queen z of 2.75208 (p = 0.006: hot at 99%).
    f = hotmap.MapFilters(periods.parse("half", "2026-H1"), channels=("hotline",))
    nb = hotspots.neighbours(lattice_fetch("grid_boundaries"), HotspotConfig())
    frame = hotmap.hotspot_frame(lattice_fetch, f, nb, fdr=False)
    rows = {r["grid_id"]: r for r in frame.to_dicts()}
    assert rows["g11"]["case_rate"] == 10.0
    assert rows["g11"]["gi_z"] == pytest.approx(2.75208, abs=1e-5)
    assert rows["g11"]["gi_class"] == "hot_99" and rows["g11"]["neighbours"] == 3
    assert rows["g22"]["neighbours"] == 8


def test_trend_over_the_lattice_district(lattice_fetch):
    # Hot grids (queen weights): 2026-H1 g11 (z 2.75), g12 and g21 (1.74); 2025-H2 g12 (1.76) and g13
    # (2.01). So g12 persists, g11 and g21 are new, g13 fades.
    f = hotmap.MapFilters(periods.parse("half", "2026-H1"), channels=("hotline",))
    nb = hotspots.neighbours(lattice_fetch("grid_boundaries"), HotspotConfig())
    frame = hotmap.hotspot_frame(lattice_fetch, f, nb, fdr=False)
    trends = {g: t for g, t in zip(frame["grid_id"], frame["trend"]) if t}
    assert trends == {"g11": "new", "g12": "persistent", "g21": "new", "g13": "fading"}


def test_distance_band_weights_from_centroids(lattice_fetch):
    # Centres are 0.01° apart: 1.11 km north-south, 0.98 km east-west at 28.2°N. A 1.05 km band links
    # east-west neighbours only.
    cfg = replace(HotspotConfig(), weights="distance", distance_km=1.05)
    nb = hotspots.neighbours(lattice_fetch("grid_boundaries"), cfg)
    index = nb.index
    assert {nb.grid_ids[j] for j in nb.lists[index["g22"]]} == {"g21", "g23"}


def test_map_data_aggregates_on_the_server(lattice_fetch):
    f = hotmap.MapFilters(periods.parse("half", "2026-H1"))
    nb = hotspots.neighbours(lattice_fetch("grid_boundaries"), HotspotConfig())
    md = hotmap.build(lattice_fetch, f, Config(), nb, grid_fixture.AS_OF, 28.2)
    assert md.bins["cases"].sum() == 10 + 8 + 8 + 6 + 5 + 3     # every located case of H1, in squares
    assert md.bins.height == 7                                    # one square per grid with cases
    assert md.red_total == 3 and md.red["red_reason"].to_list() == ["overdue_open", "repeat_open", "closed_dissatisfied"]
    assert md.half == periods.parse("half", "2026-H1")
    assert dict(zip(md.grids["grid_id"], md.grids["grade"]))["g11"] == "red"


def test_period_options_run_from_the_data_to_as_of():
    options = hotmap.period_options("half", datetime(2025, 9, 1), datetime(2026, 11, 20))
    assert [p.label for p in options] == ["2026-H2", "2026-H1", "2025-H2"]
    assert hotmap.is_partial(options[0], datetime(2026, 11, 20)) and not hotmap.is_partial(options[1], datetime(2026, 11, 20))
    assert hotmap.half_of(periods.parse("month", "2026-08")).label == "2026-H2"
