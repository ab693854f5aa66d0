"""The briefing rendered: charts drawn in a CJK font, the Word document's page setup and fonts, and
the document converted by LibreOffice to PDF and by pdftoppm to PNG pages, saved as test
artefacts (tests/artifacts/briefing-*.png) to be looked at."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

import queries
from gridgov import briefing, config, store
from gridgov.briefing import charts, pdf

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from gridgov import demo

    path = tmp_path_factory.mktemp("render") / "gridgov.duckdb"
    demo.build(path, cases=20_000)
    con = store.connect(path)
    try:
        yield briefing.build(lambda name, **p: queries.fetch(con, name, **p), briefing.parse_period("2026-W46"),
                             config.load())
    finally:
        con.close()


@pytest.fixture(scope="module")
def docx_bytes(report) -> bytes:
    return briefing.to_docx(report)


def test_every_chart_is_a_png_drawn_without_missing_glyphs(report):
    assert [c.kind for c in report.charts] == ["volume", "ranking", "grades", "categories", "bars"]
    for chart in report.charts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = charts.render(chart, report.lang)
        assert not [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)], chart.key
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width > 1000


def test_charts_need_a_cjk_font_and_say_what_to_install(monkeypatch):
    from matplotlib import font_manager

    charts.cjk_family.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    try:
        with pytest.raises(charts.NoCJKFont, match="fonts-noto-cjk"):
            charts.cjk_family()
    finally:
        charts.cjk_family.cache_clear()


def test_the_document_is_a4_with_official_margins_fonts_and_page_numbers(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    section = doc.sections[0]
    def mm(*lengths):   # stored in twips: compare to a tenth of a millimetre
        return tuple(round(x.mm, 1) for x in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)
    east_asian = {name: doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
                  for name in ("Title", "Heading 1", "Heading 2", "Normal")}
    assert east_asian == {"Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312", "Normal": "仿宋_GB2312"}
    assert doc.styles["Title"].font.size == Pt(22) and doc.styles["Normal"].font.size == Pt(16)
    assert doc.styles["Heading 1"].font.size == Pt(16)
    assert doc.paragraphs[0].style.name == "Title"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "fldChar" in footer
    assert sum(1 for r in doc.inline_shapes) == 5
    header_rows = [t.rows[0]._tr.xml for t in doc.tables]
    assert all("tblHeader" in x for x in header_rows)


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed (bash scripts/setup.sh test installs it)")
        pytest.skip(f"{tool} is not installed")
    return found


def test_the_pdf_and_its_png_pages_show_chinese_text_tables_and_charts(report, docx_bytes, tmp_path):
    _require("soffice")
    pdftoppm = _require("pdftoppm")
    document = briefing.to_pdf(docx_bytes)
    assert document is not None and document.startswith(b"%PDF")
    target = tmp_path / "briefing.pdf"
    target.write_bytes(document)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("党建引领网格治理工作简报", "一、总体情况", "五、信访情况", "表1 主要指标", "图1 受理量走势",
                     report.sections[0].paragraphs[0][:20]):
        assert expected.replace(" ", "") in text.replace(" ", ""), expected
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts.replace(" ", "") and "NotoSansCJK" in fonts.replace(" ", "")   # body and headings
    images = subprocess.run(["pdfimages", "-list", str(target)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 5                                               # the charts

    for old in ARTIFACTS.glob("briefing-*.png"):
        old.unlink()
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", "80", str(target), str(ARTIFACTS / "briefing")], check=True)
    pages = sorted(ARTIFACTS.glob("briefing-*.png"))
    assert len(pages) >= 5
    first = Image.open(pages[0])
    assert first.width < first.height            # portrait A4


def test_no_pdf_without_a_converter(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert briefing.to_pdf(b"not even a document") is None
