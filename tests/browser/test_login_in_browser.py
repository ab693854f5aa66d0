"""With login on, a fresh server shows nothing to a visitor: not on /, not on a page's URL,
not on the URL of a file under pages/ (which Streamlit can run directly before dashboard.py)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT, _require_browser, screenshot, start_server, stop_server

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-pass"
DATA_SELECTORS = ('[data-testid="stMetric"]', '[data-testid="stDataFrame"]', '[data-testid="stPlotlyChart"]',
                  '[data-testid="stTextArea"]')


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    _require_browser()
    workdir = tmp_path_factory.mktemp("secured")
    env = dict(os.environ, GRIDGOV_DB=str(workdir / "g.duckdb"), GRIDGOV_USERS=str(workdir / "users.toml"),
               GRIDGOV_AUDIT_DB=str(workdir / "audit.duckdb"))
    subprocess.run([sys.executable, "-m", "gridgov", "demo", "--cases", "5000"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "gridgov", "users", "add", "lead", "--role", "leader", "--password-stdin"],
                   cwd=ROOT, env=env, check=True, capture_output=True, input=PASSWORD + "\n", text=True)
    base, proc, _ = start_server(workdir, **{k: env[k] for k in ("GRIDGOV_DB", "GRIDGOV_USERS", "GRIDGOV_AUDIT_DB")},
                                 GRIDGOV_AUTH="auto")
    yield base
    stop_server(proc)


def _shows_no_data(page) -> None:
    page.wait_for_timeout(2500)
    for selector in DATA_SELECTORS:
        assert page.locator(selector).count() == 0, selector
    assert page.outside_requests == []


@pytest.mark.parametrize("path", ["analyst_workbench", "weekly_overview", "administration"])
def test_a_page_file_opened_first_on_a_fresh_server_shows_nothing(secured, page, path):
    # The very first request of this module's server: Streamlit may run pages/<file>.py straight
    # from its URL, skipping dashboard.py and its login; the module only defines functions.
    page.goto(f"{secured}/{path}")
    _shows_no_data(page)
    screenshot(page, f"bypass_{path}")


@pytest.mark.parametrize("path", ["", "workbench", "admin"])
def test_every_page_url_asks_for_login(secured, page, path):
    page.goto(f"{secured}/{path}")
    page.wait_for_selector('input[type="password"]', timeout=60_000)
    _shows_no_data(page)


def test_signing_in_opens_the_overview(secured, page):
    page.goto(secured + "/")
    page.wait_for_selector('input[type="password"]', timeout=60_000)
    screenshot(page, "login")
    # the files under pages/ are not offered to a visitor
    assert "weekly overview" not in page.inner_text("body").lower()
    page.get_by_label("用户名").fill("lead")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    body = page.inner_text("body")
    assert "lead（领导，全区）" in body
    nav = page.get_by_test_id("stSidebarNav")   # absent when a role has a single page
    nav_text = nav.inner_text() if nav.count() else ""
    assert "自助分析" not in nav_text and "管理" not in nav_text
    assert page.outside_requests == []
