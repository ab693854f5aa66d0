"""Malformed rows and files thrown at the importer: a clear refusal or quarantined rows, never a traceback,
and every row read is accounted for (inserted + updated + unchanged + rejected = rows read)."""
from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov import ingest, store
from gridgov.ingest import Upload, keys

HEADERS = {
    "cases": ["工单编号", "受理时间", "诉求类型", "诉求内容", "经度", "纬度", "网格编码", "办结时限", "办结时间", "工单状态",
              "回访结果", "是否解决", "来电号码", "Unique Key", "Created Date", "Closed Date", "Status", "Latitude"],
    "petitions": ["信访件编号", "登记时间", "信访形式", "涉及人数", "是否集体访", "办结时间", "证件号码", "办理状态"],
    "grids": ["网格编码", "网格名称", "所属街道", "网格类型", "常住人口", "中心点经度", "中心点纬度", "边界", "网格党组织"],
}
CELLS = st.one_of(
    st.sampled_from(["", " ", "k1", "k1", "k2", "2026/11/16 9:05", "2026-13-45", "12/25/2013 11:59:08 PM", "43580.5",
                     "已办结", "处理中", "满意", "是", "否", "来访", "112.95", "28.2", "0", "-999", "1,200", "12.5",
                     "13812345678", "NULL", "<br/>&nbsp;", "城镇网格", '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}',
                     "POLYGON((0 0, 1 0, 1 1, 0 0))", "{not json", "１２３", "\t\n", "g1"]),
    st.text(max_size=15),
)


@st.composite
def csv_exports(draw):
    table = draw(st.sampled_from(sorted(HEADERS)))
    header = draw(st.lists(st.sampled_from(HEADERS[table]), max_size=8, unique=True))
    header += draw(st.lists(st.text(min_size=1, max_size=6), max_size=2))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 2), max_size=12))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", "\t", ";"])), lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    if draw(st.booleans()):
        writer.writerow(["导出标题"])
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]))
    data = out.getvalue().encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:   # now and then, a corrupted byte somewhere
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        data = data[:at] + bytes([draw(st.integers(0x80, 0xff))]) + data[at + 1:]
    return table, Upload(draw(st.sampled_from(["x.csv", "x.txt", "x.json"])), data)


@st.composite
def other_exports(draw):
    table = draw(st.sampled_from(["cases", "grids", "boundaries"]))
    kind = draw(st.sampled_from(["bytes", "json", "geojson", "xlsx-ish"]))
    if kind == "bytes":
        data = draw(st.binary(max_size=200))
    elif kind == "json":
        data = json.dumps(draw(st.lists(st.dictionaries(st.sampled_from(["service_request_id", "requested_datetime",
                                                                          "status", "lat", "long", "x"]), CELLS,
                                                        max_size=5), max_size=6))).encode()
    elif kind == "geojson":
        feature = st.fixed_dictionaries({
            "type": st.just("Feature"),
            "properties": st.dictionaries(st.sampled_from(["adcode", "name", "level", "网格编码", "id"]), CELLS, max_size=3),
            "geometry": st.one_of(st.none(), st.just({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}),
                                  st.just({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}),
                                  st.just({"type": "Point", "coordinates": [1, 2]}), st.just({"type": "Polygon"}))})
        data = json.dumps({"type": "FeatureCollection", "features": draw(st.lists(feature, max_size=5))}).encode()
    else:
        data = b"PK\x03\x04" + draw(st.binary(max_size=100))
    return table, Upload(draw(st.sampled_from(["x.json", "x.geojson", "x.xlsx", "x.shp", "x.zip"])), data)


def _counts(con) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in ingest.TABLES}


def _check(table: str, upload: Upload) -> None:
    con = store.connect(":memory:")
    try:
        before = _counts(con)
        result = ingest.import_file(con, table, [upload])
        after = _counts(con)
        assert result.status in ("imported", "rejected")
        if result.status == "rejected":
            assert result.message and "internal error" not in result.message
            assert after == before
            return
        assert result.inserted + result.updated + result.unchanged + result.rejected == result.rows_read
        assert after[table] - before[table] == result.inserted
        rejected_rows = con.execute("select count(distinct source_row) from import_quarantine "
                                    "where action = 'rejected'").fetchall()[0][0]
        assert rejected_rows == result.rejected
    finally:
        con.close()


@pytest.fixture(autouse=True, scope="module")
def _key(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv(keys.ENV, str(tmp_path_factory.mktemp("key") / "hash.key"))
    mp.setenv("GRIDGOV_PROFILES_DIR", str(tmp_path_factory.mktemp("profiles")))
    yield
    mp.undo()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(csv_exports())
def test_malformed_csv_exports_are_refused_or_quarantined_never_raised(export):
    _check(*export)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(other_exports())
def test_malformed_json_geojson_and_binary_files_are_refused_or_quarantined(export):
    _check(*export)
