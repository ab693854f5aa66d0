"""AppTest: the 网格分级 and 热点地图 pages through dashboard.py, and the CLI agreeing with the page."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridgov import store
from tests import grid_fixture
from ui import maps

ROOT = Path(__file__).resolve().parent.parent
ROOT_SCRIPT = str(ROOT / "dashboard.py")


def _app(path, monkeypatch, open_page, url_path):
    monkeypatch.setenv("GRIDGOV_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()

    def make(**query_params) -> AppTest:
        at = AppTest.from_file(ROOT_SCRIPT, default_timeout=60)
        at.query_params.update(query_params)
        return open_page(at, url_path)

    return make


@pytest.fixture
def grading_page(tiny_path, monkeypatch, open_page):
    yield _app(tiny_path, monkeypatch, open_page, "grading")
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(tiny_path)


@pytest.fixture
def lattice_path(tmp_path):
    return grid_fixture.build(tmp_path / "lattice.duckdb")


@pytest.fixture
def hotspot_page(lattice_path, monkeypatch, open_page):
    yield _app(lattice_path, monkeypatch, open_page, "hotspots")
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(lattice_path)


def frames(at) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in at.dataframe]


def grid_table(at) -> pl.DataFrame:
    """The grid table (AppTest reads column ids; the page labels them in the browser)."""
    return next(f for f in frames(at) if "case_interval" in f.columns)


def deck_spec(at, index: int = 0) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[index].proto.json)


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_grading_page_grades_every_grid_and_states_the_rule(grading_page):
    at = grading_page().run()
    assert not at.exception
    assert at.title[0].value == "网格分级 · 红黄绿网格动态管理"
    rule = at.info[0].value
    assert "第 90 百分位 = 2.90" in rule and "第 70 百分位 = 0.70" in rule   # case rates 2 and 3: 2 + 0.9 × 1
    table = grid_table(at)
    assert dict(zip(table["grid_id"], table["grade"])) == {"g1": "红", "g2": "绿", "g3": "未评定"}
    assert at.session_state["grading_half"] == "2026-H2"     # the only half-year with data
    assert "未满半年" in at.warning[0].value or "尚未结束" in at.warning[0].value


def test_grading_page_and_the_cli_show_the_same_rows(grading_page, tiny_path):
    # The CLI first: the page's process keeps the database open (DuckDB allows one writer process).
    out = subprocess.run([sys.executable, "-m", "gridgov", "grades", "--half", "2026-H2", "--json"], cwd=ROOT,
                         env=dict(os.environ, GRIDGOV_DB=str(tiny_path)), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    at = grading_page().run()
    table = grid_table(at)
    zh = {"red": "红", "yellow": "黄", "green": "绿", "ungraded": "未评定"}
    page = [{"grid_id": r["grid_id"], "population": None if pd_null(r["population"]) else int(r["population"]),
             "cases": int(r["cases"]), "petitions": int(r["petitions"]),
             "case_rate": None if pd_null(r["case_rate"]) else r["case_rate"],
             "petition_rate": None if pd_null(r["petition_rate"]) else r["petition_rate"], "grade": r["grade"]}
            for r in table.to_dicts()]
    assert [dict(r, grade=zh[r["grade"]]) for r in cli] == page
    assert cli[0] == {"grid_id": "g1", "population": 1000, "cases": 3, "petitions": 1, "case_rate": 3.0,
                      "petition_rate": 1.0, "grade": "red"}


def pd_null(value) -> bool:
    return value is None or value != value


def test_why_card_gives_the_reductions_that_leave_red(grading_page):
    at = grading_page()
    at.run()
    at.selectbox(key="grading_grid").set_value("g1").run()
    assert not at.exception
    text = markdown(at)
    # g1: 3 cases ≥ 2.9 and 1 petition ≥ 0.9 → 2 cases (< 2.9) and 0 petitions leave red.
    assert "**要降为黄**：12345 工单少 1 件，且信访少 1 件（其他网格和阈值不变）。" in text
    assert at.query_params["g_grid"] in (["g1"], "g1")


def test_a_shared_link_opens_the_grid_and_the_shrunk_grading(grading_page):
    at = grading_page(g_half="2026-H2", g_grid="g3")
    at.run()
    at.radio(key="grading_estimate").set_value("shrunk").run()
    assert not at.exception
    assert "按收缩估计计算" in at.info[0].value
    assert any("不参与评定" in i.value for i in at.info)             # g3 has no residents


def test_grading_page_map_is_offline(grading_page):
    at = grading_page().run()
    spec = deck_spec(at)
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec
    assert [layer["id"] for layer in spec["layers"]] == ["grids", "streets", "selected_grid"]


def test_grading_page_in_english_with_a_street(grading_page):
    at = grading_page(lang="en")
    at.run()
    at.selectbox(key="street").set_value("东街道").run()
    assert not at.exception
    table = grid_table(at)
    assert dict(zip(table["grid_id"], table["grade"])) == {"g1": "Red", "g2": "Green"}


def test_hotspot_page_draws_grids_streets_and_red_cases_offline(hotspot_page):
    at = hotspot_page().run()
    assert not at.exception
    spec = deck_spec(at)
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert list(layers) == ["grids", "streets", "red_cases", "selected_grid"]
    assert sorted(d["grid_id"] for d in layers["grids"]["data"]) == grid_fixture.IDS
    assert len(layers["red_cases"]["data"]) == 3
    assert len(layers["streets"]["data"]) == 2                    # 北街道 and 南街道
    assert "http" not in at.get("deck_gl_json_chart")[0].proto.json


def test_hotspot_page_gi_star_of_hotline_rates(hotspot_page):
    at = hotspot_page(hs_colour="gi")
    at.run()
    at.multiselect(key="hs_channels").set_value(["hotline"]).run()
    assert not at.exception
    grids = next(layer for layer in deck_spec(at)["layers"] if layer["id"] == "grids")
    fills = {d["grid_id"]: d["fill"][:3] for d in grids["data"]}
    assert fills["g11"] == maps.rgb(maps.GI_COLOURS["hot_99"])[:3]          # z = 2.75 (hand-worked)
    hot = next(f for f in frames(at) if "gi_class" in f.columns)
    assert dict(zip(hot["grid_id"], hot["trend"])) == {"g11": "新增热点", "g12": "持续热点", "g21": "新增热点",
                                                  "g13": "消退热点"}
    assert "热点 3 个（持续 1、新增 2），消退 1 个" in markdown(at)


def test_hotspot_page_density_squares_and_a_clicked_grid(hotspot_page):
    at = hotspot_page(hs_period="2026-H1")
    at.run()
    at.multiselect(key="hs_layers").set_value(["density", "streets"]).run()
    ids = [layer["id"] for layer in deck_spec(at)["layers"]]
    assert ids == ["density", "grids", "streets", "selected_grid"]
    assert len(deck_spec(at)["layers"][0]["data"]) == 7        # grids with located cases in 2026-H1
    at.selectbox(key="hs_grid").set_value("g13").run()
    assert not at.exception
    cases = next(f for f in frames(at) if "light" in f.columns)
    assert cases["light"].to_list() == ["红灯", "红灯"]
    assert "等级卡片（2026年上半年）" in markdown(at)
    selected = deck_spec(at)["layers"][-1]
    assert selected["id"] == "selected_grid" and len(selected["data"]) == 1


def test_hotspot_page_with_monthly_periods(hotspot_page):
    at = hotspot_page(hs_kind="month", hs_period="2026-03")
    at.run()
    assert not at.exception
    assert at.session_state["hs_period"] == "2026-03"
    assert "2026年3月" in at.caption[0].value
