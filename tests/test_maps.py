"""Map geometry and layers: offline decks, compact JSON, tiles, street outlines, density squares, queries."""
from __future__ import annotations

import json
from datetime import datetime

import polars as pl
import pytest

import queries
from gridgov import config, geo, store
from tests import grid_fixture
from ui import maps

H1 = dict(start=datetime(2026, 1, 1), end=datetime(2026, 7, 1))


@pytest.fixture
def lattice(tmp_path):
    con = store.connect(grid_fixture.build(tmp_path / "lattice.duckdb"))
    yield con
    con.close()


def _grids() -> pl.DataFrame:
    return pl.DataFrame({"grid_id": ["a", "b"], "grid_name": ["甲", "<b>乙</b>"], "street_name": ["东", "东"],
                         "community_name": ["c", "c"], "population": [1000, None], "cases": [3, 0],
                         "petitions": [1, 0], "case_rate": [3.0, None], "petition_rate": [1.0, None],
                         "grade": ["red", "ungraded"], "gi_class": ["hot_95", None], "gi_z": [2.1, None],
                         "trend": ["new", None]})


RINGS = {"a": [[[[112.9, 28.2], [112.91, 28.2], [112.91, 28.21], [112.9, 28.2]]]],
         "b": [[[[112.91, 28.2], [112.92, 28.2], [112.92, 28.21], [112.91, 28.2]]]]}


def test_the_deck_asks_no_server_for_a_base_map_and_is_compact():
    grids = _grids()
    colours, _ = maps.grid_colours(grids, "grade")
    deck = maps.deck([maps.grid_layer(grids, RINGS, colours, [("x", "1"), ("y", "2")])],
                     maps.view((112.9, 28.2, 112.92, 28.21), 600, 400))
    text = deck.to_json()
    spec = json.loads(text)
    # Streamlit's frontend adds a CARTO base map when mapStyle is missing; pydeck's marker stops it.
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec
    assert "http" not in text and "\n" not in text
    layer = spec["layers"][0]
    assert layer["id"] == maps.GRID_LAYER and layer["lineWidthUnits"] == "pixels"   # a literal, not "@@=pixels"
    assert [d["fill"][:3] for d in layer["data"]] == [[0xd6, 0x45, 0x41], [0xbd, 0xc3, 0xc7]]


def test_tooltips_are_chinese_plain_text_that_streamlit_escapes():
    title, body = maps.grid_tip(_grids().row(1, named=True), "zh")
    # Plain text: Streamlit HTML-escapes every value it fills into the tooltip template, so a name
    # like "<b>乙</b>" shows as typed and cannot inject markup; newlines break lines (pre-line).
    assert title == "<b>乙</b>（b）"
    assert body.split("\n")[1:] == ["常住人口 —", "12345 工单 0 件 · 每千人 —", "信访 0 件 · 每千人 —", "等级：未评定"]
    _, body_a = maps.grid_tip(_grids().row(0, named=True), "zh")
    assert body_a.endswith("热点分析：热点（95% 置信）（z = 2.10） · 新增热点")
    deck = json.loads(maps.deck([], maps.view(None, 100, 100)).to_json())
    assert deck["views"] and maps.TOOLTIP_HTML == "<b>{tip_title}</b><br/>{tip}"
    assert maps.TOOLTIP_STYLE["whiteSpace"] == "pre-line"


def test_grid_colours_by_rate_use_equal_count_classes():
    grids = pl.DataFrame({"case_rate": [1.0, 2.0, 3.0, 4.0, 5.0, None]})
    colours, legend = maps.grid_colours(grids, "rate", "case_rate")
    assert colours == list(maps.RATE_COLOURS) + [maps.NO_DATA]
    assert legend[0][1] == "< 2.0" and legend[-2][1] == "5.0 +" and legend[-1] == (maps.NO_DATA, "map_no_rate")


def test_selection_event_names_the_clicked_grid():
    event = {"selection": {"indices": {"grids": [3]}, "objects": {"grids": [{"grid_id": "g22"}]}}}
    assert maps.selected_grid(event) == "g22"
    assert maps.selected_grid({"selection": {"indices": {}, "objects": {}}}) is None
    red = {"selection": {"indices": {"red_cases": [0]}, "objects": {"red_cases": [{"grid_id": "g13"}]}}}
    assert maps.selected_grid(red) == "g13"
    assert maps.selected_grid(None) is None


def test_tiles_cover_the_bounds_and_only_the_configured_server_is_named():
    # Changsha at zoom 13: x = floor((112.9 + 180) / 360 · 2¹³) = 6665.
    layers = maps.tile_layers("http://tiles.intranet/{z}/{x}/{y}.png", (112.90, 28.20, 112.92, 28.21), 13)
    images = [json.loads(layer.to_json())["image"] for layer in layers]
    assert images and all(i.startswith("http://tiles.intranet/13/6665/") for i in images)
    for z, x, y, (west, south, east, north) in geo.tiles((112.90, 28.20, 112.92, 28.21), 13):
        assert west <= 112.92 and east >= 112.90 and south <= 28.21 and north >= 28.20


