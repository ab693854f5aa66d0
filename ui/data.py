"""The cached database instance, the cached query fetch, and the first-start demo build."""
from __future__ import annotations

import os
import threading

import polars as pl
import streamlit as st

import queries
from gridgov import config, scope, store
from gridgov.i18n import t

_build_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _instance(path: str):
    return store.instance(path)


@st.cache_resource(show_spinner=False, max_entries=32)
def _street_snapshot(path: str, street: str):
    return scope.snapshot(_instance(path), street)


def _scope() -> str:
    """The street this session is confined to, or '' for the whole district."""
    user = st.session_state.get("user")
    return user.street if user is not None and user.street else ""


def _connection_for(path: str, street: str):
    return _street_snapshot(path, street) if street else _instance(path)


def connection():
    """The database this session may read: the whole district, or its street's snapshot.

    Callers take their own cursor. A street user's session never holds a handle on the full
    tables, so no query, export or workbench SQL of theirs can reach another street.
    """
    return _connection_for(str(store.db_path()), _scope())


def main_connection():
    """The full database, for writes the app itself makes (audit log, imports, saved queries)."""
    return _instance(str(store.db_path()))


@st.cache_data(show_spinner=False, max_entries=1024, ttl=3600)
def _cached(path: str, street: str, name: str, sql: str, params: dict) -> pl.DataFrame:
    # `sql` is part of the key so that editing a .sql file invalidates its cached results;
    # `street` so that a scoped session never reads a result cached for the whole district.
    return queries.fetch(_connection_for(path, street), name, **params)


def fetch(name: str, **params) -> pl.DataFrame:
    """A named query's result in this session's scope, cached by database, SQL text and parameters."""
    return _cached(str(store.db_path()), _scope(), name, queries.load(name).sql, params)


def source() -> str | None:
    """Where the data came from ('demo' for the demo district)."""
    return store.get_meta(main_connection(), "source")


def refresh() -> None:
    """After new data lands: drop cached results and street snapshots."""
    st.cache_data.clear()
    _street_snapshot.clear()


def settings() -> config.Config:
    return config.load()


def _needs_demo(path) -> bool:
    if not path.exists():
        return True
    con = store.instance(path)
    empty = store.table_is_empty(con, "cases") and store.table_is_empty(con, "grids")
    return empty


def ensure_data(lang: str) -> None:
    """On first start with no data, build the demo district with a progress bar."""
    path = store.db_path()
    if not _needs_demo(path):
        return
    from gridgov import demo  # only a first start needs the generator

    with _build_lock:
        if not _needs_demo(path):
            return
        _instance.clear()
        store.close_instance(path)
        bar = st.progress(0.0, text=t("building_demo", lang))
        cases = int(os.environ.get("GRIDGOV_DEMO_CASES", demo.DEFAULT_CASES))
        summary = demo.build(path, cases=cases, progress=lambda f, msg: bar.progress(min(max(f, 0.0), 1.0), text=msg))
        bar.empty()
        st.cache_data.clear()
        st.toast(t("demo_built", lang, cases=summary["cases"], grids=summary["grids"]))
