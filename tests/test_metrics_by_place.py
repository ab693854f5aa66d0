"""`python -m gridgov metrics --by street|community|grid` prints what 诉求办理's place tables show."""
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

from gridgov import measures, store
from tests import tiny_analytics as ta
from tests.test_analytics_pages import POLICY

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def district(tmp_path, monkeypatch):
    db = ta.build(tmp_path / "analytics.duckdb")
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    monkeypatch.setenv("GRIDGOV_DB", str(db))
    monkeypatch.setenv("GRIDGOV_CONFIG", str(policy))
    yield db
    store.close_instance(db)


def gridgov(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gridgov", *args], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)


def test_by_street_lists_every_street_and_the_unmatched_cases(district):
    out = gridgov("metrics", "--month", "2026-10", "--by", "street", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert list(rows[0]) == ["street_name", *measures.METRIC_KEYS]
    assert [(r["street_name"], r["received"], r["petitions"]) for r in rows] == [
        ("东街道", 6, 5), ("西镇", 0, 2), ("（未匹配网格）", 1, 1)]
    assert rows[1]["completion_rate"] is None


def test_by_community_inside_a_street_names_the_street(district):
    out = gridgov("metrics", "--month", "2026-10", "--street", "东街道", "--by", "community", "--basis", "all", "--json")
    rows = json.loads(out.stdout)
    assert [(r["street_name"], r["community_name"], r["received"]) for r in rows] == [
        ("东街道", "东社区", 4), ("东街道", "南社区", 2)]


def test_by_grid_prints_one_block_per_grid(district):
    out = gridgov("metrics", "--month", "2026-10", "--by", "grid")
    assert out.returncode == 0, out.stderr
    assert "东社区 · g1" in out.stdout and "西村 · g4" in out.stdout and "办结率" in out.stdout


def test_the_cli_returns_what_the_page_shows(district, open_page):
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update({"period": "month", "month": "2026-10", "street": "东街道"})
    at = open_page(at, "cases").run()
    assert not at.exception
    shown = pl.from_pandas(next(d.value for d in at.dataframe if d.key == "cases_units_street"))
    shown = {r["community_name"].rstrip(" *"): r for r in shown.to_dicts()}
    st.cache_resource.clear()
    store.close_instance(district)     # DuckDB lets one process hold the file: hand it to the command
    printed = json.loads(gridgov("metrics", "--month", "2026-10", "--street", "东街道", "--by", "community",
                                 "--json").stdout)
    assert set(shown) == {r["community_name"] for r in printed}
    for row in printed:
        page = shown[row["community_name"]]
        assert page["received"] == row["received"] and page["petitions"] == row["petitions"]
        for name in ("completion_rate", "on_time_rate", "satisfaction_rate", "composite_score", "repeat_rate"):
            expected = None if row[name] is None else round(row[name] * 100, 1)
            assert (None if page[name] != page[name] else page[name]) == expected, name   # NaN is "—"
    st.cache_data.clear()
    st.cache_resource.clear()


def test_by_refuses_an_unknown_level(district):
    out = gridgov("metrics", "--month", "2026-10", "--by", "county")
    assert out.returncode != 0 and "invalid choice" in out.stderr
