"""AppTest: every page renders through dashboard.py on the tiny district, with the right figures."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridgov import store

ROOT_SCRIPT = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def app(tiny_path, monkeypatch):
    monkeypatch.setenv("GRIDGOV_DB", str(tiny_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(ROOT_SCRIPT, default_timeout=60)
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(tiny_path)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_renders_the_last_complete_week(app):
    at = app().run()
    assert not at.exception
    values = _metrics(at)
    assert values["受理量"] == "5"
    assert values["办结率"] == "60.0% *"            # five cases: a small sample
    assert values["满意率"] == "66.7% *"          # three rated cases: marked as a small sample
    assert values["信访量"] == "2"
    assert at.session_state["week"] == "2026-W46"
    assert at.query_params["week"] == ["2026-W46"] or at.query_params["week"] == "2026-W46"


def test_street_filter_changes_the_figures(app):
    at = app().run()
    at.selectbox(key="street").set_value("东街道").run()
    assert not at.exception
    values = _metrics(at)
    assert values["受理量"] == "4"
    assert values["办结率"] == "75.0% *"


def test_basis_switch_counts_excluded_cases(app):
    at = app().run()
    at.radio(key="basis").set_value("all").run()
    assert _metrics(at)["受理量"] == "6"


def test_week_from_the_url_is_shown(app):
    at = app()
    at.query_params["week"] = "2026-W45"
    at.run()
    assert not at.exception
    assert _metrics(at)["受理量"] == "2"


def test_english_switch(app):
    at = app().run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    values = _metrics(at)
    assert values["Received"] == "5"
    assert any("Overview" in t.value for t in at.title)


def test_overdue_list_shows_the_overdue_case(app):
    at = app().run()
    frames = [d.value for d in at.dataframe]
    overdue = [f for f in frames if "工单编号" in f.columns or "case_id" in f.columns]
    assert overdue, "no overdue table"
    col = "工单编号" if "工单编号" in overdue[0].columns else "case_id"
    assert list(overdue[0][col]) == ["c3"]