def test_street_outlines_dissolve_neighbouring_grids(lattice):
    outlines = geo.outlines(queries.fetch(lattice, "grid_boundaries"))
    assert set(outlines) == {"北街道", "南街道"}
    north = outlines["北街道"]
    assert len(north) == 1                                    # rows 1-2 dissolve into one ring
    xs, ys = [p[0] for p in north[0]], [p[1] for p in north[0]]
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((112.90, 112.93, 28.21, 28.23))


def test_boundaries_that_are_missing_or_unreadable_are_skipped():
    assert geo.parse_boundary(None) is None
    assert geo.parse_boundary("not json") is None
    assert geo.parse_boundary('{"type": "Point", "coordinates": [1, 2]}') is None
    bow_tie = '{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}'
    assert geo.parse_boundary(bow_tie).is_valid


def test_density_squares_by_hand(lattice):
    # With 0.01° squares, g11's centre (112.905, 28.225) falls in bin (11290, 2822): its 10 hotline cases.
    bins = queries.fetch(lattice, "case_density_bins", **H1, streets=[], categories=[], channels=["hotline"],
                         basis="assessment", bin_lon=0.01, bin_lat=0.01)
    assert dict(zip(zip(bins["bin_x"], bins["bin_y"]), bins["cases"]))[(11290, 2822)] == 10
    assert bins["cases"].sum() == 32
    south = queries.fetch(lattice, "case_density_bins", **H1, streets=["南街道"], categories=[], channels=[],
                          basis="assessment", bin_lon=0.01, bin_lat=0.01)
    assert south["cases"].to_list() == [5]                    # g33's patrol cases
    b = geo.bins(250, 28.2)
    square = b.square(3, 4)
    assert square[0] == [round(3 * b.lon_step, 6), round(4 * b.lat_step, 6)]
    assert b.lon_step * 111_320 * 0.88130 == pytest.approx(250, rel=1e-3)     # cos 28.2° = 0.88130


def test_red_light_cases_with_reasons_and_the_row_limit(lattice):
    rows = queries.fetch(lattice, "red_light_cases", as_of=grid_fixture.AS_OF, **H1, streets=[], categories=[],
                         channels=[], basis="assessment", row_limit=2)
    assert rows["red_reason"].to_list() == ["overdue_open", "repeat_open"]
    assert rows["red_total"].to_list() == [3, 3]
    # 2026-04-05 00:00 to 2026-11-20 18:00 is 229.75 days
    assert rows["days_overdue"][0] == pytest.approx(229.75)
    none = queries.fetch(lattice, "red_light_cases", as_of=grid_fixture.AS_OF, **H1, streets=[], categories=[],
                         channels=["hotline"], basis="assessment", row_limit=10)
    assert none.height == 0


def test_grid_case_list_lights(lattice):
    rows = queries.fetch(lattice, "grid_case_list", grid_id="g13", **H1, categories=[], channels=[],
                         basis="assessment", as_of=grid_fixture.AS_OF, row_limit=10)
    assert rows["light"].to_list() == ["red", "red"]          # the repeat (newest first), the overdue one
    g11 = queries.fetch(lattice, "grid_case_list", grid_id="g11", **H1, categories=[], channels=[],
                        basis="assessment", as_of=grid_fixture.AS_OF, row_limit=3)
    assert g11.height == 3 and set(g11["light"]) == {"green"}


def test_grading_and_map_settings_come_from_the_configuration():
    cfg = config.parse("""
[grading]
rule = "absolute"
estimate = "shrunk"
[grading.absolute]
case_red = 70
[grading.health]
max_population = 2500
[hotspots]
weights = "rook"
fdr = true
[map]
tile_url = "http://10.0.0.5/tiles/{z}/{x}/{y}.png"
""")
    assert cfg.grading.rule == "absolute" and cfg.grading.estimate == "shrunk"
    assert cfg.grading.absolute["case_red"] == 70.0 and cfg.grading.absolute["case_yellow"] == 45.0
    assert cfg.grading.max_population == 2500
    assert cfg.hotspots.weights == "rook" and cfg.hotspots.fdr
    assert cfg.hotspots.tile_url.startswith("http://10.0.0.5/")
    default = config.Config()
    assert default.grading.percentile == {"case_red": 90.0, "case_yellow": 70.0, "petition_red": 90.0,
                                          "petition_yellow": 70.0}
    assert default.hotspots.tile_url == ""                      # no base map unless configured


@pytest.mark.parametrize("text, message", [
    ('[grading]\nrule = "median"', "grading.rule"),
    ('[grading.percentile]\ncase_red = 60\ncase_yellow = 80', "case_yellow <= case_red"),
    ('[grading.percentile]\ncase_red = 120', "<= 100"),
    ('[grading.absolute]\nnoise = 1', "takes exactly"),
    ('[hotspots]\nweights = "knn"', "hotspots.weights"),
    ('[map]\ntile_url = "http://x/tile.png"', "tile_url"),
])
def test_bad_grading_settings_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        config.parse(text)


def test_the_shipped_configuration_parses():
    cfg = config.load(config.DEFAULT_PATH)
    assert cfg.grading.rule in ("percentile", "absolute") and cfg.hotspots.tile_url == ""
