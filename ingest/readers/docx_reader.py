"""``.docx`` → :class:`Document` with python-docx, reading the body XML in order.

* Body children are walked in document order (``w:p`` and ``w:tbl`` interleaved; content
  controls ``w:sdt`` and ``w:customXml`` are looked through), so a table keeps its place
  between the paragraphs around it.
* A paragraph's heading level comes from its style (``Heading 2``/``标题 2``, a style based on
  one, or an outline level) and otherwise from Chinese numbering (:mod:`.headings`). Table of
  contents entries (``TOC n`` styles) are body text even though they start with ``一、``.
* Tables are resolved into full grids from the XML, not from python-docx's ``row.cells``:
  ``w:gridSpan`` is a horizontal merge, ``w:vMerge`` restart/continue a vertical one, and
  ``w:gridBefore`` skips grid columns at the start of a row. Covered cells copy the origin's
  text with ``merged=True``; the origin carries ``rowspan``/``colspan``.
* A table inside a cell becomes its own :class:`Table` right after its parent, with
  ``nested_in`` set; its text is not repeated in the parent cell.

Word's automatic list numbering is rendered by Word at display time and is not in the text,
so auto-numbered headings are found by style only.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from ingest.document import Block, Cell, Document, Paragraph, Table
from ingest.errors import CorruptFile, EmptyFile, IngestError, UnsupportedFormat
from ingest.readers.headings import assign_levels

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_VAL = qn("w:val")
# wrappers whose children belong to the enclosing story: content controls, custom XML, and
# the sdtContent inside a content control
TRANSPARENT = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|目录)\s*\d*$", re.IGNORECASE)


def read_docx(path: Path, *, name: str | None = None) -> Document:
    name = name or path.name
    try:
        docx = open_docx(str(path))
    except PackageNotFoundError as e:
        raise CorruptFile("无法打开 Word 文件包 / cannot open the Word package", file=name) from e
    except ValueError as e:  # python-docx: "file '…' is not a Word file, content type is …"
        raise UnsupportedFormat(
            "不是普通 Word 文档（可能是模板或启用宏的文档），请另存为 .docx / "
            "not a plain Word document (template or macro-enabled?): save it as .docx", file=name
        ) from e
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError) as e:
        raise CorruptFile(f"Word 文件结构损坏 / broken Word structure: {type(e).__name__}", file=name) from e

    builder = _Builder(docx)
    try:
        builder.walk(docx.element.body)
    except IngestError:
        raise
    except (KeyError, AttributeError, ValueError, etree.XMLSyntaxError) as e:
        raise CorruptFile(f"Word 正文无法解析 / unreadable document body: {type(e).__name__}",
                          file=name) from e
    blocks = builder.finish()
    if not blocks:
        raise EmptyFile("Word 文件中没有文字或表格 / no text or tables in the document", file=name)
    return Document(name=name, format="docx", blocks=blocks)


class _Builder:
    """Collects blocks in reading order and numbers tables and blocks as it goes."""

    def __init__(self, docx) -> None:
        self.docx = docx
        self.blocks: list[Block] = []
        self.n_tables = 0
        self._style_levels: dict[str, tuple[str | None, int | None]] = {}

    def walk(self, story) -> None:
        for el in _children(story):
            if el.tag == W_P:
                self._paragraph(el)
            elif el.tag == W_TBL:
                self._table(el, nested_in=None)

    def finish(self) -> list[Block]:
        # numbering-based levels are decided over the whole run of unstyled body paragraphs
        # so that a short numbered sentence is not promoted (see headings.assign_levels)
        body = [b for b in self.blocks if isinstance(b, Paragraph) and b.heading_level is None
                and not _is_toc(b.style)]
        for para, level in zip(body, assign_levels([p.text for p in body]), strict=True):
            para.heading_level = level
        return self.blocks

    def _paragraph(self, p) -> None:
        para = DocxParagraph(p, self.docx)
        text = para.text.strip()
        if not text:
            return
        style, level = self._style_of(para, p)
        direct = p.xpath("./w:pPr/w:outlineLvl/@w:val")
        if direct:
            level = _outline_level(direct[0])
        self.blocks.append(Paragraph(text=text, index=len(self.blocks), style=style, heading_level=level))

    def _style_of(self, para: DocxParagraph, p) -> tuple[str | None, int | None]:
        """(style name, heading level), resolved once per style id: python-docx's ``style``
        property scans every style of the document on each call (measured: 85% of read time)."""
        key = (p.xpath("./w:pPr/w:pStyle/@w:val") or [""])[0]
        if key not in self._style_levels:
            try:
                style = para.style
            except (KeyError, ValueError):
                style = None
            self._style_levels[key] = (style.name if style is not None else None, _level_of_style(style))
        return self._style_levels[key]

    def _table(self, tbl, nested_in: int | None) -> None:
        index = self.n_tables
        self.n_tables += 1
        table = Table(index=index, rows=[], nested_in=nested_in, block=len(self.blocks))
        self.blocks.append(table)
        table.rows, nested = _grid(tbl)
        for inner in nested:
            self._table(inner, nested_in=index)


def _children(el) -> Iterator:
    """Child elements, looking through content controls and custom XML wrappers."""
    for child in el.iterchildren():
        if child.tag in TRANSPARENT:
            yield from _children(child)
        else:
            yield child


def _grid(tbl) -> tuple[list[list[Cell]], list]:
    """Resolve a ``w:tbl`` into a full grid of cells, and return the tables nested in it."""
    rows: list[list[Cell | None]] = []
    origin_of: dict[tuple[int, int], Cell] = {}  # (row, col) → origin cell of that slot
    nested: list = []
    for r, tr in enumerate(el for el in _children(tbl) if el.tag == W_TR):
        row: list[Cell | None] = []
        for _ in range(_int_attr(tr, "./w:trPr/w:gridBefore/@w:val", 0)):
            row.append(None)  # skipped grid columns: filled with empty cells below
        for tc in (el for el in _children(tr) if el.tag == W_TC):
            c = len(row)
            span = max(1, _int_attr(tc, "./w:tcPr/w:gridSpan/@w:val", 1))
            vmerge = tc.xpath("./w:tcPr/w:vMerge")
            above = origin_of.get((r - 1, c))
            continues = bool(vmerge) and vmerge[0].get(W_VAL, "continue") == "continue"
            nested.extend(el for el in _children(tc) if el.tag == W_TBL)
            if continues and above is not None:
                above.rowspan = r - above.row + 1
                for k in range(span):
                    row.append(Cell(above.text, r, c + k, merged=True))
                    origin_of[(r, c + k)] = above
                continue
            origin = Cell(_cell_text(tc), r, c, colspan=span)
            row.append(origin)
            origin_of[(r, c)] = origin
            for k in range(1, span):
                row.append(Cell(origin.text, r, c + k, merged=True))
                origin_of[(r, c + k)] = origin
        rows.append(row)

    width = max((len(r) for r in rows), default=0)
    grid_cols = len(tbl.xpath("./w:tblGrid/w:gridCol"))
    width = max(width, grid_cols) if rows else 0
    out: list[list[Cell]] = []
    for r, row in enumerate(rows):
        row.extend([None] * (width - len(row)))
        out.append([cell if cell is not None else Cell("", r, c) for c, cell in enumerate(row)])
    return out, nested


def _cell_text(tc) -> str:
    """The cell's own paragraphs joined with newlines (nested tables are their own blocks)."""
    lines = []
    for el in _children(tc):
        if el.tag == W_P:
            text = DocxParagraph(el, None).text.strip()
            if text:
                lines.append(text)
    return "\n".join(lines)


def _int_attr(el, xpath: str, default: int) -> int:
    found = el.xpath(xpath)
    try:
        return int(found[0]) if found else default
    except ValueError:
        return default


def _is_toc(style: str | None) -> bool:
    return bool(style and _TOC_STYLE.match(style.strip()))


def _level_of_style(style) -> int | None:
    """Heading level of a style: its name, the style it is based on, or its outline level."""
    for _ in range(5):  # follow base_style a few steps; cycles exist in broken files
        if style is None:
            return None
        name = (style.name or "").strip()
        if _is_toc(name):
            return None
        m = _HEADING_STYLE.match(name)
        if m:
            return int(m.group(1))
        outline = style.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if outline:
            return _outline_level(outline[0])
        style = style.base_style
    return None


def _outline_level(value: str) -> int | None:
    """``w:outlineLvl`` is 0-based and 9 means body text."""
    try:
        level = int(value) + 1
    except ValueError:
        return None
    return level if 1 <= level <= 9 else None
