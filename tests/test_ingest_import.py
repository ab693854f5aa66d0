"""Importing exports into the tiny district: encodings, mapping, values, upsert, quarantine, refusals."""
from __future__ import annotations

import io
import json
from datetime import datetime as dt

import polars as pl
import pytest
import shapely

from gridgov import ingest, store
from gridgov.ingest import Upload, geo, keys, profiles

HEADER = ["工单编号", "受理时间", "诉求类型", "诉求内容", "经度", "纬度", "网格编码", "承办单位", "办结时限", "办结时间",
          "工单状态", "回访结果", "来电号码"]
G1_SQUARE = '{"type":"Polygon","coordinates":[[[112.94,28.19],[112.96,28.19],[112.96,28.21],[112.94,28.21],[112.94,28.19]]]}'


@pytest.fixture(autouse=True)
def _private_key_and_profiles(tmp_path, monkeypatch):
    monkeypatch.setenv(keys.ENV, str(tmp_path / "secret" / "hash.key"))
    monkeypatch.setenv(profiles.USER_ENV, str(tmp_path / "profiles"))


@pytest.fixture
def con(tiny_path):
    c = store.connect(tiny_path)
    c.execute("update grids set boundary = $b where grid_id = 'g1'", {"b": G1_SQUARE})
    yield c
    c.close()


def csv_file(rows: list[list[str]], name: str = "工单.csv", encoding: str = "utf-8", header: list[str] = HEADER,
             title: str | None = None) -> Upload:
    out = io.StringIO()
    if title:
        out.write(title + "\n")
    out.write(",".join(header) + "\n")
    for r in rows:
        out.write(",".join('"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n') else c for c in r) + "\n")
    return Upload(name, out.getvalue().encode(encoding))


def row(case_id: str, received="2026/11/16 9:05:00", category="物业服务", text="楼道灯坏了", lon="", lat="",
        grid="g1", unit="东街道", deadline="2026/11/20", closed="", status="处理中", rating="", phone="13812345678"):
    return [case_id, received, category, text, lon, lat, grid, unit, deadline, closed, status, rating, phone]


