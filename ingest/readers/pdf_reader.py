"""``.pdf`` → :class:`Document` with pdfplumber; scanned pages go through OCR.

Two passes. The first reads every page into positioned items (text lines and ruled tables);
the second, knowing the whole document, drops running headers/footers, joins tables that
continue over a page break and numbers the blocks.

Per page:

* duplicated characters (fake bold: the same glyph drawn twice) are removed first;
* ruled tables come from ``page.find_tables(TABLE_SETTINGS)`` (the *lines* strategy: self-
  evaluation forms are always ruled; the text strategy invents tables out of aligned prose).
  A one-cell "table" is a frame or page border, not a table: its text stays text;
* merged cells: pdfplumber returns ``None`` for a grid slot that no cell starts in. Such a slot
  is covered by the cell whose bbox contains it (to the left for a horizontal merge, above for a
  vertical one, both for a block); it gets that cell's text and ``merged=True``;
* text outside the tables becomes lines; a line is one :class:`Paragraph` (with its heading
  level from :mod:`.headings`), except that a line is joined to the one before it while that
  one runs to the right edge of the text and does not end a sentence — the way a paragraph
  wraps. The heading level is then decided on the joined text, so a numbered sentence whose
  first line looked like a short title becomes body text again;
* text wrapped inside a narrow cell (``社会效益指\\n标``, ``1,23\\n4.5``) is joined back
  (:func:`ingest.readers.wrap.unwrap_cell`);
* a page without characters (or with a stamped page number over a page-sized image) is a scan:
  it is rendered at :data:`OCR_DPI` with pypdfium2 — less when the image would exceed the pixel
  budget, not at all when the page's area is absurd (:func:`ingest.readers.ocr.image.render_scale`)
  — and handed to
  :func:`ingest.readers.ocr.ocr_page_image` (the package ingest/readers/ocr/), and ``Document.scanned`` is set.

Across pages: a page that starts with a table whose columns match (within
:data:`CONTINUATION_TOLERANCE` points) the table that ended the previous page, with nothing but
header/footer text between them, continues that table; leading rows that repeat the table's
first rows (a repeated header) are dropped. ``Cell.page`` tells which page each row is on. Scanned
pages are joined the same way, their column edges compared within a fraction of the table's width
(:data:`OCR_CONTINUATION_TOLERANCE`).

For debugging, :func:`debug_tables` draws what the table finder saw on each page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.document import Block, Cell, Document, Paragraph, Table
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile, IngestError, PageTooLarge, UnreadableScan
from ingest.readers.caps import PageCaps, page_refusal, too_dense
from ingest.readers.headings import heading_level
from ingest.readers.wrap import unwrap_cell

# Explicit so that a change in pdfplumber's defaults cannot change what we read.
TABLE_SETTINGS: dict[str, object] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,  # ruling lines closer than this are one line (double borders)
    "join_tolerance": 3,  # collinear segments with gaps below this are one line
    "edge_min_length": 3,
    "intersection_tolerance": 3,
}
TEXT_SETTINGS: dict[str, float] = {"x_tolerance": 3, "y_tolerance": 3}
_EDGE_SLACK = 2.0  # pt: how far left of its cell's rule a character's box may start
OCR_DPI = 150
CONTINUATION_TOLERANCE = 2.0  # points: column edges of a continued table line up this closely
# On scans the page sits a little differently on each pass through the scanner, and deskewing
# turns it about its centre: edges line up within this fraction of the table's width.
OCR_CONTINUATION_TOLERANCE = 0.02
MARGIN_BAND = 0.08  # top/bottom fraction of the page where running headers and footers live
MAX_REPEATED_HEADER_ROWS = 3
DEDUPE_TOLERANCE = 1.0  # points: the same glyph drawn again this close is fake bold, not text
STAMP_CHARS = 20  # fewer characters than this over a page-sized image: still a scan
SCAN_COVER = 0.5  # images covering this fraction of the page make it a scan candidate
PARAGRAPH_END = "。！？；：!?;:”」』"

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")  # justified CJK text gets spaces
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–·\s]*\d+[-—–·\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
    r"|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE,
)


@dataclass
class _Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class _Grid:
    """One ruled table as found on one page."""

    rows: list[list[Cell]]
    bbox: tuple[float, float, float, float]
    xs: list[float]  # column edges, left to right, including the right border
    top: float = 0.0

    def __post_init__(self) -> None:
        self.top = self.bbox[1]


@dataclass
class _Page:
    number: int  # 1-based
    height: float
    items: list[_Line | _Grid] = field(default_factory=list)
    scanned: bool = False
    error: str | None = None
    refused: str | None = None  # why the page was not laid out: it draws too much (ingest.readers.caps)
    right: float = 0.0  # right edge of the text on this page (where a wrapped line ends)


def read_pdf(path: Path, *, name: str | None = None) -> Document:
    name = name or path.name
    import pdfplumber  # imported here: pdfminer is slow to import and only PDFs need it

    from assistant.settings import get_settings

    caps = PageCaps.of(get_settings())

    try:
        pdf = pdfplumber.open(path)
    except Exception as e:
        raise _pdf_error(e, name) from e
    try:
        with pdf:
            pages = [_read_page(page, caps) for page in pdf.pages]
    except IngestError:
        raise
    except Exception as e:  # the page tree itself is broken
        raise _pdf_error(e, name) from e

    doc = Document(name=name, format="pdf", pages=len(pages))
    doc.warnings.extend(f"第{p.number}页无法读取 / page {p.number} unreadable: {p.error}"
                        for p in pages if p.error)
    doc.warnings.extend(p.refused for p in pages if p.refused)
    assembler = _Assembler(doc, path)
    assembler.run(pages)
    if not doc.blocks:
        if assembler.refused is not None:  # the reason nothing was read is the page's size
            assembler.refused.file = name
            raise assembler.refused
        refused = next((p.refused for p in pages if p.refused), None)
        if refused is not None:  # nothing else was read: the reason is what the page draws
            raise too_dense(refused, name)
        if pages and all(p.error for p in pages):
            raise CorruptFile("所有页面都无法读取 / no page could be read", file=name)
        scanned = [p.number for p in pages if p.scanned]
        if scanned:  # a scan nobody could read here: kept for a person (see UnreadableScan)
            raise UnreadableScan(f"共{len(pages)}页，扫描页第{_page_list(scanned)}页未识别出文字", file=name)
        raise EmptyFile("PDF 中没有可识别的文字 / no readable text in the PDF", file=name)
    return doc


def _page_list(numbers: list[int]) -> str:
    """``[1, 2, 3]`` → ``1、2、3`` (at most five, then 等)."""
    shown = "、".join(str(n) for n in numbers[:5])
    return shown + ("等" if len(numbers) > 5 else "")


def _pdf_error(exc: Exception, name: str) -> IngestError:
    from pdfminer.pdfdocument import PDFEncryptionError

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, PDFEncryptionError):
        return EncryptedFile("PDF 设置了打开密码 / the PDF needs a password", file=name)
    return CorruptFile(f"PDF 结构损坏 / broken PDF structure: {type(inner).__name__}: {inner}"[:300],
                       file=name)


# --- pass 1: one page → positioned items -----------------------------------------------------

def _read_page(page, caps: PageCaps) -> _Page:
    out = _Page(number=page.page_number, height=float(page.height))
    try:
        # counted in the content stream before pdfplumber lays out a single character
        out.refused = page_refusal(page.page_obj, out.number, caps)
        if out.refused:
            return out
        clean = _dedupe_chars(page)
        if _needs_ocr(clean):
            out.scanned = True
            return out
        if not clean.chars:
            return out  # a blank page
        grids = [_grid(t) for t in clean.find_tables(TABLE_SETTINGS) if len(t.cells) > 1]
        boxes = [g.bbox for g in grids]
        outside = clean.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
        lines = [
            _Line(_clean(ln["text"]), ln["x0"], ln["top"], ln["x1"], ln["bottom"])
            for ln in outside.extract_text_lines(strip=True, return_chars=False, **TEXT_SETTINGS)
        ]
        lines = [ln for ln in lines if ln.text]
        out.items = sorted([*lines, *grids], key=lambda i: i.top)
        out.right = max((ln.x1 for ln in lines), default=0.0)
        for row in (r for g in grids for r in g.rows):
            for cell in row:
                cell.page = out.number
    except Exception as e:  # one bad page must not lose the others
        out.error = f"{type(e).__name__}: {e}"[:200]
    finally:
        page.close()
    return out


def _dedupe_chars(page):
    """``page.dedupe_chars()`` in linear time.

    pdfplumber's version keeps the same rule — one glyph per (text, font, size) within
    :data:`DEDUPE_TOLERANCE` points of position — but re-sorts the survivors with
    ``key=chars.index``, quadratic in the page's characters: it was a fifth of the time spent on
    a text-heavy report page. Here a glyph is looked up in a grid of 1-point buckets (its own
    and the neighbouring ones), in reading order, and the first one drawn is kept."""
    seen: dict[tuple, list[tuple[float, float]]] = {}
    keep: set[int] = set()
    tol = DEDUPE_TOLERANCE
    for ch in page.chars:
        glyph = (ch["upright"], ch["text"], ch["fontname"], ch["size"])
        x, y = ch["x0"], ch["doctop"]
        bx, by = int(x // tol), int(y // tol)
        near = (seen.get((glyph, bx + dx, by + dy), ()) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        if any(abs(x - sx) <= tol and abs(y - sy) <= tol for bucket in near for sx, sy in bucket):
            continue
        seen.setdefault((glyph, bx, by), []).append((x, y))
        keep.add(id(ch))
    return page.filter(lambda o: o.get("object_type") != "char" or id(o) in keep)


def _needs_ocr(page) -> bool:
    """No text layer: a scan, or text drawn as curves. Scanners and signing tools often stamp
    a page number or a serial onto the image; a handful of characters over a page-sized image
    is still a scan."""
    chars = [c for c in page.chars if not c["text"].isspace()]
    if not chars:
        return bool(page.images or page.curves)
    area = float(page.width * page.height) or 1.0
    covered = sum(float(im["width"] * im["height"]) for im in page.images)
    return len(chars) < STAMP_CHARS and covered >= SCAN_COVER * area


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _clean(text: str | None) -> str:
    return unwrap_cell(_CJK_GAP.sub("", text or ""))


def _cell_texts(table) -> list[list[str | None]]:
    """Each cell's text, a character belonging to the cell its *left edge* is in.

    pdfplumber assigns a character by its centre, but Chinese typesetting hangs a closing 。，
    past the cell's right rule: by its centre it falls into the next cell (or off the table)."""
    from pdfplumber.utils import extract_text

    out: list[list[str | None]] = []
    for row in table.rows:
        # the row's characters first (down to its tallest merged cell), then each cell's:
        # one pass over the page per row, not per cell
        top = row.bbox[1]
        bottom = max((c[3] for c in row.cells if c is not None), default=row.bbox[3])
        in_row = [ch for ch in table.page.chars if top - 1 <= (ch["top"] + ch["bottom"]) / 2 < bottom + 1]
        texts: list[str | None] = []
        for bbox in row.cells:
            if bbox is None:
                texts.append(None)
                continue
            x0, top, x1, bottom = bbox
            # a little slack: a glyph's box may start a hair left of the rule it sits against
            inside = [ch for ch in in_row if x0 <= ch["x0"] + _EDGE_SLACK < x1
                      and top <= (ch["top"] + ch["bottom"]) / 2 < bottom]
            texts.append(extract_text(inside, **TEXT_SETTINGS) if inside else "")
        out.append(texts)
    return out


