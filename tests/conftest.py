from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gridgov import store  # noqa: E402
from gridgov.config import Config  # noqa: E402
from tests import tiny  # noqa: E402


@pytest.fixture
def tiny_path(tmp_path):
    return tiny.build(tmp_path / "tiny.duckdb")


@pytest.fixture
def tiny_con(tiny_path):
    con = store.connect(tiny_path)
    yield con
    con.close()


@pytest.fixture
def fetch(tiny_con):
    import queries

    def run(name, **params):
        return queries.fetch(tiny_con, name, **params)

    return run


@pytest.fixture
def cfg():
    return Config(targets={"completion_rate": 0.98, "satisfaction_rate": 0.93})


@pytest.fixture
def open_page():
    """Point an AppTest at a page registered as st.Page(render, url_path=...).

    AppTest.switch_page() finds file pages only; st.navigation keys a callable page by the hash
    of its url_path, which AppTest sends as the requested page on the next run().
    """
    from streamlit.util import calc_hash

    def go(at, url_path: str):
        at._page_hash = calc_hash(url_path)
        return at

    return go


@pytest.fixture(autouse=True)
def _no_login_unless_asked(monkeypatch, tmp_path):
    """Tests sign in only where they test signing in; nobody reads a developer's real users file."""
    monkeypatch.setenv("GRIDGOV_AUTH", "off")
    monkeypatch.setenv("GRIDGOV_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("GRIDGOV_AUDIT_DB", str(tmp_path / "audit.duckdb"))


@pytest.fixture
def tiny_app(tiny_path, monkeypatch, open_page):
    """AppTests of dashboard.py on the tiny district: make(url_path, **query_params) opens a page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from gridgov import audit

    monkeypatch.setenv("GRIDGOV_DB", str(tiny_path))
    st.cache_data.clear()
    st.cache_resource.clear()

    def make(url_path: str, **query_params):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.query_params.update(query_params)
        return open_page(at, url_path)

    yield make
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(tiny_path)
    audit.close()