def count(con, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


def quarantine(con) -> list[tuple]:
    return con.execute("select source_row, record_id, column_name, value, reason, action from import_quarantine "
                       "order by source_row, reason").fetchall()


@pytest.mark.parametrize("encoding,detected,note", [
    ("gbk", "gbk", "gbk_not_utf8"), ("utf-8-sig", "utf-8-sig", "bom"), ("utf-8", "utf-8", "valid_utf8")])
def test_a_csv_is_read_in_its_detected_encoding_below_a_title_row(con, encoding, detected, note):
    f = csv_file([row("n1"), row("n2", category="噪音扰民"), row("n3", status="已办结", closed="2026/11/17 10:00")],
                 encoding=encoding, title="岳麓区12345工单导出（2026年11月）")
    r = ingest.import_file(con, "cases", [f])
    assert (r.status, r.encoding, r.encoding_note, r.header_row, r.profile) == ("imported", detected, note, 2, "cn_12345")
    assert (r.rows_read, r.inserted, r.rejected) == (3, 3, 0)
    stored = con.execute("select case_id, category, status, closed_at, channel, source_row from cases "
                         "where source_file = '工单.csv' order by case_id").fetchall()
    assert stored == [("n1", "物业服务", "in_progress", None, "hotline", 3), ("n2", "噪音扰民", "in_progress", None, "hotline", 4),
                      ("n3", "物业服务", "closed", dt(2026, 11, 17, 10), "hotline", 5)]


def test_a_gb18030_csv_keeps_characters_gbk_lacks(con):
    f = csv_file([row("n1", text="刘䶮反映𠮷野家门前占道")], encoding="gb18030")
    r = ingest.import_file(con, "cases", [f])
    assert (r.encoding, r.encoding_note, r.inserted) == ("gb18030", "gb18030_not_gbk", 1)
    assert count(con, "select description from cases where case_id = 'n1'") == "刘䶮反映𠮷野家门前占道"


def test_bytes_in_no_supported_encoding_refuse_the_file_and_store_nothing(con):
    before = count(con, "select count(*) from cases")
    r = ingest.import_file(con, "cases", [Upload("bad.csv", b"id,time\n\x80\xff\x80\xff\n")], profile="cn_12345")
    assert r.status == "rejected"
    assert "not UTF-8, GBK or GB18030" in r.message
    assert count(con, "select count(*) from cases") == before
    assert con.execute("select status, file_name from import_log").fetchall() == [("rejected", "bad.csv")]


def test_phone_numbers_never_reach_the_database(con):
    ingest.import_file(con, "cases", [csv_file([row("n1", text="请回电13812345678"), row("n2", phone="139 0000 1111")])])
    for table, column in con.execute("select table_name, column_name from information_schema.columns "
                                     "where data_type = 'VARCHAR'").fetchall():
        hits = count(con, f'select count(*) from "{table}" where "{column}" like \'%13812345678%\' '
                          f'or "{column}" like \'%13900001111%\'')
        assert hits == 0, (table, column)
    key = keys.load_key()
    expected = keys.hash_series(pl.Series(["13812345678"]), key)[0]
    assert count(con, "select caller_key from cases where case_id = 'n1'") == expected


def test_gcj02_points_are_stored_as_wgs84_and_placed_in_their_grid(con):
    inside_wgs = (112.95, 28.20)
    gcj = geo.wgs84_to_gcj02(*inside_wgs)
    f = csv_file([row("n1", lon=f"{gcj[0]:.8f}", lat=f"{gcj[1]:.8f}", grid=""),
                  row("n2", lon="113.5", lat="28.9", grid=""), row("n3", lon="0", lat="0", grid="")])
    r = ingest.import_file(con, "cases", [f])
    lon, lat, grid = con.execute("select lon, lat, grid_id from cases where case_id = 'n1'").fetchall()[0]
    assert geo.distance_m(lon, lat, *inside_wgs) < 1.0 and grid == "g1"
    assert con.execute("select grid_id, lon from cases where case_id in ('n2', 'n3') order by case_id").fetchall() == [
        (None, pytest.approx(geo.to_wgs84(113.5, 28.9, "gcj02")[0])), (None, None)]
    assert (r.inserted, r.rejected, r.flagged, r.reasons) == (3, 0, 1, {"outside_grids": 1})


def test_importing_the_same_file_twice_changes_nothing(con):
    f = csv_file([row("n1"), row("n2", received="not a time"), row("n3", grid="g9")])
    first = ingest.import_file(con, "cases", [f])
    snapshot = con.execute("select * exclude (imported_at) from cases order by case_id").fetchall()
    problems = quarantine(con)
    second = ingest.import_file(con, "cases", [f])
    assert (first.inserted, first.rejected, first.flagged) == (2, 1, 1)
    assert (second.inserted, second.updated, second.unchanged, second.rejected) == (0, 0, 2, 1)
    assert con.execute("select * exclude (imported_at) from cases order by case_id").fetchall() == snapshot
    assert quarantine(con) == problems


def test_a_newer_export_updates_status_and_close_time_and_never_erases(con):
    ingest.import_file(con, "cases", [csv_file([row("n1", rating="满意", status="已办结", closed="2026/11/17"),
                                                row("n2"), row("n3")])])
    newer = csv_file([row("n1", rating="", status="已办结", closed="2026/11/17"),
                      row("n2", status="已办结", closed="2026/11/18 16:30", rating="基本满意"), row("n3")],
                     name="工单_1118.csv")
    r = ingest.import_file(con, "cases", [newer])
    assert (r.inserted, r.updated, r.unchanged) == (0, 1, 2)
    assert con.execute("select case_id, status, closed_at, satisfaction, source_file from cases "
                       "where case_id in ('n1', 'n2') order by 1").fetchall() == [
        ("n1", "closed", dt(2026, 11, 17), "satisfied", "工单.csv"),
        ("n2", "closed", dt(2026, 11, 18, 16, 30), "basically_satisfied", "工单_1118.csv")]


def test_row_problems_are_quarantined_with_file_row_column_value_and_reason(con):
    f = csv_file([
        row("n1"),                                                          # row 2: fine
        row("n2", received="2026-13-45"),                                   # row 3: unreadable time
        row("n3", received="2026/11/16 9:00", closed="2026/11/15", status="已办结"),  # row 4: closed before received
        row("n4", grid="g9"),                                               # row 5: unknown grid (stored, flagged)
        row("n1"),                                                          # row 6: same row again
        row("n1", category="噪音扰民"),                                       # row 7: same id, other values
        row("n5", status="已挂起"),                                          # row 8: a status word not in the map
        row("", category="无编号"),                                           # row 9: no id
    ])
    r = ingest.import_file(con, "cases", [f])
    assert (r.rows_read, r.inserted, r.updated, r.unchanged, r.rejected, r.flagged) == (8, 2, 0, 0, 6, 1)
    assert quarantine(con) == [
        (3, "n2", "received_at", "2026-13-45", "bad_timestamp", "rejected"),
        (4, "n3", "closed_at", "2026/11/15", "closed_before_received", "rejected"),
        (5, "n4", "grid_id", "g9", "unknown_grid", "flagged"),
        (6, "n1", "case_id", "n1", "duplicate_row", "rejected"),
        (7, "n1", "case_id", "n1", "duplicate_key", "rejected"),
        (8, "n5", "status", "已挂起", "unknown_value", "rejected"),
        (9, None, "case_id", None, "missing_key", "rejected"),
    ]
    assert count(con, "select grid_id from cases where case_id = 'n4'") == "g9"   # never dropped
    kept = json.loads(count(con, "select row_json from import_quarantine where source_row = 3"))
    assert kept["受理时间"] == "2026-13-45" and kept["来电号码"] != "13812345678"


def test_rows_with_the_wrong_number_of_fields_are_rejected_not_shifted(con):
    text = ",".join(HEADER) + "\n" + ",".join(row("n1")) + "\n" + "n2,2026/11/16 9:00,物业服务\n" \
        + ",".join(row("n3")) + ",多出来的\n" + ",".join(row("n4")) + "\n"
    r = ingest.import_file(con, "cases", [Upload("ragged.csv", text.encode())])
    assert (r.rows_read, r.inserted, r.rejected) == (4, 2, 2)
    assert [(q[0], q[3], q[4]) for q in quarantine(con)] == [
        (3, "3 fields, header has 13", "wrong_field_count"), (4, "14 fields, header has 13", "wrong_field_count")]


def test_a_file_missing_a_required_column_is_refused_whole(con):
    before = count(con, "select count(*) from cases")
    header = [h for h in HEADER if h != "受理时间"]
    f = csv_file([[c for h, c in zip(HEADER, row("n1")) if h != "受理时间"]], header=header)
    r = ingest.import_file(con, "cases", [f], profile="cn_12345")
    assert r.status == "rejected" and "received_at" in r.message and "受理时间" in r.message
    assert count(con, "select count(*) from cases") == before
    assert count(con, "select count(*) from import_quarantine") == 0


def test_headers_no_profile_knows_are_refused_naming_the_headers(con):
    r = ingest.import_file(con, "cases", [csv_file([["1", "2"]], header=["甲", "乙"])])
    assert r.status == "rejected" and "no profile for cases fits these headers (甲, 乙)" in r.message


def test_a_saved_profile_is_detected_next_time(con):
    header = ["单号", "时间", "问题"]
    f = csv_file([["x1", "2026-11-16 08:00", "路灯"], ["x2", "2026-11-16 09:00", "井盖"]], header=header)
    base = profiles.get("cn_12345")
    mine = base.with_mapping({"case_id": "单号", "received_at": "时间", "category": "问题"}, name="street_hotline",
                             title="街道热线台账")
    path = profiles.save(mine)
    assert path.read_text(encoding="utf-8").startswith('name = "street_hotline"')
    assert profiles.detect("cases", header).name == "street_hotline"
    r = ingest.import_file(con, "cases", [f])
    assert (r.profile, r.inserted) == ("street_hotline", 2)
    with pytest.raises(ingest.IngestError, match="built-in"):
        profiles.save(mine.__class__(**{**mine.__dict__, "name": "nyc311"}))


def test_a_changed_hash_key_is_refused_so_callers_keep_one_identity(con, tmp_path, monkeypatch):
    assert ingest.import_file(con, "cases", [csv_file([row("n1")])]).status == "imported"
    monkeypatch.setenv(keys.ENV, str(tmp_path / "other.key"))
    r = ingest.import_file(con, "cases", [csv_file([row("n2")], name="b.csv")])
    assert r.status == "rejected" and "not the one earlier imports used" in r.message
    assert count(con, "select count(*) from cases where case_id = 'n2'") == 0


def test_replacing_the_demo_happens_in_the_import_transaction(tmp_path):
    from gridgov import demo

    demo.build(tmp_path / "demo.duckdb", cases=2000)
    con = store.connect(tmp_path / "demo.duckdb")
    kept = ingest.import_file(con, "cases", [csv_file([row("n1", grid="")])])          # alongside the demo
    assert kept.inserted == 1 and count(con, "select count(*) from cases") == 2001
    r = ingest.import_file(con, "cases", [csv_file([row("n2", grid="")], name="b.csv")], replace_demo=True)
    assert r.inserted == 1
    assert con.execute("select case_id from cases order by 1").fetchall() == [("n1",), ("n2",)]
    assert [count(con, f"select count(*) from {t}") for t in ("grids", "petitions")] == [0, 0]
    assert store.get_meta(con, "source") is None and store.get_meta(con, "as_of") is None
    con.close()


def test_an_excel_export_mixing_text_and_real_datetimes_imports(con, tmp_path):
    import xlsxwriter

    path = tmp_path / "工单.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("导出")
    sheet.write_row(0, 0, ["工单编号", "受理时间", "诉求类型", "来电号码", "工单状态"])
    sheet.write_row(1, 0, ["e1", "2026/11/16 9:05:00", "物业服务", "13812345678", "处理中"])
    sheet.write(2, 0, 2002)
    sheet.write_datetime(2, 1, dt(2026, 11, 17, 14, 30), book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    sheet.write_row(2, 2, ["噪音扰民"])
    sheet.write_number(2, 3, 13900001111)
    sheet.write(2, 4, "已办结")
    book.close()
    r = ingest.import_file(con, "cases", [Upload("工单.xlsx", path.read_bytes())])
    assert (r.status, r.sheet, r.inserted) == ("imported", "导出", 2)
    assert con.execute("select case_id, received_at, status from cases where source_file = '工单.xlsx' order by 1").fetchall() == [
        ("2002", dt(2026, 11, 17, 14, 30), "closed"), ("e1", dt(2026, 11, 16, 9, 5), "in_progress")]


def test_a_petition_export_hashes_identity_numbers_and_maps_forms(con):
    header = ["信访件编号", "登记时间", "信访形式", "信访事项分类", "网格编码", "涉及人数", "是否集体访", "证件号码"]
    f = csv_file([["x1", "2026-11-16", "来访", "征地拆迁", "g3", "12", "是", "430104199001011234"],
                  ["x2", "2026-11-17", "网上信访", "物业纠纷", "g1", "1", "否", "43010419900101123x"]],
                 header=header, name="信访.csv")
    r = ingest.import_file(con, "petitions", [f])
    assert (r.profile, r.inserted) == ("cn_petition", 2)
    rows = con.execute("select petition_id, form, persons, is_collective, petitioner_key from petitions "
                       "where source_file = '信访.csv' order by 1").fetchall()
    assert [r_[:4] for r_ in rows] == [("x1", "visit", 12, True), ("x2", "online", 1, False)]
    assert all(len(r_[4]) == 32 and "4301" not in r_[4] for r_ in rows)


def test_a_grid_register_in_geojson_gets_wgs84_boundaries_and_centroids(con):
    ring = [[112.95, 28.20], [112.96, 28.20], [112.96, 28.21], [112.95, 28.21], [112.95, 28.20]]
    gcj_ring = [list(geo.wgs84_to_gcj02(x, y)) for x, y in ring]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"网格编码": "g7", "网格名称": "新一网格", "所属社区": "新社区",
                                           "所属街道": "东街道", "网格类型": "城镇网格", "常住人口": "1,200"},
         "geometry": {"type": "Polygon", "coordinates": [[[float(a) for a in p] for p in gcj_ring]]}},
        {"type": "Feature", "properties": {"网格编码": "g8", "网格名称": "坏网格"},
         "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}
    r = ingest.import_file(con, "grids", [Upload("网格.geojson", json.dumps(doc, ensure_ascii=False).encode())])
    assert (r.profile, r.inserted, r.rejected, r.reasons) == ("cn_grid_register", 1, 1, {"bad_geometry": 1})
    grid_type, population, lon, lat, boundary = con.execute(
        "select grid_type, population, centroid_lon, centroid_lat, boundary from grids where grid_id = 'g7'").fetchall()[0]
    assert (grid_type, population) == ("urban", 1200)
    assert geo.distance_m(lon, lat, 112.955, 28.205) < 1.0
    stored = shapely.from_geojson(boundary)
    assert stored.hausdorff_distance(shapely.Polygon(ring)) < 1e-5   # about a metre
