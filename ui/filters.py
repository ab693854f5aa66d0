"""The shared sidebar filters: kept in st.session_state and mirrored in the URL's query string."""
from __future__ import annotations

import streamlit as st

from gridgov import metrics, periods
from gridgov.i18n import LANGS, t

# Filter keys as they appear in session state and in the query string. `period` is the kind of
# period a page with a period picker shows (week, month, quarter, half); the chosen period lives
# under its kind's key, so the overview's `week` keeps its meaning.
KEYS = ("lang", "period", "week", "month", "quarter", "half", "street", "basis")
# Pages whose sidebar offers other periods than the week (url_path -> kinds, the first the default).
PAGE_PERIODS = {"cases": periods.KINDS, "supervision": periods.KINDS, "petitions": periods.KINDS, "briefing": periods.KINDS}
# Keys a page's drill-down keeps (see ui/drill.py); changing the street clears them.
DRILL_KEYS = ("community", "grid", "case", "petition")
_PENDING = "_filters_pending"
_SHOWN = "_period_kind_shown"  # the kind of period this run's sidebar offers


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


def request(**changes: str | None) -> None:
    """Change filters or drill keys from inside a page (after the sidebar's widgets exist): the
    change is applied at the top of the next run, which starts now. None removes a key."""
    st.session_state[_PENDING] = changes
    st.rerun()


def _apply_pending() -> None:
    for key, value in (st.session_state.pop(_PENDING, None) or {}).items():
        if value is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value


def _clear_drill() -> None:
    for key in DRILL_KEYS:
        st.session_state.pop(key, None)


def sidebar(span: metrics.DataSpan, streets: list[str], kinds: tuple[str, ...] = ("week",)) -> None:
    """Period, street and basis pickers; every page reads their values from session state.

    `kinds` are the period kinds the current page offers (PAGE_PERIODS); the overview offers weeks.
    """
    _apply_pending()
    language = lang()
    st.sidebar.subheader(t("filters", language))
    kind = kinds[0]
    if len(kinds) > 1:
        _from_url("period", list(kinds), kinds[0])
        kind = st.sidebar.radio(t("period_kind", language), list(kinds), key="period", horizontal=True,
                                format_func=lambda k: t("period_" + k, language))
    st.session_state[_SHOWN] = kind
    choices = [p.label for p in metrics.period_options(span, kind)]
    if choices:
        _from_url(kind, choices, choices[0])
        st.sidebar.selectbox(
            t(kind if kind == "week" else "period_" + kind, language), choices, key=kind,
            format_func=lambda label: periods.parse(kind, label).title(language),
        )
    street_choices = [""] + streets
    _from_url("street", street_choices, "")
    st.sidebar.selectbox(t("street", language), street_choices, key="street", on_change=_clear_drill,
                         format_func=lambda s: s or t("all_streets", language))
    _from_url("basis", list(metrics.BASES), "assessment")
    st.sidebar.radio(t("basis", language), list(metrics.BASES), key="basis",
                     format_func=lambda b: t("basis_" + b, language))
    sync_url(("lang", "period", kind, "street", "basis") if len(kinds) > 1 else ("lang", kind, "street", "basis"))


def sync_url(keys: tuple[str, ...] = ("lang", "week", "street", "basis"), managed: tuple[str, ...] = KEYS) -> None:
    """Write the current filters into the query string so a copied link reproduces the view.

    `keys` are the filters the page uses; the other `managed` keys leave the query string."""
    wanted = {k: str(st.session_state[k]) for k in keys if st.session_state.get(k)}
    for key in managed:
        if key not in wanted and key in st.query_params:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def selected_period() -> periods.Period | None:
    """The period the page's sidebar shows: of the chosen kind on pages that offer several."""
    kind = st.session_state.get(_SHOWN, "week")
    label = st.session_state.get(kind)
    return periods.parse(kind, label) if label else None


def selected_week() -> periods.Period | None:
    week = st.session_state.get("week")
    return periods.parse("week", week) if week else None


def selected_street() -> str | None:
    return st.session_state.get("street") or None


def selected_basis() -> str:
    return st.session_state.get("basis", "assessment")
