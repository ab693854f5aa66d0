"""The briefing as a Word document laid out after the 党政机关公文格式 (GB/T 9704): A4, margins
37/35/28/26 mm, title in 方正小标宋简体 二号, headings in 黑体 三号 (一、) and 楷体_GB2312 三号 (（一）),
body in 仿宋_GB2312 三号 at a fixed 28 pt line, page numbers "— 1 —" in the footer.

Fonts are named for East Asian text (w:eastAsia) with Times New Roman for digits and Latin
letters. A machine without the official fonts substitutes: Word by the font table's alternates
(宋体/黑体/楷体/仿宋, which Windows ships), LibreOffice through the aliases in briefing.pdf."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from gridgov.briefing import charts
from gridgov.briefing.model import Briefing, Table

TITLE_FONT, HEADING_FONT, KAI_FONT, BODY_FONT, LATIN_FONT = (
    "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "Times New Roman")
# Word's substitutes when an official font is missing (all shipped with Chinese Windows).
ALTERNATES = {TITLE_FONT: ("宋体", "roman"), HEADING_FONT: ("SimHei", "modern"), KAI_FONT: ("楷体", "script"),
              BODY_FONT: ("仿宋", "roman")}
ER_HAO, SAN_HAO, SI_HAO, XIAO_SI, WU_HAO, XIAO_WU = 22, 16, 14, 12, 10.5, 9
LINE = Pt(28)             # 22 lines on the 225 mm text block
CELL_MARGIN_MM = 1.0
TEXT_WIDTH_MM = 156       # 210 − 28 − 26
BLACK = RGBColor(0, 0, 0)


def _set_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run's or style's rPr explicitly (theme fonts would override them)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for key, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        fonts.set(qn(key), name)


def _style(doc, name: str, east_asia: str, size: float, bold: bool = False, align=None, indent: bool = False,
           exact: bool = True, before: float = 0, after: float = 0, base: str | None = None):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    if base:
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = BLACK
    _set_fonts(style.element, east_asia)
    f = style.paragraph_format
    f.space_before, f.space_after = Pt(before), Pt(after)
    f.first_line_indent = Pt(2 * size) if indent else Pt(0)
    if exact:
        f.line_spacing_rule, f.line_spacing = WD_LINE_SPACING.EXACTLY, LINE if size <= SAN_HAO else Pt(size * 1.6)
    else:
        f.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        f.alignment = align
    return style


def _styles(doc) -> None:
    _style(doc, "Normal", BODY_FONT, SAN_HAO, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    lang = doc.styles["Normal"].element.get_or_add_rPr()
    tag = OxmlElement("w:lang")
    # Latin letters and digits are Western text (so "2,794" and "Completion" never break inside),
    # Chinese is zh-CN.
    tag.set(qn("w:val"), "en-US")
    tag.set(qn("w:eastAsia"), "zh-CN")
    lang.append(tag)
    _style(doc, "Title", TITLE_FONT, ER_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _style(doc, "Subtitle", KAI_FONT, SAN_HAO, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "Heading 1", HEADING_FONT, SAN_HAO, indent=True, before=6)
    _style(doc, "Heading 2", KAI_FONT, SAN_HAO, indent=True)
    _style(doc, "Caption", HEADING_FONT, XIAO_SI, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False, before=6, after=4)
    _style(doc, "Briefing Info", BODY_FONT, XIAO_SI, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False, base="Normal")
    _style(doc, "Briefing Note", BODY_FONT, XIAO_SI, exact=False, after=6, base="Normal")
    _style(doc, "Briefing Table", BODY_FONT, WU_HAO, exact=False, align=WD_ALIGN_PARAGRAPH.CENTER, base="Normal")
    for name in ("Heading 1", "Heading 2", "Title", "Caption"):
        doc.styles[name].paragraph_format.keep_with_next = True
        rpr = doc.styles[name].element.get_or_add_rPr()
        for child in rpr.findall(qn("w:color")):
            for a in (qn("w:themeColor"), qn("w:themeShade"), qn("w:themeTint")):
                child.attrib.pop(a, None)
    # The Title style of the default template draws a border under itself: 公文 titles have none.
    ppr = doc.styles["Title"].element.pPr
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


def _alternates(doc) -> None:
    """Font-table entries naming, for each official font, the font Word should use in its place."""
    try:
        part = doc.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    for name, (alternate, family) in ALTERNATES.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), alternate)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")   # GB2312
        fam = etree.SubElement(font, qn("w:family"))
        fam.set(qn("w:val"), family)
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(23)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _footer_run(footer, "— ")
    _page_field(footer)
    _footer_run(footer, " —")


def _footer_run(paragraph, text: str):
    run = paragraph.add_run(text)
    run.font.size = Pt(SI_HAO)
    _set_fonts(run._element, "宋体")
    return run


def _page_field(paragraph) -> None:
    """A PAGE field (complex field: begin, instruction, separate, shown number, end)."""
    run = _footer_run(paragraph, "")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        else:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            run._element.append(text)
    shown = _footer_run(paragraph, "1")
    end = _footer_run(paragraph, "")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._element.append(char)
    del shown


def _width(text: str) -> int:
    """Display width in half-width units (a CJK character is two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _column_widths(headers: list[str], rows: list[list[str]], numeric: list[bool], size: float) -> list[float]:
    """Millimetres per column: what each needs on one line (a header may wrap to four characters a
    line), widened to fill the text block, or, when too wide, with the text columns wrapping."""
    unit_mm = size / 2 * 25.4 / 72
    need = []
    for i, header in enumerate(headers):
        longest = max([_width(r[i]) for r in rows] + [0])
        need.append(max(min(_width(header), 8), longest, 4) * unit_mm + 2 * CELL_MARGIN_MM + 0.8)
    total = sum(need)
    if total <= TEXT_WIDTH_MM:
        return [w * TEXT_WIDTH_MM / total for w in need]
    fixed = sum(w for w, n in zip(need, numeric) if n)
    flexible = total - fixed
    if flexible > 0 and fixed < TEXT_WIDTH_MM * 0.8:
        scale = (TEXT_WIDTH_MM - fixed) / flexible
        return [w if n else w * scale for w, n in zip(need, numeric)]
    return [w * TEXT_WIDTH_MM / total for w in need]


def _fix_widths(grid, widths: list[float], cells: list) -> None:
    """Column widths in the grid (LibreOffice reads these) and in every cell (Word reads those), fixed layout."""
    tbl = grid._tbl
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl.tblPr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(Mm(CELL_MARGIN_MM).twips)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl.tblPr.append(margins)
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in cells:
        for cell, w in zip(row, widths):
            cell.width = Mm(w)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _cell(cell, text: str, size: float, font: str, align, style) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.style = style   # the style object: looking a style up by name costs a scan of all styles
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(0)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    _set_fonts(run._element, font)


def _table(doc, table: Table, lang: str) -> None:
    doc.add_paragraph(table.caption(lang), style="Caption")
    shown = table.shown()
    headers = [c.header for c in table.columns]
    rows = [[table.text(c, r, lang) for c in table.columns] for r in shown.iter_rows(named=True)]
    size = XIAO_WU if len(headers) >= 8 else WU_HAO
    style = doc.styles["Briefing Table"]
    grid = doc.add_table(rows=1 + len(rows), cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _column_widths(headers, rows, [c.kind != "text" for c in table.columns], size)
    grid_rows = list(grid.rows)
    cells = [row.cells for row in grid_rows]   # row.cells re-reads the row's XML on every call
    for j, header in enumerate(headers):
        _cell(cells[0][j], header, size, HEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER, style)
    _repeat_header(grid_rows[0])
    for i, values in enumerate(rows, start=1):
        for j, (column, value) in enumerate(zip(table.columns, values)):
            align = WD_ALIGN_PARAGRAPH.LEFT if column.kind == "text" and _width(value) > 12 else WD_ALIGN_PARAGRAPH.CENTER
            _cell(cells[i][j], value, size, BODY_FONT, align, style)
    _fix_widths(grid, widths, cells)
    if table.note:
        doc.add_paragraph(table.note, style="Briefing Note")


def _chart(doc, chart, lang: str) -> None:
    png = charts.render(chart, lang)
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(TEXT_WIDTH_MM - 6))
    doc.add_paragraph(chart.caption(lang), style="Caption").paragraph_format.keep_with_next = False


def to_docx(b: Briefing) -> bytes:
    doc = Document()
    _styles(doc)
    _alternates(doc)
    _page(doc)
    props = doc.core_properties
    props.title, props.subject, props.author = b.title, b.subtitle, "gridgov"
    props.comments = f"definitions {b.definitions_version}"
    doc.add_paragraph(b.title, style="Title")
    lines = b.header_lines
    doc.add_paragraph(lines[0], style="Subtitle")
    for line in lines[1:]:
        doc.add_paragraph(line, style="Briefing Info")
    for section in b.sections:
        doc.add_paragraph(section.numbered_heading(b.lang), style="Heading 1")
        for block in section.blocks:
            if block.kind == "paragraph":
                doc.add_paragraph(block.text, style="Briefing Note" if section.number == 0 else "Normal")
            elif block.kind == "subheading":
                doc.add_paragraph(block.text, style="Heading 2")
            elif block.kind == "table" and block.table.document_rows == 0:
                doc.add_paragraph(f"{block.table.caption(b.lang)}：{block.table.note or ''}", style="Briefing Note")
            elif block.kind == "table":
                _table(doc, block.table, b.lang)
            elif block.kind == "chart":
                _chart(doc, block.chart, b.lang)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
