"""Login, roles, street scope in the data layer, privacy masking and the audit log."""
from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridgov import audit, auth, privacy, scope, store

ROOT_SCRIPT = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PASSWORD = "correct-horse-9"


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    monkeypatch.setenv("GRIDGOV_USERS", str(path))
    auth.add_user("lead", "leader", PASSWORD)
    auth.add_user("ana", "analyst", PASSWORD)
    auth.add_user("east", "street", PASSWORD, street="东街道")
    auth.add_user("root", "admin", PASSWORD)
    return path


# --- users and passwords ---------------------------------------------------------------

def test_passwords_are_stored_only_as_salted_hashes(users):
    text = users.read_text(encoding="utf-8")
    assert PASSWORD not in text and text.count("scrypt$") == 4
    assert stat.S_IMODE(os.stat(users).st_mode) == 0o600
    a, b = auth.hash_password("x" * 8), auth.hash_password("x" * 8)
    assert a != b and auth.verify_password("x" * 8, a) and not auth.verify_password("y" * 8, a)


def test_authenticate_accepts_only_the_right_password(users):
    assert auth.authenticate("east", PASSWORD) == auth.User("east", "street", "东街道")
    assert auth.authenticate("east", "wrong-password") is None
    assert auth.authenticate("nobody", PASSWORD) is None


@pytest.mark.parametrize("kwargs,message", [
    (dict(name="a b", role="leader"), "bad user name"),
    (dict(name="x1", role="king"), "unknown role"),
    (dict(name="x1", role="street"), "needs --street"),
    (dict(name="x1", role="leader", street="东街道"), "only street users"),
    (dict(name="x1", role="street", street="北街道"), "unknown street"),
])
def test_bad_users_are_refused(users, kwargs, message):
    with pytest.raises(auth.AuthError, match=message):
        auth.add_user(password=PASSWORD, known_streets=["东街道", "西镇"], **kwargs)


def test_short_passwords_are_refused(users):
    with pytest.raises(auth.AuthError, match="at least 8"):
        auth.add_user("x1", "leader", "short")


def test_throttle_blocks_a_name_after_repeated_failures():
    throttle = auth.Throttle(limit=3, window=60)
    for _ in range(3):
        assert not throttle.blocked("east")
        throttle.failed("east")
    assert throttle.blocked("east") and not throttle.blocked("west")


def test_roles_open_their_pages():
    leader, analyst, street, admin = (auth.User("u", r, "东街道" if r == "street" else None)
                                      for r in ("leader", "analyst", "street", "admin"))
    assert leader.may_open("overview") and not leader.may_open("workbench") and not leader.may_open("admin")
    assert analyst.may_open("workbench") and not analyst.may_open("import")
    assert street.may_open("overview") and not street.may_open("admin")
    assert admin.may_open("admin") and admin.may_open("import")
    assert auth.User("o", "orgdept").may_open("briefing")


def test_login_is_on_outside_demo_mode(monkeypatch, tmp_path):
    monkeypatch.setenv("GRIDGOV_AUTH", "auto")
    monkeypatch.setenv("GRIDGOV_USERS", str(tmp_path / "none.toml"))
    assert auth.login_required(None) and auth.login_required("import")
    assert not auth.login_required("demo")
    (tmp_path / "none.toml").write_text("")
    assert auth.login_required("demo")       # users configured: the demo asks for login too


# --- privacy ------------------------------------------------------------------------------

def test_phone_and_id_numbers_are_masked_in_free_text():
    text = "张先生电话13812341234，身份证110101199001011234，座机0731-88885678，门牌12栋。"
    masked = privacy.mask_text(text)
    assert "138****1234" in masked and "110***********1234" in masked and "0731-****5678" in masked
    assert "13812341234" not in masked and "199001011234" not in masked
    assert "12栋" in masked
    assert privacy.mask_text(None) is None


def test_small_cells_are_suppressed():
    frame = pl.DataFrame({"street_name": ["甲", "乙", "丙"], "petitions": [0, 2, 7]})
    out = privacy.suppress_small_cells(frame, ["petitions"], 3)
    assert out["petitions"].to_list() == ["0", "<3", "7"]


# --- street scope in the data layer ----------------------------------------------------------

def test_a_street_snapshot_holds_only_that_street(tiny_con):
    snap = scope.snapshot(tiny_con, "东街道")
    assert snap.execute("select distinct street_name from grids").fetchall() == [("东街道",)]
    # c1..c4 and c7 are in 东街道's grids; c5/c8 are 西镇's, c6 has no grid
    ids = sorted(r[0] for r in snap.execute("select case_id from cases").fetchall())
    assert ids == ["c1", "c2", "c3", "c4", "c7"]
    assert snap.execute("select count(*) from petitions").fetchone()[0] == 1
    with pytest.raises(Exception, match="disabled by configuration"):
        snap.execute("select * from read_csv('/etc/passwd')")


