"""Word (.docx), Markdown and JSON export of a draft, in government document style.

Word layout follows the usual 党政机关公文格式 (GB/T 9704-2012) conventions:

* A4, margins 3.7 cm top, 3.5 cm bottom, 2.8 cm left, 2.6 cm right; fixed 28 pt line spacing;
* title centred, 黑体 小二 (18 pt); subtitle centred in 楷体;
* first-level headings ``一、`` in 黑体 三号 (16 pt), second-level ``（一）`` in 楷体 三号 (the
  standard's 楷体 for level two; both configurable), body ``1.`` / ``1、`` / ``（1）`` paragraphs
  in 仿宋_GB2312 三号 with a two-character first-line indent;
* issuing body and date right-aligned (placeholders ``××市财政局`` / ``××××年××月××日``);
* page number ``— 1 —`` centred in the footer, a ``PAGE`` field, 宋体 四号;
* the trace appendix on a new page, as bordered tables in 仿宋 五号.

Every run declares its East-Asian font (``w:rFonts/@w:eastAsia``) besides the Latin one
(Times New Roman), and so do the Normal style and the document defaults, so Word picks the
Chinese font for Chinese text. Fonts missing on a machine are substituted by the viewer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from assistant.drafting.document import Draft, to_json, to_markdown

__all__ = ["WordStyle", "export", "to_docx", "to_json", "to_markdown"]

SIZES = {"二号": 22.0, "小二": 18.0, "三号": 16.0, "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5,
         "小五": 9.0}
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6  # A4 minus the left and right margins
LATIN = "Times New Roman"


@dataclass(frozen=True)
class WordStyle:
    body_font: str = "仿宋_GB2312"
    heading_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    title_font: str = "黑体"
    page_number_font: str = "宋体"
    title_size: float = SIZES["小二"]
    body_size: float = SIZES["三号"]
    table_size: float = SIZES["五号"]
    line_spacing: float = 28.0


def _set_fonts(rpr_parent, east: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set Latin + East-Asian fonts (and size, bold) on a run or a style."""
    font = rpr_parent.font
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = rpr_parent.element if hasattr(rpr_parent, "element") else rpr_parent._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:hint"), "eastAsia")


def _run(paragraph, text: str, east: str, size: float, bold: bool = False):
    run = paragraph.add_run(text)
    _set_fonts(run, east, size, bold)
    return run


def _format(paragraph, style: WordStyle, *, align=None, indent_chars: float = 0, size: float | None = None,
            before: float = 0, after: float = 0, exact: bool = True) -> None:
    pf = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    size = size or style.body_size
    pf.first_line_indent = Pt(size * indent_chars) if indent_chars else None
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(max(style.line_spacing, size * 1.5))


def _page_number_footer(section, style: WordStyle) -> None:
    footer = section.footer
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    size = SIZES["四号"]
    _run(p, "— ", style.page_number_font, size)
    run = _run(p, "", style.page_number_font, size)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, separate, shown, end):
        run._r.append(el)
    _run(p, " —", style.page_number_font, size)


def _defaults(doc, style: WordStyle) -> None:
    normal = doc.styles["Normal"]
    _set_fonts(normal, style.body_font, style.body_size)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    # document defaults too (tables and footers that do not use Normal)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr_el = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
        if rpr_el is not None:
            rfonts = rpr_el.find(qn("w:rFonts"))
            if rfonts is None:
                rfonts = OxmlElement("w:rFonts")
                rpr_el.insert(0, rfonts)
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                rfonts.set(qn(attr), LATIN)
            rfonts.set(qn("w:eastAsia"), style.body_font)
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.5)
    _page_number_footer(section, style)


def _table(doc, rows: list[list[str]], style: WordStyle, id_columns: list[int]) -> None:
    """A bordered table; id columns get more width and a smaller (小五) font."""
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    weights = [0.45 if h == "序号" else 2.0 if j in id_columns else 1.3 for j, h in enumerate(rows[0])]
    widths = [Cm(TEXT_WIDTH_CM * w / sum(weights)) for w in weights]
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width.twips)))  # LibreOffice reads the grid, Word the cells
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.width = widths[j]
            size = SIZES["小五"] if (j in id_columns and i > 0 and rows[0][j] != "序号") else style.table_size
            p = cell.paragraphs[0]
            _format(p, style, size=size, exact=False)
            _run(p, value, style.heading_font if i == 0 else style.body_font, size, bold=False)


def to_docx(draft: Draft, path: Path | str | None = None, style: WordStyle | None = None) -> bytes:
    """The draft as a .docx (bytes; also written to ``path`` when given)."""
    style = style or WordStyle()
    doc = Document()
    _defaults(doc, style)
    doc.core_properties.title = draft.title
    doc.core_properties.author = "ziping 自评审核助手"
    doc.core_properties.comments = f"{draft.key}；数字均来自审核统计与审核发现，见附件。"
    body = style.body_size
    appendix_started = False
    for b in draft.blocks:
        if b.role == "trace" and not appendix_started:
            appendix_started = True
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if b.kind == "title":
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.CENTER, size=style.title_size, after=body)
            _run(p, b.text, style.title_font, style.title_size)
        elif b.kind == "subtitle":
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.CENTER, after=body / 2)
            _run(p, b.text, style.heading2_font, body)
        elif b.kind == "addressee":
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.LEFT)
            _run(p, b.text, style.body_font, body)
        elif b.kind == "heading1":
            p = doc.add_paragraph()
            _format(p, style, indent_chars=0 if b.role == "trace" else 2)
            _run(p, b.text, style.heading_font, body)
        elif b.kind == "heading2":
            p = doc.add_paragraph()
            _format(p, style, indent_chars=2)
            _run(p, b.text, style.heading2_font, body)
        elif b.kind == "note":
            p = doc.add_paragraph()
            _format(p, style, indent_chars=2, size=SIZES["四号"])
            _run(p, b.text, style.heading2_font, SIZES["四号"])
        elif b.kind in ("issuer", "date"):
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.RIGHT, before=body if b.kind == "issuer" else 0)
            p.paragraph_format.right_indent = Pt(body * 2)
            _run(p, b.text, style.body_font, body)
        elif b.kind == "table" and b.rows:
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.LEFT, size=SIZES["四号"], before=6, after=6)
            _run(p, b.text, style.heading_font, SIZES["四号"])
            _table(doc, b.rows, style, b.id_columns)
        elif b.text:  # para, item, closing
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
            _run(p, b.text, style.body_font, body)
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def export(draft: Draft, path: Path | str, fmt: str | None = None, style: WordStyle | None = None) -> Path:
    """Write ``draft`` to ``path`` as docx, md or json (from ``fmt`` or the file suffix)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "docx").lower()
    fmt = {"markdown": "md"}.get(fmt, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        to_docx(draft, path, style)
    elif fmt == "md":
        path.write_text(to_markdown(draft), encoding="utf-8")
    elif fmt == "json":
        path.write_text(to_json(draft) + "\n", encoding="utf-8")
    else:
        raise ValueError(f"不支持的格式 / unsupported format {fmt!r} (docx|md|json)")
    return path


