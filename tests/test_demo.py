"""The synthetic demo district: deterministic, geometrically sound, and plausibly shaped."""
from __future__ import annotations

import json
import os
from datetime import datetime

import duckdb
import numpy as np
import pytest

from gridgov import demo

CASES = 20_000
AS_OF = demo.DEMO_END.isoformat(sep=" ")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    steps = []
    summary = demo.build(path, cases=CASES, progress=lambda f, m: steps.append((f, m)))
    return path, summary, steps


@pytest.fixture(scope="module")
def con(built):
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


def one(con, sql, params=None):
    return con.execute(sql, params or {}).fetchone()[0]


def table_digests(path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as c:
        return {
            "grids": one(c, "select md5(string_agg(grids::varchar, chr(10) order by grid_id)) from grids"),
            "cases": one(c, "select md5(string_agg(cases::varchar, chr(10) order by case_id)) from cases"),
            "petitions": one(c, "select md5(string_agg(petitions::varchar, chr(10) order by petition_id)) "
                                "from petitions"),
        }


def rings(con) -> tuple[list[str], list[np.ndarray]]:
    rows = con.execute("select grid_id, boundary from grids order by grid_id").fetchall()
    return [r[0] for r in rows], [np.array(json.loads(r[1])["coordinates"][0]) for r in rows]


def inside(ring: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Even-odd rule: whether each point lies inside the closed ring."""
    x, y = points[:, 0:1], points[:, 1:2]
    x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    straddles = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        cross_x = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return ((straddles & (x < cross_x)).sum(axis=1) % 2) == 1


def segments_cross(a0, a1, b0, b1) -> bool:
    def orient(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))
    return (orient(a0, a1, b0) * orient(a0, a1, b1) < 0) and (orient(b0, b1, a0) * orient(b0, b1, a1) < 0)


def test_same_seed_gives_identical_tables_and_another_seed_differs(built, tmp_path):
    again = tmp_path / "again.duckdb"
    demo.build(again, cases=CASES)
    other = tmp_path / "other.duckdb"
    demo.build(other, cases=CASES, seed=7)
    first = table_digests(built[0])
    assert table_digests(again) == first
    different = table_digests(other)
    assert all(different[t] != first[t] for t in first)


def test_build_has_exactly_the_cases_asked_and_about_a_fifteenth_as_many_petitions(built, con):
    _, summary, _ = built
    assert one(con, "select count(*) from cases") == CASES == summary["cases"]
    assert one(con, "select count(distinct case_id) from cases") == CASES
    petitions = one(con, "select count(*) from petitions")
    assert petitions == summary["petitions"] == round(CASES / 15)
    assert one(con, "select count(*) from grids") == summary["grids"]


def test_district_has_ten_streets_about_a_hundred_communities_and_a_thousand_grids(con):
    streets, communities, grids, towns = con.execute(
        "select count(distinct street_name), count(distinct community_name), count(*), "
        "count(distinct street_name) filter (street_name like '%镇') from grids").fetchone()
    assert streets == 10 and towns == 2
    assert 80 <= communities <= 120
    assert 900 <= grids <= 1100
    assert one(con, "select count(*) from (select community_name from grids "
                    "group by all having count(distinct street_name) > 1)") == 0


def test_grid_types_population_and_party_coverage_are_plausible(con):
    kinds = dict(con.execute("select grid_type, count(*) from grids group by all").fetchall())
    assert kinds["urban"] > kinds["rural"] > kinds["special"] > 0
    assert one(con, "select count(*) from grids where grid_type = 'rural' and population > 2000") > 0
    assert one(con, "select count(*) from grids where population is null or population = 0") >= 2
    assert 950 <= one(con, "select median(population) from grids where grid_type = 'urban'") <= 1200
    branch, leader = con.execute("select avg(has_party_branch::int), avg(leader_is_party_member::int) "
                                 "from grids").fetchone()
    assert 0.85 < branch < 0.95 and 0.6 < leader < 0.78


def test_grid_polygons_are_simple_counter_clockwise_closed_rings(con):
    _, polygons = rings(con)
    for ring in polygons:
        assert len(ring) >= 5 and (ring[0] == ring[-1]).all()
        x, y = ring[:, 0], ring[:, 1]
        assert (x[:-1] * y[1:] - x[1:] * y[:-1]).sum() > 0
        edges = len(ring) - 1
        for a in range(edges):
            for b in range(a + 2, edges):
                if a == 0 and b == edges - 1:
                    continue
                assert not segments_cross(ring[a], ring[a + 1], ring[b], ring[b + 1])
    lon, lat = con.execute("select avg(centroid_lon), avg(centroid_lat) from grids").fetchone()
    assert 112.88 < lon < 113.0 and 28.13 < lat < 28.26


def test_grid_polygons_do_not_overlap(con):
    _, polygons = rings(con)
    rng = np.random.default_rng(1)
    points = np.column_stack([rng.uniform(112.88, 113.0, 20_000), rng.uniform(28.13, 28.26, 20_000)])
    covering = sum(inside(ring, points).astype(int) for ring in polygons)
    assert covering.max() == 1
    assert 0.4 < (covering == 1).mean() < 0.9


def test_case_points_lie_in_their_own_grid_and_no_other(con):
    ids, polygons = rings(con)
    rows = con.execute("select grid_id, lon, lat from cases where lon is not null "
                       "order by case_id limit 2000").fetchall()
    points = np.array([(r[1], r[2]) for r in rows])
    hits = np.column_stack([inside(ring, points) for ring in polygons])
    assert (hits.sum(axis=1) == 1).all()
    assert [ids[k] for k in hits.argmax(axis=1)] == [r[0] for r in rows]


def test_measures_fall_in_the_seeded_ranges(con):
    completion = one(con, "select avg((status = 'closed')::int) from cases "
                          "where received_at < $as_of::timestamp - interval 28 day", {"as_of": AS_OF})
    assert 0.96 <= completion <= 0.995
    satisfaction = one(con, "select count(*) filter (satisfaction in ('satisfied', 'basically_satisfied')) "
                            "/ count(satisfaction) from cases")
    assert 0.90 <= satisfaction <= 0.96
    on_time = one(con, "select avg((closed_at <= deadline_at)::int) from cases where status = 'closed'")
    assert 0.90 <= on_time <= 0.98
    resolution, response = con.execute(
        "select avg(resolved::int), avg(contacted::int) from cases where satisfaction is not null").fetchone()
    assert 0.85 < resolution < 0.95 and 0.95 < response < 0.99
    repeat, excluded, no_grid = con.execute(
        "select avg(is_repeat::int), avg(excluded::int), avg((grid_id is null)::int) from cases").fetchone()
    assert 0.04 < repeat < 0.09 and 0.005 < excluded < 0.025 and 0.005 < no_grid < 0.02


def test_some_open_cases_are_overdue_as_of_the_demo_end(con):
    overdue = one(con, "select count(*) from cases where status in ('pending', 'in_progress') "
                       "and deadline_at < $as_of::timestamp", {"as_of": AS_OF})
    assert overdue > 0
    recent_open = one(con, "select avg((status <> 'closed')::int) from cases "
                           "where received_at >= $as_of::timestamp - interval 3 day", {"as_of": AS_OF})
    assert recent_open > 0.3


def test_no_time_runs_backwards_or_past_the_demo_end(con):
    for table, stamps in (("cases", ("received_at", "dispatched_at", "responded_at", "closed_at")),
                          ("petitions", ("received_at", "accepted_at", "closed_at"))):
        latest = con.execute("select max(greatest(" + ", ".join(stamps) + ")) from " + table).fetchone()[0]
        assert latest <= demo.DEMO_END
    assert one(con, "select count(*) from cases where closed_at < received_at or dispatched_at < received_at "
                    "or responded_at < dispatched_at or deadline_at <= received_at") == 0
    assert one(con, "select count(*) from cases where (status = 'closed') <> (closed_at is not null)") == 0
    assert one(con, "select count(*) from cases where satisfaction is not null and status <> 'closed'") == 0
    assert one(con, "select count(*) from petitions where closed_at < accepted_at or accepted_at < received_at") == 0
    assert one(con, "select min(received_at) from cases") >= datetime(2024, 9, 1)


def test_cases_are_stored_in_received_order(con):
    assert one(con, "select count(*) from (select received_at < lag(received_at) over (order by rowid) "
                    "as back from cases) where back") == 0


def test_petitions_are_shaped_like_petitions_and_some_petitioners_called_first(con):
    forms = dict(con.execute("select form, count(*) / (select count(*) from petitions) "
                             "from petitions group by all").fetchall())
    assert set(forms) == {"letter", "visit", "online"} and forms["online"] > forms["letter"]
    collective, persons = con.execute(
        "select avg(is_collective::int), min(persons) filter (is_collective) from petitions").fetchone()
    assert 0.01 < collective < 0.06 and persons >= 5
    linked = one(con, "select avg((exists (select 1 from cases c where c.caller_key = p.petitioner_key "
                      "and c.grid_id = p.grid_id and c.received_at < p.received_at))::int) from petitions p")
    assert 0.10 < linked < 0.20
    satisfaction = one(con, "select count(*) filter (satisfaction in ('satisfied', 'basically_satisfied')) "
                            "/ count(satisfaction) from petitions")
    assert 0.82 < satisfaction < 0.93


def test_repeat_callers_exist(con):
    assert one(con, "select max(n) from (select count(*) n from cases group by caller_key)") >= 3
    assert one(con, "select count(distinct caller_key) from cases") < CASES * 0.8


def test_meta_and_lineage_name_the_demo(built, con):
    meta = dict(con.execute("select key, value from meta").fetchall())
    assert meta["as_of"] == AS_OF and meta["source"] == "demo"
    assert meta["seed"] == "20261122" and meta["cases"] == str(CASES)
    for table in ("grids", "cases", "petitions"):
        files, rows, first, last, stamps = con.execute(
            "select count(distinct source_file), count(*), min(source_row), max(source_row), "
            "count(distinct imported_at) from " + table).fetchone()
        assert (files, first, last, stamps) == (1, 1, rows, 1)


def test_progress_runs_from_zero_to_one_in_order(built):
    fractions = [f for f, _ in built[2]]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("工单" in m for _, m in built[2])


def test_build_replaces_an_existing_database_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "gridgov.duckdb"
    path.write_bytes(b"not a database")
    (tmp_path / "gridgov.duckdb.wal").write_bytes(b"stale")
    demo.build(path, cases=500, petitions=10)
    assert sorted(os.listdir(tmp_path)) == ["gridgov.duckdb"]
    with duckdb.connect(str(path), read_only=True) as c:
        assert one(c, "select count(*) from cases") == 500
        assert one(c, "select count(*) from petitions") == 10
