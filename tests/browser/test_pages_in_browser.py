"""Every page in a real browser: renders, no exception element, nothing leaves the machine."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

# page URL path -> (a selector that appears once the page has drawn its data, a text it shows,
# whether it draws a plotly chart on first load)
PAGES = {
    "": ('[data-testid="stMetric"]', "受理量", True),
}


def _settle(pg, ready: str, chart: bool) -> None:
    # The first start builds the demo district, so the first wait is long.
    pg.wait_for_selector(ready, timeout=180_000)
    if chart:
        pg.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|运行/)",
        timeout=60_000,
    )
    pg.wait_for_timeout(800)


def _assert_clean(pg) -> None:
    exceptions = pg.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    body = pg.inner_text("body")
    assert "Page not found" not in body and "页面未找到" not in body
    assert pg.outside_requests == [], f"requests left the machine: {pg.outside_requests}"
    assert pg.page_errors == [], pg.page_errors


def test_shared_link_on_a_fresh_server_shows_its_week(server, page):
    # The very first request to a new server is a link someone shared: it must build the
    # demo district and open the week in the link, not a blank page.
    page.goto(server + "/?week=2026-W45&lang=zh")
    _settle(page, *PAGES[""][::2])
    _assert_clean(page)
    assert "2026年第45周" in page.inner_text("body")
    screenshot(page, "overview_shared_link")


@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_renders_without_errors(server, page, path):
    ready, text, chart = PAGES[path]
    page.goto(f"{server}/{path}")
    _settle(page, ready, chart)
    _assert_clean(page)
    assert text in page.inner_text("body")
    screenshot(page, path or "overview")


def test_overview_filter_change_updates_the_url(server, page):
    page.goto(server + "/")
    _settle(page, *PAGES[""][::2])
    page.get_by_test_id("stSidebar").get_by_text("全部工单").click()
    page.wait_for_function("() => location.search.includes('basis=all')", timeout=30_000)
    _settle(page, *PAGES[""][::2])
    _assert_clean(page)


def test_overview_in_english(server, page):
    page.goto(server + "/?lang=en")
    _settle(page, *PAGES[""][::2])
    _assert_clean(page)
    assert "Received" in page.inner_text("body")
    screenshot(page, "overview_en")