def _grid(table) -> _Grid:
    """A pdfplumber table as a full grid with merges resolved (see the module docstring)."""
    tol = 1.0
    texts = _cell_texts(table)
    rows = table.rows
    xs = sorted({c[0] for c in table.cells})
    tops = sorted({c[1] for c in table.cells})
    origins: list[tuple[tuple[float, float, float, float], Cell]] = []
    grid: list[list[Cell | None]] = []
    for r, (row, row_texts) in enumerate(zip(rows, texts, strict=True)):
        out: list[Cell | None] = []
        for c, (bbox, text) in enumerate(zip(row.cells, row_texts, strict=True)):
            if bbox is None:
                out.append(None)
                continue
            x0, top, x1, bottom = (float(v) for v in bbox)
            cell = Cell(
                _clean(text), r, c, bbox=(x0, top, x1, bottom),
                colspan=max(1, sum(1 for x in xs if x0 - tol <= x < x1 - tol)),
                rowspan=max(1, sum(1 for t in tops if top - tol <= t < bottom - tol)),
            )
            origins.append(((x0, top, x1, bottom), cell))
            out.append(cell)
        grid.append(out)

    resolved: list[list[Cell]] = []
    for r, (row, out) in enumerate(zip(rows, grid, strict=True)):
        y = row.bbox[1] + tol
        filled: list[Cell] = []
        for c, cell in enumerate(out):
            if cell is None:
                x = xs[c] + tol
                origin = next((o for (x0, top, x1, bottom), o in origins
                               if x0 <= x < x1 and top <= y < bottom), None)
                if origin is None:  # a slot no cell covers: a missing ruling line
                    cell = Cell("", r, c)
                else:
                    cell = Cell(origin.text, r, c, merged=True, bbox=origin.bbox)
            filled.append(cell)
        resolved.append(filled)
    bbox = tuple(float(v) for v in table.bbox)
    return _Grid(rows=resolved, bbox=bbox, xs=[*xs, bbox[2]])  # type: ignore[arg-type]


