"""``.ofd`` (GB/T 33190, the national fixed-layout format) → :class:`Document`.

An OFD file is a zip of XML: ``OFD.xml`` names the document (``DocBody/DocRoot``), the
document's ``Document.xml`` lists its pages (``Pages/Page@BaseLoc``) and templates, and each
page's ``Content.xml`` holds layers of graphic objects, positioned in millimetres from the top
left of the page:

* ``TextObject@Boundary="x y w h"`` with ``TextCode@X/@Y`` (origin of the first glyph, baseline,
  relative to the boundary) and ``@DeltaX`` (advances; ``g 3 3.5`` repeats 3.5 three times);
* ``PathObject`` with ``AbbreviatedData`` (``M x y L x y …``, relative to its boundary): the
  ruling lines of tables;
* ``ImageObject@ResourceID`` → a ``MultiMedia`` in ``DocumentRes.xml``/``PublicRes.xml``: a scan.

We parse the XML directly instead of using a PyPI reader (``easyofd`` renders through PyMuPDF
and brings fonts and image libraries along just to get at text we can read from the XML).
Tables come from the ruling lines the same way :mod:`.ocr` builds them from a scan: the
horizontal and vertical segments are clustered into a grid, a missing segment between two
neighbouring cells is a merge, and each text run goes to the cell holding its centre. Text
outside tables is grouped into lines by baseline. A page with images and no text is rendered
from its images and sent through OCR (:func:`ingest.readers.ocr.ocr_page_image`).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ingest.document import Cell, Document, Paragraph, Table
from ingest.errors import CorruptFile, EmptyFile, IngestError, PageTooLarge, UnreadableScan
from ingest.readers.headings import heading_level
from ingest.readers.wrap import unwrap_cell

MAX_PART_BYTES = 64 * 2**20  # one part of the package, unpacked: a zip bomb stops here
MAX_SEGMENTS = 4000  # ruling segments per page; beyond that the page is a drawing, not a form
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
LINE_TOL = 0.6  # mm: segments closer than this are one ruling line
MIN_RULE = 2.0  # mm: shorter strokes are glyph parts or ticks, not table rules
OCR_DPI = 150
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class _Run:
    text: str
    x0: float
    x1: float
    base: float  # baseline y
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return self.base - self.size / 2


@dataclass
class _Page:
    number: int
    runs: list[_Run] = field(default_factory=list)
    hsegs: list[tuple[float, float, float]] = field(default_factory=list)  # y, x0, x1
    vsegs: list[tuple[float, float, float]] = field(default_factory=list)  # x, y0, y1
    images: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    box: tuple[float, float] = (210.0, 297.0)  # page width, height in mm


def read_ofd(path: Path, *, name: str | None = None) -> Document:
    name = name or path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise CorruptFile(f"OFD 压缩结构损坏 / broken OFD container: {e}", file=name) from e
    with archive:
        package = _OfdPackage(archive)
        try:
            pages = package.pages()
        except IngestError:
            raise
        except (KeyError, etree.XMLSyntaxError, ValueError, zipfile.BadZipFile) as e:
            raise CorruptFile(f"OFD 文件结构损坏 / broken OFD structure: {type(e).__name__}: {e}"[:300],
                              file=name) from e
        doc = Document(name=name, format="ofd", pages=len(pages))
        refused: PageTooLarge | None = None  # the last page or picture refused for its size
        for page in pages:
            if page.runs:
                _add_blocks(doc, page)
            elif page.images:
                refused = _ocr_page(doc, page, package) or refused
    if not doc.blocks:
        if refused is not None:  # the reason nothing was read is a page's or picture's size
            refused.file = name
            raise refused
        if any(p.images for p in pages):
            raise UnreadableScan("OFD 只有图片，且图片中未识别出文字 / the OFD holds only images and OCR found no text",
                                 file=name)
        raise EmptyFile("OFD 中没有文字 / no text in the OFD", file=name)
    return doc


class _OfdPackage:
    """Walks OFD.xml → Document.xml → pages, resolving the standard's relative locations."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {n.lstrip("/"): n for n in archive.namelist()}
        self.media: dict[str, str] = {}  # ResourceID → zip member, filled by pages()

    def xml(self, loc: str):
        member = self.names.get(loc.lstrip("/"))
        if member is None:
            raise CorruptFile(f"OFD 缺少部件 {loc} / missing part {loc}")
        return etree.fromstring(self.read(member), parser=_PARSER)

    def read(self, member: str) -> bytes:
        if self.archive.getinfo(member).file_size > MAX_PART_BYTES:
            raise CorruptFile(f"OFD 部件 {member} 解压后过大 / part {member} too large when unpacked")
        return self.archive.read(member)

    def pages(self) -> list[_Page]:
        root = self.xml("OFD.xml")
        doc_root = _first_text(root, "DocRoot")
        if not doc_root:
            raise CorruptFile("OFD.xml 中没有 DocRoot / no DocRoot in OFD.xml")
        doc_loc = doc_root.strip().lstrip("/")
        base = posixpath.dirname(doc_loc)
        document = self.xml(doc_loc)
        self.media = self._media(document, base)
        box = _page_box(document)
        templates = {t.get("ID"): self._resolve(base, t.get("BaseLoc", ""))
                     for t in _all(document, "TemplatePage")}
        out: list[_Page] = []
        for number, page_el in enumerate(_all(document, "Page"), start=1):
            loc = self._resolve(base, page_el.get("BaseLoc", ""))
            content = self.xml(loc)
            page = _Page(number=number, box=_page_box(content) or box or (210.0, 297.0))
            for tpl in _all(content, "Template"):
                tpl_loc = templates.get(tpl.get("TemplateID"))
                if tpl_loc:
                    _collect(self.xml(tpl_loc), page)
            _collect(content, page)
            out.append(page)
        return out

    def _resolve(self, base: str, loc: str) -> str:
        loc = loc.strip()
        if loc.startswith("/"):
            return loc.lstrip("/")
        return posixpath.normpath(posixpath.join(base, loc))

    def _media(self, document, base: str) -> dict[str, str]:
        """ResourceID → zip member of every MultiMedia in the document and public resources."""
        out: dict[str, str] = {}
        for tag in ("DocumentRes", "PublicRes"):
            for res_loc in (el.text for el in _all(document, tag) if el.text):
                loc = self._resolve(base, res_loc)
                if loc.lstrip("/") not in self.names:
                    continue
                res = self.xml(loc)
                res_base = self._resolve(posixpath.dirname(loc), res.get("BaseLoc", "") or ".")
                for mm in _all(res, "MultiMedia"):
                    media_file = _first_text(mm, "MediaFile")
                    if media_file:
                        out[mm.get("ID", "")] = self._resolve(res_base, media_file)
        return out


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _all(el, name: str) -> list:
    return [e for e in el.iter() if _local(e.tag) == name]


