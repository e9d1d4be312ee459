"""Grids → a Word file: title lines, then one table per grid with real merged cells.

Horizontal merges become ``w:gridSpan`` and vertical ones ``w:vMerge``, the way Word stores a
自评表's 项目资金 / 绩效指标 / 一级指标 label columns.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from eval.synth.files import FIXED, stable_zip
from eval.synth.layouts import Grid

CELL_PT = 8.5


def new_document(author: str, *, landscape: bool = False) -> docx.document.Document:
    doc = docx.Document()
    props = doc.core_properties
    props.created = props.modified = props.last_printed = FIXED
    props.author = props.last_modified_by = author
    props.revision = 1
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.6)
    section.top_margin = section.bottom_margin = Cm(1.8)
    return doc


def save(doc: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def centered(doc: docx.document.Document, text: str, size: float, bold: bool = False) -> None:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold


def add_grid(doc: docx.document.Document, grid: Grid, width_cm: float) -> None:
    centered(doc, grid.title, 16, bold=True)
    if grid.subtitle:
        centered(doc, grid.subtitle, 11)
    for line in grid.pre:
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.element.body._insert_tbl(parse_xml(table_xml(grid, width_cm)))


def table_xml(grid: Grid, width_cm: float) -> str:
    """The ``w:tbl`` of a grid, written in one go (python-docx's cell API is slow on big tables).

    A merge's first row has ``w:gridSpan`` on its first cell and ``w:vMerge w:val="restart"``;
    the rows below it have a ``w:vMerge`` (continue) cell with the same span.
    """
    twips = [round(w * width_cm / sum(grid.widths) * 567) for w in grid.widths]
    origin_of: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for r0, c0, r1, c1 in grid.merges:
        for r in range(r0, r1 + 1):
            origin_of[(r, c0)] = (r0, c0, r1, c1)
    size = str(round(CELL_PT * 2))
    out = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
           '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in twips]
    out.append("</w:tblGrid>")
    for r in range(grid.n_rows):
        out.append("<w:tr>")
        c = 0
        while c < grid.n_cols:
            r0, c0, r1, c1 = origin_of.get((r, c), (r, c, r, c))
            span = c1 - c0 + 1
            pr = f'<w:tcW w:w="{sum(twips[c:c + span])}" w:type="dxa"/>'
            pr += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            if r1 > r0:
                pr += '<w:vMerge w:val="restart"/>' if r == r0 else "<w:vMerge/>"
            cell = grid.cells[r][c] if r == r0 else None
            out.append(f'<w:tc><w:tcPr>{pr}<w:vAlign w:val="center"/></w:tcPr>{_paragraph(cell, size)}</w:tc>')
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _paragraph(cell, size: str) -> str:
    if cell is None or not cell.text:
        return "<w:p/>"
    jc = "left" if cell.kind == "text" else "center"
    bold = "<w:b/>" if cell.kind in ("head", "label") else ""
    return (f'<w:p><w:pPr><w:jc w:val="{jc}"/></w:pPr><w:r><w:rPr>{bold}<w:sz w:val="{size}"/>'
            f'<w:szCs w:val="{size}"/></w:rPr><w:t xml:space="preserve">{escape(cell.text)}</w:t></w:r></w:p>')


def write_tables(grids: list[Grid], author: str) -> bytes:
    """One .docx holding every grid (one evaluation per grid, a page break between them)."""
    doc = new_document(author)
    for k, grid in enumerate(grids):
        if k:
            doc.add_page_break()
        add_grid(doc, grid, width_cm=17.8)
    return save(doc)