# --- pass 2: pages → blocks ------------------------------------------------------------------

class _Assembler:
    def __init__(self, doc: Document, path: Path) -> None:
        self.doc = doc
        self.path = path
        self.n_tables = 0
        self.tail: tuple[Table, _Grid] | None = None  # table that ended the previous page
        self.para: Paragraph | None = None  # paragraph the next line may continue
        # the paragraph's last line, the right edge of text on its page, and the page number
        self.para_line: tuple[_Line, float, int] | None = None
        self._pdfium = None
        self.refused: PageTooLarge | None = None  # the last page refused for its size

    def run(self, pages: list[_Page]) -> None:
        running = _running_texts(pages)
        try:
            for page in pages:
                if page.scanned:
                    self.tail = self.para = None
                    self._ocr(page)
                    continue
                body = [i for i in page.items
                        if not (isinstance(i, _Line) and _is_header_footer(i, page, running))]
                for k, item in enumerate(body):
                    if isinstance(item, _Grid):
                        self._table(item, page, first_on_page=k == 0)
                    else:
                        self._line(item, page)
        finally:
            if self._pdfium is not None:
                self._pdfium.close()

    def _table(self, grid: _Grid, page: _Page, *, first_on_page: bool) -> None:
        self.para = None
        if first_on_page and self.tail is not None and _continues(self.tail[1], grid):
            table = self.tail[0]
            rows = grid.rows[_repeated_header_rows(table, grid.rows):]
            offset = len(table.rows)
            for i, row in enumerate(rows):
                for cell in row:
                    cell.row = offset + i
            table.rows.extend(rows)
            table.last_page = page.number
        else:
            table = Table(index=self.n_tables, rows=grid.rows, page=page.number,
                          block=len(self.doc.blocks))
            self.n_tables += 1
            self.doc.blocks.append(table)
        self.tail = (table, grid)

    def _line(self, line: _Line, page: _Page) -> None:
        self.tail = None
        level = heading_level(line.text)
        if level is None and self._continues_paragraph(line, page):
            assert self.para is not None
            prev = self.para.text
            sep = " " if prev[-1].isascii() and line.text[0].isascii() else ""
            self.para.text = prev + sep + line.text
            # decided on the whole paragraph: "（4）……加强绩" looked like a short title on its
            # own, but wrapped into a sentence it is body text; a wrapped long title stays one
            self.para.heading_level = heading_level(self.para.text)
        else:
            self.para = Paragraph(text=line.text, index=len(self.doc.blocks), page=page.number,
                                  heading_level=level)
            self.doc.blocks.append(self.para)
        self.para_line = (line, page.right, page.number)

    def _continues_paragraph(self, line: _Line, page: _Page) -> bool:
        """Join a body line to the paragraph before it when that one wrapped at the margin."""
        if self.para is None or self.para_line is None:
            return False
        prev, right, prev_page = self.para_line
        if prev.text[-1] in PARAGRAPH_END:
            return False
        char_width = (prev.x1 - prev.x0) / max(len(prev.text), 1)
        if prev.x1 < right - 2 * char_width:
            return False  # the previous line stopped short: it ended its paragraph (or is a title)
        # on the same page, a blank line's worth of space separates paragraphs
        return not (prev_page == page.number and line.top - prev.bottom > prev.bottom - prev.top)

    def _ocr(self, page: _Page) -> None:
        try:
            from assistant.settings import get_settings
            from ingest.readers.ocr import ocr_page_image
            from ingest.readers.ocr.image import render_scale
        except Exception as e:  # the OCR stack (onnxruntime, opencv) is optional at import
            self.doc.warnings.append(f"第{page.number}页是扫描页，但 OCR 不可用 / page {page.number} "
                                     f"is scanned but OCR is unavailable: {type(e).__name__}")
            return
        try:
            import pypdfium2 as pdfium

            if self._pdfium is None:
                self._pdfium = pdfium.PdfDocument(str(self.path))
            pdf_page = self._pdfium[page.number - 1]
            try:
                scale = render_scale(*pdf_page.get_size(), OCR_DPI, get_settings().max_page_pixels)
                image = pdf_page.render(scale=scale).to_pil()
            finally:
                pdf_page.close()
            blocks = ocr_page_image(image, page.number, self.n_tables, len(self.doc.blocks), dpi=scale * 72)
        except PageTooLarge as e:
            self.refused = e
            self.doc.warnings.append(f"第{page.number}页未识别 / page {page.number} not read: {e}")
            return
        except Exception as e:  # one failed page must not lose the rest of the document
            self.doc.warnings.append(f"第{page.number}页 OCR 失败 / OCR failed on page {page.number}: "
                                     f"{type(e).__name__}: {e}"[:300])
            return
        self.doc.scanned = True
        if blocks and isinstance(blocks[0], Table) and self._continue_ocr_table(blocks[0], page.number):
            blocks = blocks[1:]
        for block in blocks:
            self._add_ocr_block(block, page.number)

    def _continue_ocr_table(self, table: Table, page_number: int) -> bool:
        """A scanned page that starts with a table whose columns line up with the table that ended
        the previous scanned page continues it (rows appended, a repeated header dropped): a table
        carried over without its header row keeps the columns of the page that had one."""
        prev = self.doc.blocks[-1] if self.doc.blocks else None
        if not (isinstance(prev, Table) and prev.ocr and (prev.last_page or prev.page) == page_number - 1):
            return False
        a, b = _ocr_column_edges(prev), _ocr_column_edges(table)
        if a is None or b is None or len(a) != len(b):
            return False
        tolerance = OCR_CONTINUATION_TOLERANCE * (a[-1] - a[0])
        if any(abs(x - y) > tolerance for x, y in zip(a, b, strict=True)):
            return False
        rows = table.rows[_repeated_header_rows(prev, table.rows):]
        offset = len(prev.rows)
        for i, row in enumerate(rows):
            for cell in row:
                cell.row = offset + i
        prev.rows.extend(rows)
        prev.last_page = page_number
        return True

    def _add_ocr_block(self, block: Block, page_number: int) -> None:
        # renumber defensively: the numbering must stay dense whatever OCR returned
        if isinstance(block, Table):
            block.index, block.block = self.n_tables, len(self.doc.blocks)
            block.page = block.page or page_number
            block.ocr = True
            self.n_tables += 1
        else:
            block.index = len(self.doc.blocks)
            block.page = block.page or page_number
        self.doc.blocks.append(block)


