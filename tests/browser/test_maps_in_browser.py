"""The grading and hotspot maps in a real browser: polygons drawn, a click selects a grid, tiles only when configured."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, _free_port, _require_browser, screenshot
from tests.browser.test_pages_in_browser import PAGES, _assert_clean, _settle

pytestmark = pytest.mark.browser
MAP = '[data-testid="stDeckGlJsonChart"]'


@pytest.fixture(scope="module")
def warm(server, browser):
    """Open the overview once first. On a server no session has loaded yet, Streamlit (1.67) shows its
    "Page not found" dialog for a deep link into any st.navigation page (it still runs that page),
    so the first visitor of a fresh server should not be one of these tests (streamlit#9624)."""
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(server + "/")
    _settle(pg, *PAGES[""][::2])
    context.close()
    return server


def coloured_share(png: bytes, spread: int = 60) -> float:
    """The share of the image's pixels that are coloured (channels differing by more than `spread`):
    grade, rate, hotspot or density fills; the empty map and the page are greys."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.getdata())
    coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > spread)
    return coloured / len(pixels)


def _drawn(pg, spread: int = 60) -> float:
    # deck.gl draws after the page settles; give WebGL (SwiftShader here) a moment.
    pg.wait_for_timeout(2500)
    return coloured_share(pg.locator(MAP).first.screenshot(), spread)


@pytest.mark.parametrize("path", ["grading", "hotspots"])
def test_map_draws_the_grid_polygons_and_nothing_leaves_the_machine(warm, page, path):
    page.goto(f"{warm}/{path}")
    _settle(page, *PAGES[path][::2])
    share = _drawn(page)
    _assert_clean(page)
    page.locator(MAP).first.screenshot(path=str(ROOT / "tests" / "artifacts" / f"{path}_map.png"))
    # The district (filled grid polygons) covers much of the map; an undrawn deck has no colour at all.
    assert share > 0.15, f"only {share:.0%} of the map is coloured"


def test_clicking_a_grid_opens_its_grade_card_and_cases(warm, page):
    page.goto(f"{warm}/hotspots")
    _settle(page, *PAGES["hotspots"][::2])
    _drawn(page)
    box = page.locator(MAP).first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # A click as the page receives it. Playwright's own mouse input (CDP) does not set off deck.gl's
    # tap recognizer in headless Chromium here, and the first synthetic tap only wakes it, so the
    # pointer and mouse events are dispatched to the canvas until deck.gl picks the grid under them
    # and Streamlit reports the selection to the server.
    for _ in range(4):
        page.evaluate("""([x, y]) => {
            const canvas = document.elementFromPoint(x, y);
            for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']) {
                const Event_ = type.startsWith('pointer') ? PointerEvent : MouseEvent;
                canvas.dispatchEvent(new Event_(type, {clientX: x, clientY: y, bubbles: true, pointerType: 'mouse',
                    isPrimary: true, button: 0, buttons: type.endsWith('down') ? 1 : 0}));
            }
        }""", [x, y])
        page.wait_for_timeout(2500)
        if "hs_grid=" in page.url:
            break
    assert "hs_grid=" in page.url
    _settle(page, '[data-testid="stMetric"]', False)
    _assert_clean(page)
    body = page.inner_text("body")
    assert "等级卡片" in body and "12345 工单率" in body
    page.get_by_text("等级卡片").first.scroll_into_view_if_needed()
    screenshot(page, "hotspots_grid_selected")


def test_hotspot_map_with_density_and_hotspot_colours(warm, page):
    page.goto(f"{warm}/hotspots?hs_colour=gi")
    _settle(page, *PAGES["hotspots"][::2])
    page.locator(".st-key-hs_layers").click()
    page.get_by_role("option", name="诉求密度（250 米方格）").click()
    page.keyboard.press("Escape")
    _settle(page, *PAGES["hotspots"][::2])
    # Most grids are "not significant" (near white) over pale-to-purple squares: count the pale tints too.
    share = _drawn(page, spread=20)
    assert share > 0.15, f"only {share:.0%} of the map is coloured"
    _assert_clean(page)
    screenshot(page, "hotspots_gi_density")


class _Tiles(BaseHTTPRequestHandler):
    """A stand-in intranet tile server on loopback: one small PNG for every tile."""
    requested: list[str] = []

    def do_GET(self):  # noqa: N802
        from PIL import Image

        _Tiles.requested.append(self.path)
        buffer = io.BytesIO()
        Image.new("RGB", (256, 256), (200, 220, 255)).save(buffer, "PNG")
        body = buffer.getvalue()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiled_server(tmp_path):
    """A second dashboard whose gridgov.toml names a tile server on loopback."""
    _require_browser()
    from gridgov import demo

    tiles = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    config = tmp_path / "gridgov.toml"
    config.write_text(f'[map]\ntile_url = "http://127.0.0.1:{tiles.server_port}/{{z}}/{{x}}/{{y}}.png"\n'
                      "tile_zoom = 12\n", encoding="utf-8")
    db = tmp_path / "gridgov.duckdb"
    demo.build(db, cases=5000)
    port = _free_port()
    env = dict(os.environ, GRIDGOV_DB=str(db), GRIDGOV_CONFIG=str(config))
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    _Tiles.requested = []
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    tiles.shutdown()


def test_a_configured_intranet_tile_server_is_the_only_one_asked(tiled_server, page):
    page.goto(tiled_server + "/")                 # a first visitor on the overview (see `warm`)
    _settle(page, *PAGES[""][::2])
    page.goto(f"{tiled_server}/hotspots")
    _settle(page, *PAGES["hotspots"][::2])
    _drawn(page)
    _assert_clean(page)                      # nothing beyond loopback
    assert _Tiles.requested and all(p.startswith("/12/") and p.endswith(".png") for p in _Tiles.requested)
    assert "底图瓦片来自内网服务 127.0.0.1" in page.inner_text("body")
    screenshot(page, "hotspots_intranet_tiles")
