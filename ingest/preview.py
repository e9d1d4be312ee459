"""An original file shown in the reviewer page, opened at a finding's cell.

The preview is rendered from the :class:`Document` the reader makes of the stored original
(.docx, .xlsx, and .doc/.wps/.xls/.et through the same converter the reader uses), so its
tables, rows and columns are numbered exactly as a finding's :class:`Location` numbers them:
the cell a finding points to can be marked without guessing. Merged cells are drawn once with
``rowspan``/``colspan``; a location on a covered cell marks its merge's origin.

Every text from the document is escaped: the preview is inert markup, and the page that shows it
forbids scripts on top of that (``api/routes/previews.py``).

The rendered markup is cached beside the originals (``<data>/files/previews/<id>.json``) and
rebuilt when the original is newer than the cache or the renderer's :data:`VERSION` changes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path

from assistant.model import Location
from ingest.document import Document, Paragraph, Table

VERSION = 2  # raise when the markup changes: cached previews are rebuilt
# what can be drawn as HTML from the reader's grid; a PDF is shown as its page's image
HTML_FORMATS = frozenset({"docx", "xlsx", "doc", "wps", "xls", "et"})
PAGE_WIDTH = 1000  # pixels of a PDF page image: readable small print in a side panel


@dataclass
class Preview:
    """A document as HTML: ``html`` holds the blocks in reading order, each cell with the id
    :func:`cell_id` gives it; ``covered`` maps the id of a cell covered by a merge to its origin's."""

    html: str
    covered: dict[str, str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    # a PDF's cells: id → [page, x0, top, x1, bottom] in PDF points, to mark the cell on the page image
    boxes: dict[str, list[float]] = field(default_factory=dict)
    version: int = VERSION

    def box(self, loc: Location) -> tuple[int, tuple[float, float, float, float]] | None:
        """(page, bbox) of the PDF cell a location points to (a merge's origin), or None."""
        if loc.table is None or loc.row is None:
            return None
        key = cell_id(loc.table, loc.row, loc.col or 0)
        found = self.boxes.get(self.covered.get(key, key)) or self.boxes.get(key)
        if not found:
            return None
        page, *bbox = found
        return int(page), (bbox[0], bbox[1], bbox[2], bbox[3])

    def target(self, loc: Location) -> str | None:
        """The element id a location points to: its cell (a merge's origin), else its paragraph,
        else the heading of its sheet; None when the location names none of these."""
        if loc.table is not None and loc.row is not None:
            key = cell_id(loc.table, loc.row, loc.col or 0)
            key = self.covered.get(key, key)
            if f'id="{key}"' in self.html:
                return key
        if loc.paragraph is not None and f'id="p{loc.paragraph}"' in self.html:
            return f"p{loc.paragraph}"
        if loc.table is not None and f'id="t{loc.table}"' in self.html:
            return f"t{loc.table}"
        if loc.sheet and loc.sheet in self.sheets:
            return f"t{self.sheets.index(loc.sheet)}"
        return None

    def marked(self, target: str | None) -> str:
        """The markup with the element ``target`` marked (class ``hit``) and holding the anchor
        ``#hit``, so a page opened at ``…#hit`` scrolls to it without any script."""
        attr = f'id="{target}"'
        at = self.html.find(attr) if target else -1
        if at < 0:
            return self.html
        close = self.html.index(">", at)
        return self.html[:at] + attr + ' class="hit"' + self.html[at + len(attr):close + 1] + \
            '<a id="hit"></a>' + self.html[close + 1:]


def cell_id(table: int, row: int, col: int) -> str:
    return f"c{table}-{row}-{col}"


def render(doc: Document) -> Preview:
    """The document's blocks as escaped HTML (tables as tables, sheets under their names)."""
    parts: list[str] = []
    covered: dict[str, str] = {}
    sheets: list[str] = []
    boxes: dict[str, list[float]] = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            parts.append(_paragraph(block))
        else:
            if block.sheet is not None:
                sheets.append(block.sheet)
            parts.append(_table(block, covered))
            for row in block.rows:
                for cell in row:
                    page = cell.page if cell.page is not None else block.page
                    if cell.bbox is not None and page is not None and not cell.merged:
                        boxes[cell_id(block.index, cell.row, cell.col)] = [page, *cell.bbox]
    return Preview(html="\n".join(parts), covered=covered, sheets=sheets, boxes=boxes)


def _paragraph(p: Paragraph) -> str:
    level = p.heading_level
    tag = f"h{min(level + 1, 6)}" if level else "p"
    return f'<{tag} id="p{p.index}">{escape(p.text)}</{tag}>'


def _table(t: Table, covered: dict[str, str]) -> str:
    origins = _origins(t)
    out: list[str] = []
    if t.sheet is not None:
        out.append(f'<h2 class="sheet" id="t{t.index}">工作表“{escape(t.sheet)}”</h2>')
        out.append('<table class="grid">')
    else:
        out.append(f'<table class="grid" id="t{t.index}">')
    for r, row in enumerate(t.rows):
        out.append("<tr>")
        if t.sheet is not None:  # the sheet's own row number, as the reviewer sees it in Excel
            out.append(f'<th class="rownum">{r + 1}</th>')
        for c, cell in enumerate(row):
            key = cell_id(t.index, r, c)
            if cell.merged and (r, c) in origins:
                covered[key] = cell_id(t.index, *origins[(r, c)])
                continue
            spans = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                            if n > 1)
            text = "<br>".join(escape(line) for line in cell.text.split("\n"))
            out.append(f'<td id="{key}"{spans}>{text}</td>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def _origins(t: Table) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of each cell a merge covers → (row, col) of the merge's origin. A merged cell
    no origin's spans reach is drawn on its own."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row):
            if cell.merged or (cell.rowspan == 1 and cell.colspan == 1):
                continue
            for rr in range(r, min(r + cell.rowspan, len(t.rows))):
                for cc in range(c, c + cell.colspan):
                    if (rr, cc) != (r, c) and cc < len(t.rows[rr]) and t.rows[rr][cc].merged:
                        out[(rr, cc)] = (r, c)
    return out


def cached_preview(original: Path, cache: Path, *, name: str | None = None) -> Preview:
    """The preview of ``original``, from ``cache`` when it is current, else rendered and cached.

    Raises :class:`ingest.errors.IngestError` (with a Chinese message) when the file cannot be read.
    """
    from ingest.readers import read_document

    if cache.exists() and cache.stat().st_mtime >= original.stat().st_mtime:
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("version") == VERSION:
                return Preview(**data)
        except (ValueError, TypeError):
            pass  # a broken cache is rebuilt below
    preview = render(read_document(original, name=name))
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(f".{cache.name}.partial")
    partial.write_text(json.dumps(asdict(preview), ensure_ascii=False), encoding="utf-8")
    partial.replace(cache)
    return preview


@dataclass
class PageImage:
    """A PDF page as a PNG; ``mark`` is the outlined cell's (x0, top, x1, bottom) in the image's
    pixels, ``size`` the image's (width, height)."""

    png: bytes
    page: int
    size: tuple[int, int]
    mark: tuple[int, int, int, int] | None = None


def pdf_page_png(original: Path, page: int, cache: Path, *, width: int = PAGE_WIDTH,
                 box: tuple[float, float, float, float] | None = None) -> PageImage:
    """Page ``page`` (1-based, clamped to the document) of a PDF as a PNG ``width`` pixels wide,
    cached in ``cache``; ``box`` (x0, top, x1, bottom in PDF points) is outlined on it. A broken
    PDF raises :class:`ingest.errors.CorruptFile`."""
    import io

    from PIL import Image, ImageDraw

    png, page, points = _page_png(original, page, cache, width)
    with Image.open(io.BytesIO(png)) as image:
        if box is None:
            return PageImage(png, page, image.size)
        marked = image.convert("RGB")
    k = marked.width / points
    x0, top, x1, bottom = (round(v * k) for v in box)
    draw = ImageDraw.Draw(marked, "RGBA")
    draw.rectangle((x0 - 3, top - 3, x1 + 3, bottom + 3), fill=(255, 214, 0, 70), outline=(209, 36, 47, 255), width=4)
    buf = io.BytesIO()
    marked.save(buf, "PNG")
    return PageImage(buf.getvalue(), page, marked.size, (x0, top, x1, bottom))


def _page_png(original: Path, page: int, cache: Path, width: int) -> tuple[bytes, int, float]:
    """(the page's PNG, the page shown, the page's width in points)."""
    import pypdfium2 as pdfium

    from ingest.errors import CorruptFile

    try:
        pdf = pdfium.PdfDocument(str(original))
    except pdfium.PdfiumError as e:
        raise CorruptFile(f"PDF 无法打开，不能预览 / cannot open the PDF: {e}") from e
    try:
        page = min(max(page, 1), len(pdf))
        target = cache.with_name(f"{cache.stem}-p{page}-{width}.png")
        pdf_page = pdf[page - 1]
        try:
            points = pdf_page.get_width()
            if target.exists() and target.stat().st_mtime >= original.stat().st_mtime:
                return target.read_bytes(), page, points
            image = pdf_page.render(scale=width / points).to_pil()
        finally:
            pdf_page.close()
    finally:
        pdf.close()
    import io

    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(buf.getvalue())
    partial.replace(target)
    return buf.getvalue(), page, points


__all__ = ["HTML_FORMATS", "PAGE_WIDTH", "PageImage", "Preview", "VERSION", "cached_preview", "cell_id", "pdf_page_png", "render"]
