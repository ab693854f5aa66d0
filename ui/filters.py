"""The shared sidebar filters: kept in st.session_state and mirrored in the URL's query string."""
from __future__ import annotations

import streamlit as st

from gridgov import metrics, periods
from gridgov.i18n import LANGS, t

# Filter keys as they appear in session state and in the query string.
KEYS = ("lang", "week", "street", "basis")


def lang() -> str:
    return st.session_state.get("lang", "zh")


def _from_url(key: str, allowed: list[str], default: str) -> None:
    """Seed a widget's state from the URL the first time a session sees it."""
    if key in st.session_state and st.session_state[key] in allowed:
        return
    value = st.query_params.get(key)
    st.session_state[key] = value if value in allowed else default


def language_picker() -> str:
    _from_url("lang", list(LANGS), "zh")
    st.sidebar.radio(t("language", lang()), list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)
    return lang()


def sidebar(span: metrics.DataSpan, streets: list[str]) -> None:
    """Week, street and basis pickers; every page reads their values from session state."""
    language = lang()
    weeks = [p.label for p in metrics.week_options(span)]
    st.sidebar.subheader(t("filters", language))
    if weeks:
        _from_url("week", weeks, weeks[0])
        st.sidebar.selectbox(
            t("week", language), weeks, key="week",
            format_func=lambda w: periods.parse("week", w).title(language),
        )
    street_choices = [""] + streets
    _from_url("street", street_choices, "")
    st.sidebar.selectbox(t("street", language), street_choices, key="street",
                         format_func=lambda s: s or t("all_streets", language))
    _from_url("basis", list(metrics.BASES), "assessment")
    st.sidebar.radio(t("basis", language), list(metrics.BASES), key="basis",
                     format_func=lambda b: t("basis_" + b, language))
    sync_url()


def sync_url() -> None:
    """Write the current filters into the query string so a copied link reproduces the view."""
    wanted = {k: str(st.session_state[k]) for k in KEYS if st.session_state.get(k)}
    for key in KEYS:
        if key not in wanted and key in st.query_params:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def selected_week() -> periods.Period | None:
    week = st.session_state.get("week")
    return periods.parse("week", week) if week else None


def selected_street() -> str | None:
    return st.session_state.get("street") or None


def selected_basis() -> str:
    return st.session_state.get("basis", "assessment")