# --- the app -------------------------------------------------------------------------------

@pytest.fixture
def app(tiny_path, users, monkeypatch, tmp_path):
    monkeypatch.setenv("GRIDGOV_DB", str(tiny_path))
    monkeypatch.setenv("GRIDGOV_AUTH", "on")
    monkeypatch.setenv("GRIDGOV_AUDIT_DB", str(tmp_path / "audit.duckdb"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(ROOT_SCRIPT, default_timeout=60)
    st.cache_data.clear()
    st.cache_resource.clear()
    store.close_instance(tiny_path)
    audit.close()


def _login(at, name, password=PASSWORD):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click()          # the form's submit button
    return at.run()


def _nav(at) -> set[str]:
    """The url paths in this session's navigation."""
    return {info["url_pathname"] or "overview" for info in at._registered_pages.values()}


def _received(at) -> str:
    return {m.label: m.value for m in at.metric}["受理量"]


def test_nothing_shows_before_login(app):
    at = app().run()
    assert not at.exception
    assert not at.metric and not at.dataframe
    assert at.text_input(key="login_password")


def test_failed_login_is_refused_and_audited(app):
    at = _login(app().run(), "east", "wrong-password")
    assert at.error and not at.metric
    rows = audit.entries(datetime.now() - timedelta(hours=1), datetime.now() + timedelta(hours=1), ["login_failed"])
    assert rows["user_name"].to_list() == ["east"]


def test_street_user_sees_only_their_street(app):
    at = _login(app().run(), "east")
    assert not at.exception
    assert _received(at) == "4"            # 东街道's W46 cases; the district has 5
    assert at.selectbox(key="street").options == ["全区", "东街道"]
    logins = audit.entries(datetime.now() - timedelta(hours=1), datetime.now() + timedelta(hours=1), ["login"])
    assert logins["user_name"].to_list() == ["east"]


def test_leader_sees_the_district(app):
    at = _login(app().run(), "lead")
    assert _received(at) == "5"


@pytest.mark.parametrize("name", ["lead", "ana", "east", "root"])
def test_each_role_sees_exactly_its_pages(app, name):
    every_page = _nav(_login(app().run(), "root"))      # an admin may open every page
    assert {"overview", "workbench", "admin"} <= every_page
    role = auth.load_users()[name]["role"]
    assert _nav(_login(app().run(), name)) == every_page & auth.ROLES[role]["pages"]
    if role == "leader":
        assert "workbench" not in every_page & auth.ROLES[role]["pages"]


def _workbench_count(at, sql: str) -> list:
    at.text_area(key="workbench_sql").set_value(sql)
    at = at.button(key="workbench_run").click().run()
    assert not at.exception
    frame = next(pl.from_pandas(d.value) for d in at.dataframe if "n" in d.value.columns)
    return frame["n"].to_list()


def test_street_users_sql_sees_only_their_street(app, open_page):
    at = _login(app().run(), "east")
    at = open_page(at, "workbench").run()
    # the district holds 8 cases, 3 grids and 3 petitions; 东街道 holds 5, 2 and 1 of them
    assert _workbench_count(at, "select count(*) as n from cases") == [5]
    assert _workbench_count(at, "select count(*) as n from grids") == [2]
    assert _workbench_count(at, "select count(*) as n from petitions") == [1]
    assert _workbench_count(at, "select count(distinct street_name) as n from case_facts") == [1]


def test_analysts_sql_sees_the_district(app, open_page):
    at = open_page(_login(app().run(), "ana"), "workbench").run()
    assert _workbench_count(at, "select count(*) as n from cases") == [8]


def test_audit_log_is_out_of_the_analysts_reach(app, open_page):
    at = open_page(_login(app().run(), "ana"), "workbench").run()
    at.text_area(key="workbench_sql").set_value("select * from audit_log")
    at = at.button(key="workbench_run").click().run()
    assert at.error and "audit_log" in at.error[0].value


def _all_text(at) -> str:
    """Everything a page shows: texts, metrics, tables, widget options, chart data."""
    parts = [str(getattr(e, "value", "")) for kind in ("markdown", "caption", "title", "header", "subheader",
                                                          "info", "warning", "error", "success", "text")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [" ".join(map(str, w.options)) for w in list(at.selectbox) + list(at.multiselect) + list(at.radio)]
    parts += [str(c.proto) for c in at.get("plotly_chart")] + [str(c.proto) for c in at.get("deck_gl_json_chart")]
    return "\n".join(parts)


def test_a_street_user_sees_no_other_street_on_any_page(app, open_page):
    at = _login(app().run(), "east")
    paths = sorted(_nav(at))
    assert "overview" in paths
    for path in paths:
        page = open_page(at, path).run()
        assert not page.exception, (path, page.exception)
        text = _all_text(page)
        assert "东街道" in text or path in ("workbench",), path
        assert "西镇" not in text and "西一网格" not in text and "西村" not in text, path
