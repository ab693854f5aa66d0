"""Drill-down on the analytics pages: street → community → grid → list → one case or petition.

The street is the sidebar's street filter; the community, grid and the opened case or petition are
session keys mirrored in the URL (`community`, `grid`, `case`, `petition`), so a copied link opens
the same view. Clicking a row of a drill table goes one level down; the breadcrumb goes back up.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from gridgov import drill, metrics
from gridgov.i18n import t
from ui import data, filters

LEAVES = ("case", "petition")


_SEEDED = "_drill_seeded"


def _seed() -> None:
    """A session's first run takes the drill keys from the URL (a shared link); later, the session's
    own state is the truth and the URL only mirrors it."""
    if st.session_state.get(_SEEDED):
        return
    for key in filters.DRILL_KEYS:
        if key not in st.session_state and st.query_params.get(key):
            st.session_state[key] = st.query_params.get(key)
    st.session_state[_SEEDED] = True


def places() -> pl.DataFrame:
    return data.fetch("grid_places")


def current_scope(register: pl.DataFrame) -> drill.Scope:
    """The drill path in this session, checked against the grid register (a bad link is cut back)."""
    _seed()
    asked = drill.Scope(filters.selected_street(), st.session_state.get("community"), st.session_state.get("grid"))
    scope = drill.checked(asked, register)
    for key in ("community", "grid"):
        if getattr(scope, key) is None:
            st.session_state.pop(key, None)
    return scope


def opened(leaf: str) -> str | None:
    """The case or petition opened in this session, if any."""
    _seed()
    return st.session_state.get(leaf) or None


def sync_url(leaf: str | None = None) -> None:
    """Mirror the drill keys this page uses in the query string (the others leave it)."""
    filters.sync_url(("community", "grid") + ((leaf,) if leaf else ()), managed=filters.DRILL_KEYS)


def _go(**changes: str | None) -> None:
    for key, value in changes.items():
        if value is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value


def breadcrumb(scope: drill.Scope, register: pl.DataFrame, lang: str, key: str, leaf: str | None = None,
               leaf_id: str | None = None) -> None:
    """全区 › street › community › grid (› the opened case): each earlier step is a button back to it."""
    steps = [(t("all_streets", lang), dict(street="", community=None, grid=None))]
    if scope.street:
        steps.append((scope.street, dict(community=None, grid=None)))
    if scope.community:
        steps.append((scope.community, dict(grid=None)))
    if scope.grid:
        steps.append((drill.grid_name(register, scope.grid), {}))
    if leaf_id:
        steps.append((t("leaf_" + leaf, lang, id=leaf_id), None))
    with st.container(horizontal=True, key=key + "_path", vertical_alignment="center"):
        for i, (label, back) in enumerate(steps):
            last = i == len(steps) - 1
            if i:
                st.markdown("›", width="content")
            if last:
                st.markdown(f"**{label}**", width="content")
            else:
                changes = dict(back, **{k: None for k in LEAVES})
                st.button(label, key=f"{key}_up_{i}", type="tertiary", on_click=_go, kwargs=changes)


def down(scope: drill.Scope, unit: str) -> None:
    """Open `unit` (a street, community or grid_id) one level below the scope."""
    if unit == metrics.UNKNOWN_STREET:
        return
    filters.request(**{scope.child: unit})


def open_leaf(leaf: str, identifier: str) -> None:
    filters.request(**{leaf: identifier})


def close_button(leaf: str, lang: str, key: str) -> None:
    st.button(t("back_to_list", lang), key=key, icon=":material/arrow_back:", on_click=_go, kwargs={leaf: None})
