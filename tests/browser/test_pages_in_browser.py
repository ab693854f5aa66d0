"""Every page in a real browser: renders, no exception element, nothing leaves the machine."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

# page URL path -> (a selector that appears once the page has drawn its data, a text it shows,
# whether it draws a plotly chart on first load)
PAGES = {
    "grading": ('[data-testid="stDeckGlJsonChart"] canvas', "网格分级", True),
    "hotspots": ('[data-testid="stDeckGlJsonChart"] canvas', "热点地图", False),
    "": ('[data-testid="stMetric"]', "受理量", True),
    "cases": ('.st-key-cases_volume_chart .main-svg', "诉求办理", True),
    "supervision": ('[data-testid="stMetric"]', "三色督办", True),
    "petitions": ('[data-testid="stMetric"]', "诉转访", True),
    "workbench": ('.st-key-workbench_result [data-testid="stDataFrame"]', "自助分析", True),
    "import": ('.st-key-import_files [data-testid="stFileUploaderDropzone"]', "数据导入", False),
    "quality": ('.st-key-quality_grid [data-testid="stDataFrame"]', "数据质量", False),
    "briefing": ('.st-key-briefing_preview [data-testid="stDataFrame"]', "本周全区共受理群众诉求", False),
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


def test_import_page_previews_an_uploaded_gbk_export(server, page, tmp_path):
    export = tmp_path / "工单.csv"
    export.write_bytes("岳麓区12345工单导出\n工单编号,受理时间,诉求类型,工单状态\n"
                       "b1,2026/11/16 9:05,物业服务,处理中\nb2,2026-13-01,噪音扰民,已办结\n".encode("gbk"))
    page.goto(f"{server}/import")
    _settle(page, *PAGES["import"][::2])
    page.locator('.st-key-import_files input[type="file"]').set_input_files(str(export))
    _settle(page, ".st-key-import_0_save_name", False)
    _assert_clean(page)
    body = page.inner_text("body")
    assert "编码 gbk（不是 UTF-8，是有效的 GBK）" in body and "表头在第 2 行" in body
    assert "预览行中发现的问题" in body
    assert page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]').count() == 3
    screenshot(page, "import_preview")


def _click_first_row(pg, table: str) -> None:
    """Tick the first data row of a clickable table (a canvas grid: click its row-marker column)."""
    box = pg.locator(f".st-key-{table} [data-testid='stDataFrame']").first.bounding_box() \
        or pg.locator("[data-testid='stDataFrame']").first.bounding_box()
    pg.mouse.click(box["x"] + 14, box["y"] + 35 + 17)


def _warm(server, page) -> None:
    # A server's very first request for a page other than the default one answers with a "Page not
    # found" dialog over the right page (Streamlit, not gridgov); open the overview first.
    page.goto(server + "/")
    _settle(page, *PAGES[""][::2])


def test_cases_drill_from_a_street_to_a_case(server, page):
    _warm(server, page)
    page.goto(server + "/cases?period=month&month=2026-10")
    _settle(page, *PAGES["cases"][::2])
    _click_first_row(page, "cases_units_district")
    page.wait_for_function("() => location.search.includes('street=')", timeout=30_000)
    _settle(page, *PAGES["cases"][::2])
    assert "›" in page.inner_text("[data-testid='stMain']")       # the breadcrumb: 全区 › the street
    screenshot(page, "cases_street")
    for level in ("street", "community"):
        _click_first_row(page, "cases_units_" + level)
        page.wait_for_function("k => location.search.includes(k + '=')",
                               arg="community" if level == "street" else "grid", timeout=30_000)
        _settle(page, *PAGES["cases"][::2])
    _click_first_row(page, "cases_list")
    page.wait_for_function("() => location.search.includes('case=')", timeout=30_000)
    _settle(page, ".st-key-cases_case_timeline .main-svg", True)
    _assert_clean(page)
    screenshot(page, "cases_case")


def test_supervision_red_list_opens_a_case(server, page):
    _warm(server, page)
    page.goto(server + "/supervision")
    _settle(page, *PAGES["supervision"][::2])
    _click_first_row(page, "supervision_red")
    page.wait_for_function("() => location.search.includes('case=')", timeout=30_000)
    _settle(page, ".st-key-supervision_case_timeline .main-svg", True)
    _assert_clean(page)
    assert "红灯" in page.inner_text("[data-testid='stMain']")
    screenshot(page, "supervision_case")
