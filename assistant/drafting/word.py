"""Word (.docx), Markdown and JSON export of a draft, in the 党政机关公文格式 (GB/T 9704-2012).

* A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; a document grid of 22 lines of
  28 characters (``w:docGrid``), every paragraph on the grid's line pitch;
* title 2号 (22 pt) 小标宋, centred, in the ``Title`` style; 发文字号 centred above it;
* level headings as real Word heading styles with an outline level (the navigation pane and the
  PDF bookmarks list them): ``一、`` Heading 1 in 黑体 3号, ``（一）`` Heading 2 in 楷体 3号;
  body ``1.`` / ``（1）`` paragraphs in 仿宋 3号 (the Normal style) with a two-character indent;
* 主送机关 flush left; 发文机关署名 and 成文日期 right, four characters in; 抄送 after the body in
  4号, between two rules (版记);
* page numbers ``— 1 —`` in 4号 宋体, at the outside edges: right on odd pages, left on even ones
  (``w:evenAndOddHeaders``), one character in;
* the trace appendix on a new page, as bordered tables in 仿宋 5号.

Every run declares its East-Asian font (``w:rFonts/@w:eastAsia``) besides the Latin one (Times
New Roman). The official fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312) are not free, so the
document's font table names a free Debian CJK font as each one's ``w:altName`` (Noto CJK from
fonts-noto-cjk, AR PL from fonts-arphic): Word and LibreOffice substitute it on a machine without
the official font, and the page keeps its look.
"""

from __future__ import annotations

import io
import math
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
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
TEXT_WIDTH_CM = PAGE_CM[0] - MARGINS_CM["left"] - MARGINS_CM["right"]
TEXT_HEIGHT_CM = PAGE_CM[1] - MARGINS_CM["top"] - MARGINS_CM["bottom"]
LINES, CHARS = 22, 28  # GB/T 9704-2012 7.1: 22 lines of 28 characters
LINE_PITCH_PT = TEXT_HEIGHT_CM / 2.54 * 72 / LINES  # 28.99 pt
CHAR_PITCH_PT = TEXT_WIDTH_CM / 2.54 * 72 / CHARS  # 15.79 pt
# 3号 is 16 pt: condensed by a quarter point, 28 characters fit the 156 mm line
CHAR_SPACING_TWIPS = math.floor((CHAR_PITCH_PT - SIZES["三号"]) * 20)
LATIN = "Times New Roman"
# a free font a viewer substitutes when the official one is missing (font table w:altName)
FALLBACKS = {"方正小标宋简体": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC", "仿宋": "Noto Serif CJK SC",
             "黑体": "Noto Sans CJK SC", "楷体_GB2312": "AR PL UKai CN", "楷体": "AR PL UKai CN",
             "宋体": "Noto Serif CJK SC"}


# the OOXML schema's element order (ECMA-376 CT_RPr, CT_PPrBase): what must follow what we insert
_RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                      "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                      "w:specVanish", "w:oMath")
_PPR_TAIL = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
             "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
             "w:rPr", "w:sectPr", "w:pPrChange")
_PPR_AFTER_OVERFLOW = ("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                       "w:snapToGrid", *_PPR_TAIL)
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                   *_PPR_AFTER_OVERFLOW)


@dataclass(frozen=True)
class WordStyle:
    body_font: str = "仿宋_GB2312"
    heading_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    title_font: str = "方正小标宋简体"
    page_number_font: str = "宋体"
    title_size: float = SIZES["二号"]
    body_size: float = SIZES["三号"]
    table_size: float = SIZES["五号"]
    line_spacing: float = LINE_PITCH_PT


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


def _no_hanging(ppr) -> None:
    """Word: no punctuation hanging into the right margin. (LibreOffice ignores it and lets a
    closing mark that may not begin a line hang, as CJK typesetting allows.)"""
    if ppr.find(qn("w:overflowPunct")) is None:
        overflow = OxmlElement("w:overflowPunct")
        overflow.set(qn("w:val"), "0")
        ppr.insert_element_before(overflow, *_PPR_AFTER_OVERFLOW)


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
        pf.line_spacing = Pt(max(style.line_spacing, size * 1.3))


def _page_number(p, style: WordStyle) -> None:
    """``— 1 —`` with a ``PAGE`` field, 4号."""
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


def _page_number_footers(doc, section, style: WordStyle) -> None:
    """Page numbers at the outside edges (GB/T 9704 7.5): odd pages right, even pages left, one
    character in from the edge of the text."""
    doc.settings.odd_and_even_pages_header_footer = True
    # the field's result takes the paragraph style's size, not the run's: the Footer style is 4号
    _style(doc, "Footer", style.page_number_font, SIZES["四号"])
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(SIZES["四号"])
        else:
            p.paragraph_format.left_indent = Pt(SIZES["四号"])
        _page_number(p, style)