def _first_text(el, name: str) -> str | None:
    found = _all(el, name)
    return found[0].text if found else None


def _numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def _page_box(el) -> tuple[float, float] | None:
    box = _numbers(_first_text(el, "PhysicalBox"))
    return (box[2], box[3]) if len(box) == 4 else None


def _deltas(spec: str | None) -> list[float]:
    """``DeltaX`` with the ``g n d`` repetition expanded."""
    tokens = (spec or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out.extend([float(tokens[i + 2])] * int(float(tokens[i + 1])))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _collect(content, page: _Page) -> None:
    """Text runs, ruling segments and images of one page (or template) content."""
    for obj in content.iter():
        kind = _local(obj.tag)
        if kind == "TextObject":
            # CTM (scaling/rotation of text) is not applied: forms are written upright
            bx, by = (_numbers(obj.get("Boundary")) + [0.0, 0.0])[:2]
            size = float(obj.get("Size") or 3.5)
            for code in (c for c in obj if _local(c.tag) == "TextCode"):
                text = (code.text or "").strip()
                if not text:
                    continue
                x = bx + float(code.get("X") or 0)
                base = by + float(code.get("Y") or size)
                advance = sum(_deltas(code.get("DeltaX"))[: max(0, len(text) - 1)])
                if not code.get("DeltaX"):
                    advance = size * (len(text) - 1)
                page.runs.append(_Run(text, x, x + advance + size, base, size))
        elif kind == "PathObject":
            _segments(obj, page)
        elif kind == "ImageObject":
            b = _numbers(obj.get("Boundary"))
            if len(b) == 4:
                page.images.append((obj.get("ResourceID", ""), (b[0], b[1], b[2], b[3])))


def _segments(obj, page: _Page) -> None:
    boundary = _numbers(obj.get("Boundary"))
    if len(boundary) != 4:
        return
    bx, by, bw, bh = boundary
    data = _first_text(obj, "AbbreviatedData")
    if data:
        points: list[tuple[str, float, float]] = []
        tokens = data.split()
        i = 0
        while i < len(tokens):
            op = tokens[i]
            if op in ("M", "L") and i + 2 < len(tokens):
                points.append((op, bx + float(tokens[i + 1]), by + float(tokens[i + 2])))
                i += 3
            else:
                i += 1
        for (_, x0, y0), (op, x1, y1) in zip(points, points[1:], strict=False):
            if op == "L":
                _add_segment(page, x0, y0, x1, y1)
    elif bw <= LINE_TOL or bh <= LINE_TOL:  # a rule drawn as a thin filled box
        _add_segment(page, bx, by, bx + bw, by + bh)


def _add_segment(page: _Page, x0: float, y0: float, x1: float, y1: float) -> None:
    if abs(y1 - y0) <= LINE_TOL and abs(x1 - x0) >= MIN_RULE:
        page.hsegs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= LINE_TOL and abs(y1 - y0) >= MIN_RULE:
        page.vsegs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


# ------------------------------------------------------------------------------- layout


@dataclass
class _Grid:
    xs: list[float]
    ys: list[float]
    hsegs: list[tuple[float, float, float]]
    vsegs: list[tuple[float, float, float]]

    def has_v(self, x: float, y0: float, y1: float) -> bool:
        mid = (y0 + y1) / 2
        return any(abs(sx - x) <= LINE_TOL and a - LINE_TOL <= mid <= b + LINE_TOL for sx, a, b in self.vsegs)

    def has_h(self, y: float, x0: float, x1: float) -> bool:
        mid = (x0 + x1) / 2
        return any(abs(sy - y) <= LINE_TOL and a - LINE_TOL <= mid <= b + LINE_TOL for sy, a, b in self.hsegs)

    def contains(self, run: _Run) -> bool:
        return self.xs[0] <= run.cx <= self.xs[-1] and self.ys[0] <= run.cy <= self.ys[-1]


def _cluster(values: list[float]) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= LINE_TOL:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _grids(page: _Page) -> list[_Grid]:
    """One grid per group of touching ruling segments."""
    segs = [("h", s) for s in page.hsegs] + [("v", s) for s in page.vsegs]
    parent = list(range(len(segs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def touch(a, b) -> bool:
        (ka, sa), (kb, sb) = a, b
        if ka == kb:
            return abs(sa[0] - sb[0]) <= LINE_TOL and sa[1] <= sb[2] + LINE_TOL and sb[1] <= sa[2] + LINE_TOL
        h, v = (sa, sb) if ka == "h" else (sb, sa)
        return h[1] - LINE_TOL <= v[0] <= h[2] + LINE_TOL and v[1] - LINE_TOL <= h[0] <= v[2] + LINE_TOL

    for i in range(len(segs)):
        for j in range(i + 1, len(segs)):
            if touch(segs[i], segs[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list] = {}
    for i, seg in enumerate(segs):
        groups.setdefault(find(i), []).append(seg)
    out = []
    for group in groups.values():
        hs = [s for k, s in group if k == "h"]
        vs = [s for k, s in group if k == "v"]
        xs, ys = _cluster([s[0] for s in vs]), _cluster([s[0] for s in hs])
        if len(xs) >= 2 and len(ys) >= 2:
            out.append(_Grid(xs, ys, hs, vs))
    return sorted(out, key=lambda g: g.ys[0])


def _add_blocks(doc: Document, page: _Page) -> None:
    if len(page.hsegs) + len(page.vsegs) > MAX_SEGMENTS:  # grouping is quadratic in the segments
        doc.warnings.append(f"第{page.number}页线条过多，未识别表格 / page {page.number}: too many lines for tables")
        grids = []
    else:
        grids = _grids(page)
    in_grid: list[list[_Run]] = [[] for _ in grids]
    free: list[_Run] = []
    for run in page.runs:
        for k, grid in enumerate(grids):
            if grid.contains(run):
                in_grid[k].append(run)
                break
        else:
            free.append(run)
    items: list[tuple[float, float, object]] = [(g.ys[0], g.xs[0], (g, runs)) for g, runs in zip(grids, in_grid,
                                                                                                  strict=True)]
    items.extend((line[0].base, line[0].x0, line) for line in _lines(free))
    items.sort(key=lambda it: (it[0], it[1]))
    for _, _, payload in items:
        if isinstance(payload, tuple):
            grid, runs = payload
            index = len(doc.tables)
            doc.blocks.append(_table(grid, runs, index, len(doc.blocks), page.number))
        else:
            text = _join(payload)
            doc.blocks.append(Paragraph(text=text, index=len(doc.blocks), page=page.number,
                                        heading_level=heading_level(text)))


def _lines(runs: list[_Run]) -> list[list[_Run]]:
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.base, r.x0)):
        if lines and abs(run.base - lines[-1][0].base) <= 0.4 * max(run.size, lines[-1][0].size):
            lines[-1].append(run)
        else:
            lines.append([run])
    return [sorted(line, key=lambda r: r.x0) for line in lines]


def _join(line: list[_Run]) -> str:
    out = line[0].text
    for prev, run in zip(line, line[1:], strict=False):
        out += (" " if run.x0 - prev.x1 > 0.8 * max(prev.size, run.size) else "") + run.text
    return out.strip()


def _table(grid: _Grid, runs: list[_Run], index: int, block: int, page: int) -> Table:
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    # owner[r][c]: the origin of the merged region (r, c) belongs to
    owner = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    for r in range(n_rows):
        for c in range(n_cols):
            if c > 0 and not grid.has_v(grid.xs[c], grid.ys[r], grid.ys[r + 1]):
                owner[r][c] = owner[r][c - 1]
            elif r > 0 and not grid.has_h(grid.ys[r], grid.xs[c], grid.xs[c + 1]):
                owner[r][c] = owner[r - 1][c]
    texts: dict[tuple[int, int], list[_Run]] = {}
    for run in runs:
        r = _slot(grid.ys, run.cy)
        c = _slot(grid.xs, run.cx)
        if r is not None and c is not None:
            texts.setdefault(owner[r][c], []).append(run)
    spans: dict[tuple[int, int], list[int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            o = owner[r][c]
            span = spans.setdefault(o, [1, 1])
            span[0] = max(span[0], r - o[0] + 1)
            span[1] = max(span[1], c - o[1] + 1)
    rows: list[list[Cell]] = []
    for r in range(n_rows):
        row = []
        for c in range(n_cols):
            o = owner[r][c]
            text = unwrap_cell("\n".join(_join(line) for line in _lines(texts.get(o, []))))
            if o == (r, c):
                rs, cs = spans[o]
                row.append(Cell(text, r, c, rowspan=rs, colspan=cs, page=page))
            else:
                row.append(Cell(text, r, c, merged=True, page=page))
        rows.append(row)
    return Table(index=index, rows=rows, page=page, block=block)


def _slot(lines: list[float], v: float) -> int | None:
    for i in range(len(lines) - 1):
        if lines[i] <= v <= lines[i + 1]:
            return i
    return None


# ------------------------------------------------------------------------------- scans


def _ocr_page(doc: Document, page: _Page, package: _OfdPackage) -> PageTooLarge | None:
    """Paste the page's images onto a white page at :data:`OCR_DPI` (less for a page that would
    exceed the pixel budget; none for an absurdly large page) and OCR it. Returns the refusal
    when the page or one of its pictures was too large."""
    from PIL import Image

    from assistant.settings import get_settings
    from ingest.readers.ocr import ocr_page_image  # imported here: onnxruntime is slow to load
    from ingest.readers.ocr.image import PT_PER_MM, open_capped, render_scale

    budget = get_settings().max_page_pixels
    try:
        px_per_pt = render_scale(page.box[0] * PT_PER_MM, page.box[1] * PT_PER_MM, OCR_DPI, budget)
    except PageTooLarge as e:
        doc.warnings.append(f"第{page.number}页未识别 / page {page.number} not read: {e}")
        return e
    px = px_per_pt * PT_PER_MM
    canvas = Image.new("RGB", (max(1, round(page.box[0] * px)), max(1, round(page.box[1] * px))), "white")
    pasted = False
    refused: PageTooLarge | None = None
    for resource_id, (x, y, w, h) in page.images:
        member = package.names.get(package.media.get(resource_id, "").lstrip("/"))
        if member is None:
            continue
        try:
            size = (max(1, round(w * px)), max(1, round(h * px)))
            if size[0] * size[1] > budget:  # placed far bigger than the page: would not fit anyway
                raise PageTooLarge(f"图片放置尺寸 {w:.0f}×{h:.0f} 毫米，超出页面")
            with open_capped(package.read(member), budget) as im:
                canvas.paste(im.convert("RGB").resize(size), (round(x * px), round(y * px)))
            pasted = True
        except (OSError, KeyError, ValueError, CorruptFile, PageTooLarge, Image.DecompressionBombError) as e:
            doc.warnings.append(f"第{page.number}页图片无法读取 / page {page.number} image unreadable: {e}")
            if isinstance(e, PageTooLarge):
                refused = e
    if not pasted:
        return refused
    blocks = ocr_page_image(canvas, page.number, len(doc.tables), len(doc.blocks), dpi=px_per_pt * 72)
    for block in blocks:
        if isinstance(block, Table):
            block.ocr = True
        doc.blocks.append(block)
    if blocks:
        doc.scanned = True
    return refused