def _running_texts(pages: list[_Page]) -> set[str]:
    """Texts (digits masked) that recur in the header/footer band of two or more pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {_mask(i.text) for i in page.items if isinstance(i, _Line) and _in_band(i, page)}
        seen.update(keys)
    return {k for k, n in seen.items() if n >= 2}


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _in_band(line: _Line, page: _Page) -> bool:
    return line.top < page.height * MARGIN_BAND or line.bottom > page.height * (1 - MARGIN_BAND)


def _is_header_footer(line: _Line, page: _Page, running: set[str]) -> bool:
    return _in_band(line, page) and (bool(_PAGE_NUMBER.match(line.text)) or _mask(line.text) in running)


def _ocr_column_edges(table: Table) -> list[float] | None:
    """An OCR table's column edges in points (each column's left edge, then the right edge), from
    its first row's cell boxes; None when a box is missing."""
    first = table.rows[0] if table.rows else []
    if not first or any(c.bbox is None for c in first):
        return None
    return [c.bbox[0] for c in first] + [max(c.bbox[2] for c in first)]


def _continues(prev: _Grid, cur: _Grid) -> bool:
    return len(prev.xs) == len(cur.xs) and all(
        abs(a - b) <= CONTINUATION_TOLERANCE for a, b in zip(prev.xs, cur.xs, strict=True)
    )


def _repeated_header_rows(table: Table, rows: list[list[Cell]]) -> int:
    """How many leading ``rows`` (a page's table) repeat the first rows of ``table``."""

    def key(row: list[Cell]) -> list[str]:
        return [re.sub(r"\s+", "", c.text) for c in row]

    n = 0
    limit = min(MAX_REPEATED_HEADER_ROWS, len(rows), len(table.rows))
    while n < limit and key(rows[n]) == key(table.rows[n]) and any(key(rows[n])):
        n += 1
    return n


def debug_tables(path: Path, out_dir: Path, *, resolution: int = 100) -> list[Path]:
    """Draw the table finder's lines, intersections and cells on every page; return the PNGs."""
    import pdfplumber

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            image = page.to_image(resolution=resolution)
            image.debug_tablefinder(TABLE_SETTINGS)
            target = out_dir / f"{path.stem}-p{page.page_number}.png"
            image.save(target)
            written.append(target)
    return written