def _doc_grid(section) -> None:
    """22 lines: a line grid with the pitch in twips. The 28 characters come from the body's
    character spacing (:data:`CHAR_SPACING_TWIPS`), not a character grid: LibreOffice puts a 16 pt
    character that does not fit a 15.8 pt grid cell into two cells, halving the line."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.attrib.pop(qn("w:charSpace"), None)


def _condense(style_or_run, twips: int) -> None:
    """Character spacing (``w:spacing``, in twentieths of a point) on a style or run."""
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    rpr = element.get_or_add_rPr()
    for el in rpr.findall(qn("w:spacing")):
        rpr.remove(el)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twips))
    rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)  # Word refuses elements out of schema order


def _font_table(doc, style: WordStyle) -> None:
    """Declare each official font with a free ``w:altName`` and the GB2312 charset."""
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    used = {style.body_font, style.heading_font, style.heading2_font, style.title_font, style.page_number_font}
    for name in sorted(used):
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in FALLBACKS:
            alt = etree.SubElement(font, qn("w:altName"))
            alt.set(qn("w:val"), FALLBACKS[name])
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if name == style.heading_font else "roman")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style(doc, name: str, east: str, size: float, *, outline: int | None = None, align=None,
           indent_chars: float = 0, before: float = 0, after: float = 0) -> None:
    """A paragraph style in 公文 dress: no theme colour, fixed line pitch, East-Asian font."""
    st = doc.styles[name]
    _set_fonts(st, east, size, bold=False)
    st.font.italic = False
    st.font.color.rgb = None
    rpr = st.element.get_or_add_rPr()
    for tag in ("w:color", "w:sz", "w:szCs"):
        for el in rpr.findall(qn(tag)):
            if tag == "w:color":
                rpr.remove(el)
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    pf = st.paragraph_format
    pf.alignment = align
    pf.first_line_indent = Pt(size * indent_chars) if indent_chars else Pt(0)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(max(LINE_PITCH_PT, size * 1.3))
    pf.keep_with_next = outline is not None
    ppr = st.element.get_or_add_pPr()
    for el in ppr.findall(qn("w:pBdr")):  # the template's Title has a rule under it
        ppr.remove(el)
    for el in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(el)
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.insert_element_before(lvl, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _defaults(doc, style: WordStyle) -> None:
    normal = doc.styles["Normal"]
    _style(doc, "Normal", style.body_font, style.body_size, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _condense(normal, CHAR_SPACING_TWIPS)
    _no_hanging(normal.element.get_or_add_pPr())
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    _style(doc, "Title", style.title_font, style.title_size, align=WD_ALIGN_PARAGRAPH.CENTER, after=style.body_size)
    _style(doc, "Heading 1", style.heading_font, style.body_size, outline=0, indent_chars=2)
    _style(doc, "Heading 2", style.heading2_font, style.body_size, outline=1, indent_chars=2)
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
    section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    section.footer_distance = Cm(2.5)
    _doc_grid(section)
    _page_number_footers(doc, section, style)
    _font_table(doc, style)


def _rules_above_and_below(paragraph) -> None:
    """The 版记's thin rules (GB/T 9704 7.4): one above and one below the 抄送 line."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "bottom"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    ppr.insert_element_before(borders, *_PPR_AFTER_PBDR)


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
    doc.core_properties.comments = "数字均来自审核统计与审核发现。"
    body = style.body_size
    appendix_started = False
    date_text = next((b.text for b in draft.blocks if b.kind == "date"), "")
    for b in draft.blocks:
        if b.role == "trace" and not appendix_started:
            appendix_started = True
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if b.kind == "title":
            p = doc.add_paragraph(style="Title")
            _format(p, style, align=WD_ALIGN_PARAGRAPH.CENTER, size=style.title_size, after=body)
            _run(p, b.text, style.title_font, style.title_size)
        elif b.kind == "docno":
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.CENTER, after=body)
            _run(p, b.text, style.body_font, body)
        elif b.kind == "subtitle":
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.CENTER, after=body / 2)
            _run(p, b.text, style.heading2_font, body)
        elif b.kind == "addressee":
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.LEFT)
            _run(p, b.text, style.body_font, body)
        elif b.kind == "heading1":
            p = doc.add_paragraph(style="Heading 1")
            _format(p, style, indent_chars=0 if b.role == "trace" else 2)
            _run(p, b.text, style.heading_font, body)
        elif b.kind == "heading2":
            p = doc.add_paragraph(style="Heading 2")
            _format(p, style, indent_chars=2)
            _run(p, b.text, style.heading2_font, body)
        elif b.kind == "note":
            p = doc.add_paragraph()
            _format(p, style, indent_chars=2, size=SIZES["四号"])
            _run(p, b.text, style.heading2_font, SIZES["四号"])
        elif b.kind in ("issuer", "date"):
            # 成文日期 four characters in from the right; 发文机关 centred over it (GB/T 9704 7.3.5.1)
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.RIGHT, before=body * 2 if b.kind == "issuer" else 0)
            chars = 4 + (max(0, (len(date_text) - len(b.text)) / 2) if b.kind == "issuer" else 0)
            p.paragraph_format.right_indent = Pt(body * chars)
            _run(p, b.text, style.body_font, body)
        elif b.kind == "cc":
            p = doc.add_paragraph()
            _format(p, style, align=WD_ALIGN_PARAGRAPH.LEFT, size=SIZES["四号"], before=body * 2)
            p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(SIZES["四号"])
            _rules_above_and_below(p)
            _run(p, b.text, style.body_font, SIZES["四号"])
        elif b.kind == "table" and b.rows:
            if b.text:
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


