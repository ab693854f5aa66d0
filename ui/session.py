"""Login, logout and the signed-in user of this session (local users or OIDC through st.login)."""
from __future__ import annotations

import streamlit as st

from gridgov import audit, auth
from gridgov.i18n import t
from ui import data


@st.cache_resource(show_spinner=False)
def _throttle() -> auth.Throttle:
    return auth.Throttle()


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError):
        return False
    except Exception:  # st.secrets raises its own error type when no secrets file exists
        return False


def _record(user: str | None, role: str | None, action: str, detail: str | None = None) -> None:
    audit.record(user, role, action, detail)


def current_user() -> auth.User | None:
    return st.session_state.get("user")


def _login_form(lang: str) -> None:
    st.title(t("app_title", lang))
    st.subheader(t("login_title", lang))
    with st.form("login_form"):
        name = st.text_input(t("login_name", lang), key="login_name")
        password = st.text_input(t("login_password", lang), type="password", key="login_password")
        submitted = st.form_submit_button(t("login_button", lang), type="primary")
    if _oidc_configured() and st.button(t("login_oidc", lang), key="login_oidc"):
        st.login()
    if not submitted:
        return
    throttle = _throttle()
    if throttle.blocked(name):
        _record(name, None, "login_failed", "throttled")
        st.error(t("login_throttled", lang))
        return
    user = auth.authenticate(name, password)
    if user is None:
        throttle.failed(name)
        _record(name or None, None, "login_failed", "bad name or password")
        st.error(t("login_failed", lang))
        return
    throttle.succeeded(name)
    st.session_state["user"] = user
    _record(user.name, user.role, "login", "password")
    st.rerun()


def _oidc_user(lang: str) -> auth.User | None:
    """Map a signed-in OIDC identity onto a configured user by e-mail."""
    if not _oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = st.user.get("email") or ""
    user = auth.user_by_email(email)
    if user is None:
        _record(email or None, None, "login_failed", "oidc identity not in the users file")
        st.error(t("login_oidc_unknown", lang, email=email))
        st.stop()
    _record(user.name, user.role, "login", "oidc")
    return user


def _login_page() -> None:
    _login_form(st.session_state.get("lang", "zh"))


def _show_login(url_paths: list[str]) -> None:
    """The login form at every page's URL, so a shared link opens its page after signing in.

    Calling st.navigation also switches Streamlit off its legacy pages-folder routing, which would
    otherwise list (and run) the files under pages/ for a visitor.
    """
    login_pages = [st.Page(_login_page, title="登录 / Sign in", url_path=path, default=(path == "overview"))
                   for path in url_paths]
    st.navigation(login_pages, position="hidden").run()
    st.stop()


def require_login(lang: str, data_source: str | None, url_paths: list[str]) -> auth.User:
    """The signed-in user; shows the login form and stops the run when nobody is signed in."""
    if not auth.login_required(data_source):
        st.session_state["user"] = auth.DEMO_USER
        return auth.DEMO_USER
    user = current_user()
    if user is None or user == auth.DEMO_USER:
        st.session_state.pop("user", None)
        user = _oidc_user(lang)
        if user is not None:
            st.session_state["user"] = user
    if user is None:
        _show_login(url_paths)
    return user


def sidebar_badge(user: auth.User, lang: str) -> None:
    if user == auth.DEMO_USER:
        st.sidebar.caption(t("demo_mode", lang))
        return
    scope = user.street or t("all_streets", lang)
    st.sidebar.caption(t("signed_in_as", lang, name=user.name, role=user.role_label(lang), scope=scope))
    if st.sidebar.button(t("logout", lang), key="logout"):
        _record(user.name, user.role, "logout")
        st.session_state.pop("user", None)
        if _oidc_configured() and getattr(st.user, "is_logged_in", False):
            st.logout()
        st.rerun()
