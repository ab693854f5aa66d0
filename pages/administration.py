"""管理: users and roles, and the audit log (admins only)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import streamlit as st

from gridgov import audit, auth
from gridgov.i18n import t
from ui import data, filters, widgets


def _users(lang: str) -> None:
    st.subheader(t("admin_users", lang))
    users = auth.list_users()
    if users:
        st.dataframe(
            [{t("login_name", lang): u.name, t("admin_role", lang): u.role_label(lang),
              t("street", lang): u.street or t("all_streets", lang), "e-mail": u.email or ""} for u in users],
            hide_index=True, key="admin_users_table",
        )
    else:
        st.info(t("admin_no_users", lang))
    streets = data.fetch("street_names")["street_name"].to_list()
    with st.form("admin_add_user", clear_on_submit=True):
        st.markdown(t("admin_add_user", lang))
        cols = st.columns(4)
        name = cols[0].text_input(t("login_name", lang), key="admin_new_name")
        role = cols[1].selectbox(t("admin_role", lang), list(auth.ROLES), key="admin_new_role",
                                 format_func=lambda r: auth.ROLES[r][lang])
        street = cols[2].selectbox(t("street", lang), [""] + streets, key="admin_new_street",
                                   format_func=lambda s: s or "—")
        password = cols[3].text_input(t("login_password", lang), type="password", key="admin_new_password")
        if st.form_submit_button(t("admin_save_user", lang)):
            try:
                user = auth.add_user(name, role, password, street=street or None, known_streets=streets)
            except auth.AuthError as e:
                st.error(str(e))
            else:
                me = st.session_state.get("user")
                audit.record(getattr(me, "name", None), getattr(me, "role", None), "users",
                             {"added": user.name, "role": user.role, "street": user.street})
                st.success(t("admin_user_saved", lang, name=user.name))
    st.caption(t("admin_users_cli", lang, path=str(auth.users_file())))


def _audit(lang: str) -> None:
    st.subheader(t("admin_audit", lang))
    cols = st.columns(3)
    today = date.today()
    span = cols[0].date_input(t("admin_audit_dates", lang), (today - timedelta(days=30), today), key="admin_audit_dates")
    actions = cols[1].multiselect(t("admin_audit_actions", lang), list(audit.ACTIONS), key="admin_audit_actions")
    who = cols[2].text_input(t("login_name", lang), key="admin_audit_user")
    start, end = (span[0], span[-1]) if isinstance(span, (list, tuple)) and span else (today, today)
    rows = audit.entries(datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min),
                         actions, who or None)
    st.caption(t("admin_audit_count", lang, n=rows.height))
    widgets.measure_table(rows, tuple(rows.columns), lang, key="admin_audit_log", file_stem=f"audit_{start}_{end}")


def render() -> None:
    lang = filters.lang()
    st.title(t("admin_title", lang))
    _users(lang)
    _audit(lang)
