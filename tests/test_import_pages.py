"""AppTest: the 数据导入 and 数据质量 pages through dashboard.py on the tiny district."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridgov import store
from gridgov.ingest import keys, profiles

ROOT_SCRIPT = str(Path(__file__).resolve().parent.parent / "dashboard.py")
CSV = ("工单编号,受理时间,诉求类型,工单状态,来电号码\n"
       "k1,2026/11/16 9:05,物业服务,处理中,13812345678\n"
       "k2,2026-13-01,噪音扰民,已办结,\n"
       "k3,2026/11/17 10:00,停车难,已办结,13900001111\n").encode("gbk")


@pytest.fixture
def app(tiny_path, tmp_path, monkeypatch, open_page):
    monkeypatch.setenv("GRIDGOV_DB", str(tiny_path))
    monkeypatch.setenv("GRIDGOV_AUDIT_DB", str(tmp_path / "audit.duckdb"))
    monkeypatch.setenv(keys.ENV, str(tmp_path / "hash.key"))
    monkeypatch.setenv(profiles.USER_ENV, str(tmp_path / "profiles"))
    st.cache_data.clear()
    st.cache_resource.clear()

    def make(url_path: str) -> AppTest:
        return open_page(AppTest.from_file(ROOT_SCRIPT, default_timeout=60), url_path)

    yield make
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(tiny_path)


def frames(at) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in at.dataframe]


def upload(at, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="import_files").set_value((name, data, "text/csv"))
    return at.run()


def test_the_import_page_shows_the_detected_encoding_mapping_and_preview(app):
    at = upload(app("import").run(), "工单.csv", CSV)
    assert not at.exception
    assert [t.value for t in at.title] == ["数据导入"]
    assert any("编码 gbk（不是 UTF-8，是有效的 GBK）" in c.value and "表头在第 1 行 · 3 行" in c.value for c in at.caption)
    mapping = next(f for f in frames(at) if "field" in f.columns)
    assert dict(zip(mapping["field"], mapping["source"]))["received_at"] == "受理时间"
    preview = next(f for f in frames(at) if "case_id" in f.columns)
    assert preview["case_id"].to_list() == ["k1", "k3"]                     # k2's time is unreadable
    assert "13812345678" not in preview["caller_key"].to_list()
    problems = next(f for f in frames(at) if "原因" in f.columns)
    assert problems["原因"].to_list() == ["无法识别的时间"]


def test_importing_shows_a_summary_and_stores_the_rows(app, tiny_path):
    at = upload(app("import").run(), "工单.csv", CSV)
    at = at.button(key="import_run").click().run()
    assert not at.exception
    assert any("1 个文件已导入" in s.value for s in at.success)
    summary = next(f for f in frames(at) if "新增" in f.columns)
    assert summary.select("读取", "新增", "更新", "未变", "拒收").row(0) == (3, 2, 0, 0, 1)
    assert [b.label for b in at.get("download_button")] == ["下载问题行：工单.csv"]
    con = store.instance(tiny_path)
    assert con.cursor().execute("select count(*) from cases where source_file = '工单.csv'").fetchall() == [(2,)]


def test_an_unknown_layout_asks_for_a_mapping_and_can_be_saved(app, tmp_path):
    at = upload(app("import").run(), "台账.csv", "单号,时间\nx1,2026-11-16\n".encode())
    assert not at.exception
    assert any("没有现成的映射适用于这些表头" in i.value for i in at.info)
    at.text_input(key="import_0_save_name").set_value("street_ledger").run()
    at = at.button(key="import_0_save").click().run()
    assert not at.exception
    assert (tmp_path / "profiles" / "street_ledger.toml").exists()


def test_the_quality_page_lists_sources_months_and_the_rows_behind_a_figure(app):
    at = upload(app("import").run(), "工单.csv", CSV)
    at.button(key="import_run").click().run()
    quality = app("quality").run()
    assert not quality.exception
    table = next(f for f in frames(quality) if "source" in f.columns)
    mine = table.filter(pl.col("source") == "工单.csv")
    assert mine.select("month", "rows_stored", "rows_rejected", "missing_grid").rows() == [
        ("2026-11", 2, 0, 2), ("（时间无法识别）", 0, 1, 0)]
    cell = table["source"].to_list().index("工单.csv")
    quality.selectbox(key="quality_check").set_value("missing_grid")
    quality = quality.selectbox(key="quality_cell").set_value(cell).run()
    rows = next(f for f in frames(quality) if "record_id" in f.columns)
    assert rows["record_id"].to_list() == ["k1", "k3"]
    unknown = table["source"].to_list().index("工单.csv") + 1
    quality.selectbox(key="quality_check").set_value("rows_rejected")
    quality = quality.selectbox(key="quality_cell").set_value(unknown).run()
    rejected = next(f for f in frames(quality) if "原因" in f.columns)
    assert rejected["编号"].to_list() == ["k2"]
    log = next(f for f in frames(quality) if "方式" in f.columns)
    assert log.select("文件", "方式", "结果", "新增").row(0) == ("工单.csv", "page", "已导入", 2)


def test_an_edited_mapping_becomes_the_profile_used():
    from gridgov.ingest import readers
    from ui.importer import _profile_from

    source = readers.Source("x.csv", "csv", pl.DataFrame({"单号": ["1"], "受理时间": ["2026-11-16"], "标题": ["a"],
                                                             "内容": ["b"]}), "", 0)
    base = profiles.get("cn_12345")
    unchanged = {"received_at": "受理时间"}
    assert _profile_from(base, unchanged, source, "gcj02", "ymd") is base
    edited = _profile_from(base, {"case_id": "单号", "received_at": "受理时间", "description": "内容"}, source,
                           "bd09", "ymd")
    assert edited.resolve(source.headers) == {"case_id": "单号", "received_at": "受理时间", "description": "内容"}
    assert (edited.crs, edited.builtin, edited.constants) == ("bd09", False, {"channel": "hotline"})
    teddy = profiles.get("teddycup2020")
    board = readers.Source("x.xlsx", "excel", pl.DataFrame({"留言编号": ["1"], "留言时间": ["x"], "留言主题": ["a"],
                                                           "留言详情": ["b"]}), "", 0)
    kept = _profile_from(teddy, {"case_id": "留言编号", "received_at": "留言时间", "description": "留言主题 + 留言详情"},
                         board, "wgs84", "ymd")
    assert kept is teddy
    single = _profile_from(teddy, {"case_id": "留言编号", "received_at": "留言时间", "description": "留言详情"},
                           board, "wgs84", "ymd")
    assert single.join == {} and single.resolve(board.headers)["description"] == "留言详情"
