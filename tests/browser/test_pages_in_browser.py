"""Every page in a real browser: renders, no exception element, nothing leaves the machine."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

# url path -> a selector that appears once the page has drawn its data
PAGES = {
    "overview": '[data-testid="stMetric"]',
}


def _settle(pg, ready: str) -> None:
    # The first start builds the demo district, so the first wait is long.
    pg.wait_for_selector(ready, timeout=180_000)
    pg.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|运行/)",
        timeout=60_000,
    )
    pg.wait_for_timeout(800)


def _assert_clean(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0, pg.locator('[data-testid="stException"]').first.inner_text()
    assert pg.outside_requests == [], f"requests left the machine: {pg.outside_requests}"
    assert pg.page_errors == [], pg.page_errors


def test_shared_link_on_a_fresh_server_shows_its_week(server, page):
    # The very first request to a new server is a link someone shared: it must build the
    # demo district and open the week in the link, not a blank page.
    page.goto(server + "/overview?week=2026-W45&lang=zh")
    _settle(page, PAGES["overview"])
    _assert_clean(page)
    assert "2026年第45周" in page.inner_text("body")
    screenshot(page, "overview_shared_link")


@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_renders_without_errors(server, page, path):
    page.goto(f"{server}/{path}")
    _settle(page, PAGES[path])
    _assert_clean(page)
    body = page.inner_text("body")
    assert "受理量" in body
    screenshot(page, path)


def test_overview_in_english(server, page):
    page.goto(server + "/?lang=en")
    _settle(page, PAGES["overview"])
    _assert_clean(page)
    assert "Received" in page.inner_text("body")
    screenshot(page, "overview_en")
