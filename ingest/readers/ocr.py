"""OCR for page images that have no text layer (scanned PDF pages).

``ocr_page_image`` turns one rendered page into blocks in reading order: a :class:`Table` for
every ruled table and a :class:`Paragraph` for every line of text outside tables.

Table structure comes from the ruling lines in the image, never from guessing at text
positions: ink is binarised, long horizontal/vertical runs are kept by morphological opening,
line positions are clustered into a grid, and a merge is a missing line segment between two
neighbouring grid cells. OCR runs once on the whole page and every recognised text box goes to
the cell that contains its centre. Only when a page has no ruling lines at all do we rebuild a
table from text geometry, and only when at least three columns line up.

OCR quirks measured with the bundled PP-OCRv4 models (rapidocr-onnxruntime 1.4.4, 150 dpi):

* full-width ``％`` is read as ASCII ``%`` and ``＞`` as ``>``; we keep what the model says.
* ``≥``/``≧`` are read as ``≥``, sometimes with a space before the number (``≥ 98%``); the space
  is removed (``_normalise``).
* a leading ``≥`` is often read as ``2`` (``≥46台`` → ``246台``), once as ``>``; a lone ≥/≤ in
  a cell is dropped or read as ``2``, ``>`` or ``<``. All are recovered from the glyph's shape
  (:mod:`ingest.readers.signs`), never from the text alone: ``246`` is a valid number. At ≈ 8 pt
  ``≤5%`` once came back as garbage; that is not recovered.
* an em dash ``—`` alone in a cell is read as ``一``; left as is, since ``一`` is also a real
  ordinal in 序号 columns.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

from ingest.document import Block, Cell, Paragraph, Table
from ingest.readers.headings import heading_level
from ingest.readers.signs import comparison_sign, ink_height, leading_sign, lone_sign
from ingest.readers.wrap import unwrap_cell

if TYPE_CHECKING:
    from rapidocr_onnxruntime import RapidOCR

MAX_SIDE = 2000  # px; bigger pages are scaled down first (RapidOCR would do it anyway)

# Thresholds in PDF points so that they mean the same at any dpi.
_H_KERNEL_PT = 12.0  # horizontal run kept as a line: longer than one CJK character at 10.5 pt
_V_KERNEL_PT = 8.0  # vertical run: shorter than the lowest table row (text strokes are filtered later)
_LINE_TOL_PT = 3.0  # line positions closer than this are one line (thick or doubled rules)
_MAX_SIGN_PT = 14.0  # a lone ≥/≤ is one character high at table text sizes
_MIN_TABLE_W_PT = 60.0
_MIN_TABLE_H_PT = 20.0
_ROW_LINE_COVER = 0.4  # a row line runs along at least 40 % of the table width
_COL_LINE_COVER = 0.8  # a column line crosses at least 80 % of one row band
_SEGMENT_COVER = 0.9  # a line segment between two cells is "present" above this coverage (a CJK stroke
#   on the line's x can cover 70 % of a short row band; a real rule runs the whole band)

_engine: RapidOCR | None = None
_engine_lock = threading.Lock()  # one model load, and one OCR at a time: onnxruntime already uses all cores


def get_engine() -> RapidOCR:
    """The process-wide RapidOCR engine, created on first use (the model load takes a second or two)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR  # imported late: onnxruntime is slow to import

            _engine = RapidOCR()
        return _engine


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class TextBox:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Grid:
    """A ruled table: line positions in image pixels and which cells each grid cell belongs to.

    ``owner[r][c]`` is the (row, col) of the merge origin covering grid cell (r, c);
    ``spans[(r, c)]`` is the (rowspan, colspan) of each origin.
    """

    xs: list[int]
    ys: list[int]
    owner: list[list[tuple[int, int]]] = field(default_factory=list)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    v_present: np.ndarray | None = None  # [row band, x line]: the vertical rule is drawn there

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def _row(self, y: float) -> int:
        return min(max(int(np.searchsorted(self.ys, y, side="right")) - 1, 0), self.n_rows - 1)

    def cell_at(self, x: float, y: float) -> tuple[int, int]:
        c = min(max(int(np.searchsorted(self.xs, x, side="right")) - 1, 0), self.n_cols - 1)
        return self.owner[self._row(y)][c]

    def rules_inside(self, box: TextBox, margin: float) -> list[int]:
        """x of drawn vertical rules that cut through ``box`` (well inside it, not at its edge)."""
        r = self._row(box.cy)
        return [x for j, x in enumerate(self.xs)
                if box.x0 + margin < x < box.x1 - margin
                and (self.v_present is None or self.v_present[r, j])]


# ----------------------------------------------------------------------------- entry point


def ocr_page_image(
    image: Image.Image,
    page_number: int,
    first_table_index: int,
    first_block_index: int,
    *,
    dpi: int = 150,
) -> list[Block]:
    """OCR one rendered page and return its blocks in reading order.

    ``dpi`` is the resolution the page was rendered at; cell bboxes are returned in PDF points.
    Tables are numbered from ``first_table_index`` and blocks from ``first_block_index``.
    """
    if min(image.size) == 0:
        return []
    rgb, scale = _prepare(image)
    px_per_pt = dpi * scale / 72
    grids = find_grids(rgb, px_per_pt=px_per_pt)
    tol = max(2, round(_LINE_TOL_PT * px_per_pt))
    gray = np.asarray(rgb.convert("L"))
    ink = binarise(gray) > 0
    boxes = _split_at_rules(rgb, run_ocr(rgb), grids, tol)
    boxes = [_restore_leading_sign(rgb, ink, box) for box in boxes]

    in_cells, free = _assign_boxes(boxes, grids)
    digit_height = _digit_height(ink, boxes)
    _read_empty_cells(rgb, gray, grids, in_cells, tol, px_per_pt, digit_height)
    _restore_lone_signs(ink, in_cells, digit_height)

    # Reading order is top to bottom; each item is (top, left, kind, payload).
    items: list[tuple[float, float, str, object]] = [
        (grid.ys[0], grid.xs[0], "grid", (grid, cells)) for grid, cells in zip(grids, in_cells, strict=True)
    ]
    lines = group_lines(free)
    if not grids:  # rebuild tables from text geometry only on pages without any rules
        lines, runs = _split_text_tables(lines)
        items.extend((_top(b for ln in run for b in ln), run[0][0].x0, "text_table", run) for run in runs)
    items.extend((_top(line), line[0].x0, "line", line) for line in lines)
    items.sort(key=lambda it: (it[0], it[1]))
    return _blocks(items, page_number, first_table_index, first_block_index, px_per_pt)


def _top(boxes) -> float:
    return min(b.y0 for b in boxes)


def _assign_boxes(
    boxes: list[TextBox], grids: list[Grid]
) -> tuple[list[dict[tuple[int, int], list[TextBox]]], list[TextBox]]:
    """Boxes per merge origin of each grid (by box centre), and the boxes outside every grid."""
    in_cells: list[dict[tuple[int, int], list[TextBox]]] = [{} for _ in grids]
    free: list[TextBox] = []
    for box in boxes:
        g = next((i for i, grid in enumerate(grids) if grid.contains(box.cx, box.cy)), None)
        if g is None:
            free.append(box)
        else:
            in_cells[g].setdefault(grids[g].cell_at(box.cx, box.cy), []).append(box)
    return in_cells, free


def _read_empty_cells(rgb: Image.Image, gray: np.ndarray, grids: list[Grid],
                      in_cells: list[dict[tuple[int, int], list[TextBox]]], tol: int, px_per_pt: float,
                      digit_height: float | None) -> None:
    """Give cells with ink but no text what they hold: a comparison sign, or a lone number.

    The PP-OCR models neither detect nor recognise a lone ≥ or ≤ (measured: the 指标性质 column
    of a Sichuan scan came back empty or as ">"), and a lost sign turns "≥90%" into "90%". The
    sign is told from its shape instead (:func:`ingest.readers.signs.comparison_sign`). The
    detector also misses a lone digit in a tall cell (measured: a 分值 "7" beside a four-line
    cell, which the recogniser reads at 0.99 once it is cut out).
    """
    margin = tol + 2
    max_glyph = _MAX_SIGN_PT * px_per_pt
    for grid, cells in zip(grids, in_cells, strict=True):
        for (r, c), (rs, cs) in grid.spans.items():
            if (r, c) in cells:
                continue
            x0, x1 = grid.xs[c] + margin, grid.xs[c + cs] - margin
            y0, y1 = grid.ys[r] + margin, grid.ys[r + rs] - margin
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            ink = binarise(gray[y0:y1, x0:x1]) > 0
            sign = comparison_sign(ink, max_glyph)
            if sign:
                cells[(r, c)] = [TextBox(sign, x0, y0, x1, y1)]
            elif digit_height is not None and (number := _lone_number(rgb, ink, x0, y0, digit_height)):
                cells[(r, c)] = [number]


def _lone_number(rgb: Image.Image, ink: np.ndarray, x0: int, y0: int, digit_height: float) -> TextBox | None:
    """The number a cell's ink (its top-left at ``x0, y0`` on the page) reads as, if it is one line
    of digit height; cut out with some white around it, as the detector would."""
    ys, xs = np.nonzero(ink)
    if not len(ys) or not 0.6 * digit_height <= ys.max() + 1 - ys.min() <= 1.5 * digit_height:
        return None
    pad = round(digit_height / 2)
    box = TextBox("", x0 + xs.min() - pad, y0 + ys.min() - pad, x0 + xs.max() + 1 + pad, y0 + ys.max() + 1 + pad)
    text = _recognise(rgb.crop((round(box.x0), round(box.y0), round(box.x1), round(box.y1))))
    return replace(box, text=text) if _NUMBER.fullmatch(text) else None


def _blocks(
    items: list[tuple[float, float, str, object]],
    page: int,
    first_table_index: int,
    first_block_index: int,
    px_per_pt: float,
) -> list[Block]:
    blocks: list[Block] = []
    table_index = first_table_index
    for _, _, kind, payload in items:
        block_index = first_block_index + len(blocks)
        if kind == "grid":
            grid, cells = payload
            blocks.append(_grid_table(grid, cells, table_index, block_index, page, px_per_pt))
            table_index += 1
        elif kind == "text_table":
            blocks.append(_text_table(payload, table_index, block_index, page, px_per_pt))
            table_index += 1
        else:
            text = join_line(payload)
            blocks.append(Paragraph(text=text, index=block_index, page=page, heading_level=heading_level(text)))
    return blocks


def _prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """RGB copy capped to MAX_SIDE px on the long side, and the scale applied."""
    rgb = image.convert("RGB")
    scale = min(1.0, MAX_SIDE / max(rgb.size))
    if scale < 1.0:
        size = (round(rgb.width * scale), round(rgb.height * scale))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    return rgb, scale


def run_ocr(rgb: Image.Image) -> list[TextBox]:
    """Recognised text boxes on the page (axis-aligned, image pixels), empty text dropped."""
    engine = get_engine()
    with _engine_lock:
        # No angle classifier: pages arrive upright from the PDF renderer, and on short numbers
        # it does harm (measured: "93%" classified as upside down and read as "%6").
        result, _ = engine(rgb, use_cls=False)
    boxes = []
    for quad, text, _score in result or []:
        text = _normalise(text)
        if not text:
            continue
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        boxes.append(TextBox(text, min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _recognise(crop: Image.Image) -> str:
    """Recognition only (no detection) of one text line already cut out of the page."""
    engine = get_engine()
    with _engine_lock:
        result, _ = engine(crop, use_det=False, use_cls=False)
    text, score = result[0] if result else ("", 0.0)
    return _normalise(text) if score >= 0.5 else ""


def _split_at_rules(rgb: Image.Image, boxes: list[TextBox], grids: list[Grid], tol: int) -> list[TextBox]:
    """Re-read text boxes that run across a cell border, one piece per cell.

    The detector happily joins text on both sides of a thin rule into one line (measured:
    "全年预算数全年执行数" across two header cells), which would put both cells' text in one.
    """
    out = []
    for box in boxes:
        grid = next((g for g in grids if g.contains(box.cx, box.cy)), None)
        cuts = grid.rules_inside(box, 2 * tol) if grid else []
        if not cuts:
            out.append(box)
            continue
        edges = [box.x0, *cuts, box.x1]
        for a, b in zip(edges, edges[1:], strict=False):
            left = a if a == box.x0 else a + tol  # keep the rule itself out of the crop
            right = b if b == box.x1 else b - tol
            if right - left < 0.5 * box.height:
                continue
            text = _recognise(rgb.crop((round(left), round(box.y0), round(right), round(box.y1))))
            if text:
                out.append(TextBox(text, left, box.y0, right, box.y1))
    return out


# What PP-OCR made of a comparison sign, and the sign it stands for. Measured: "2" and ">" for ≥
# (leading or alone in a cell), "<" for a lone ≤ (the sign without its bar); "Z" looks like "2".
_MISREAD_SIGN = {"2": "≥", "Z": "≥", "z": "≥", ">": "≥", "＞": "≥", "<": "≤", "＜": "≤"}


def _restore_leading_sign(rgb: Image.Image, ink: np.ndarray, box: TextBox) -> TextBox:
    """Put back a leading ≥/≤ the model misread or skipped, when the glyph's shape says so.

    Misread: the sign came back as a look-alike ("≥6年" → "26年"). Skipped: the box holds the
    sign's ink but the text starts at the number (measured: "≥95%" → "95%", "≥2550人" → "2550人").
    The text after the sign is re-read without it and must agree with the first reading, minus
    the look-alike or whole, so a shape test gone wrong cannot invent or drop digits.
    """
    first, text = box.text[:1], box.text
    misread = _MISREAD_SIGN.get(first) if text[1:2].isdigit() else None
    if misread is None and not first.isdigit():
        return box
    found = leading_sign(_crop(ink, box))
    if found is None:
        return box
    x0 = round(box.x0) + found.end
    rest = _recognise(rgb.crop((x0, round(box.y0), round(box.x1), round(box.y1))))
    if rest == text or (rest == text[1:] and found.sign == misread):
        return replace(box, text=found.sign + rest)
    return box


def _restore_lone_signs(ink: np.ndarray, in_cells: list[dict[tuple[int, int], list[TextBox]]],
                        digit_height: float | None) -> None:
    """Put back a cell's lone ≥/≤ that the model read as another character.

    Measured on Sichuan scans: of six lone signs in the 指标性质 column, two came back as "2", one
    as ">" and three as "<". A real lone "2" (a score) has the same bar and bulge as ≥, so the
    glyph must also be shorter than the page's digits.
    """
    if digit_height is None:
        return
    for cells in in_cells:
        for origin, boxes in cells.items():
            if len(boxes) != 1 or boxes[0].text not in _MISREAD_SIGN:
                continue
            if lone_sign(_crop(ink, boxes[0]), digit_height) == _MISREAD_SIGN[boxes[0].text]:
                cells[origin] = [replace(boxes[0], text=_MISREAD_SIGN[boxes[0].text])]


_NUMBER = re.compile(r"\d[\d.,]*%?")


def _digit_height(ink: np.ndarray, boxes: list[TextBox]) -> float | None:
    """Median ink height of the page's plain numbers (a digit's height), None without any."""
    heights = [ink_height(_crop(ink, b)) for b in boxes if len(b.text) >= 2 and _NUMBER.fullmatch(b.text)]
    return float(np.median(heights)) if heights else None


def _crop(ink: np.ndarray, box: TextBox) -> np.ndarray:
    return ink[round(box.y0):round(box.y1), round(box.x0):round(box.x1)]


_SPACED_COMPARATOR = re.compile(r"([≥≤><])\s+(?=[\d.])")


def _normalise(text: str) -> str:
    """Only corrections that cannot change meaning: see the module docstring for what is left alone."""
    return _SPACED_COMPARATOR.sub(r"\1", text.strip())


# ----------------------------------------------------------------------------- ruling lines


def find_grids(image: Image.Image, *, px_per_pt: float = 150 / 72) -> list[Grid]:
    """Ruled tables on a page image, top to bottom, with merges resolved."""
    gray = np.asarray(image.convert("L"))
    ink = binarise(gray)
    h_mask, v_mask = _line_masks(ink, px_per_pt)
    tol = max(2, round(_LINE_TOL_PT * px_per_pt))
    grids = []
    for x0, y0, x1, y1 in _table_regions(h_mask, v_mask, px_per_pt):
        grid = _region_grid(h_mask, v_mask, (x0, y0, x1, y1), tol)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def binarise(gray: np.ndarray) -> np.ndarray:
    # Adaptive rather than global threshold: scans have uneven, greyish backgrounds and faint rules.
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _line_masks(ink: np.ndarray, px_per_pt: float) -> tuple[np.ndarray, np.ndarray]:
    """Ink that belongs to long horizontal / vertical runs (opening erases text strokes)."""
    kh = max(15, round(_H_KERNEL_PT * px_per_pt))
    kv = max(9, round(_V_KERNEL_PT * px_per_pt))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kh, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    # A pixel of slack across the line direction, so slightly skewed or broken scans still line up.
    h = cv2.dilate(h, np.ones((3, 1), np.uint8))
    v = cv2.dilate(v, np.ones((1, 3), np.uint8))
    return h > 0, v > 0


def _table_regions(h: np.ndarray, v: np.ndarray, px_per_pt: float) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of connected line networks big enough to be a table."""
    both = ((h | v) * 255).astype(np.uint8)
    both = cv2.dilate(both, np.ones((5, 5), np.uint8))  # bridge small gaps where rules meet
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    regions = []
    for x, y, w, hh, _area in stats[1:n]:
        if w >= _MIN_TABLE_W_PT * px_per_pt and hh >= _MIN_TABLE_H_PT * px_per_pt:
            regions.append((int(x), int(y), int(x + w), int(y + hh)))
    return regions


def _clusters(positions: list[float], tol: int) -> list[int]:
    """Merge sorted positions closer than ``tol`` into their mean."""
    out: list[list[float]] = []
    for p in sorted(positions):
        if out and p - out[-1][-1] <= tol:
            out[-1].append(p)
        else:
            out.append([p])
    return [round(sum(c) / len(c)) for c in out]


def _runs(flags: np.ndarray) -> list[float]:
    """Centres of runs of True in a 1-D array."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    return [(s + e) / 2 for s, e in zip(starts, ends, strict=True)]


def _region_grid(h: np.ndarray, v: np.ndarray, region: tuple[int, int, int, int], tol: int) -> Grid | None:
    x0, y0, x1, y1 = region
    row_cover = h[y0:y1, x0:x1].mean(axis=1)
    ys = [y0 + round(p) for p in _clusters(_runs(row_cover >= _ROW_LINE_COVER), tol)]
    ys = _with_edges(ys, y0, y1, tol)
    xs = _column_lines(v, ys, x0, x1, tol)
    xs = _with_edges(xs, x0, x1, tol)
    if len(ys) < 2 or len(xs) < 2 or (len(ys) - 1) * (len(xs) - 1) < 2:
        return None  # an underline or a single framed box is not a table
    v_present = _v_segments(v, xs, ys, tol)
    h_present = _h_segments(h, xs, ys, tol)
    owner, spans = _resolve_spans(v_present, h_present)
    return Grid(xs=xs, ys=ys, owner=owner, spans=spans, v_present=v_present)


def _with_edges(lines: list[int], lo: int, hi: int, tol: int) -> list[int]:
    """Add the region edge when a table has no outer rule on that side (open-sided tables)."""
    if not lines or lines[0] - lo > 2 * tol:
        lines = [lo, *lines]
    if hi - lines[-1] > 2 * tol:
        lines = [*lines, hi]
    return lines


def _band(a: int, b: int, tol: int) -> slice:
    """Interior of the band between two lines, clear of the lines' own thickness."""
    return slice(a + tol, max(a + tol + 1, b - tol))


def _column_lines(v: np.ndarray, ys: list[int], x0: int, x1: int, tol: int) -> list[int]:
    """x of vertical rules that cross at least one whole row band.

    Requiring a full band is what separates rules from text strokes: a character never touches
    both the line above and the line below its cell.
    """
    found: list[float] = []
    for a, b in zip(ys, ys[1:], strict=False):
        cover = v[_band(a, b, tol), x0:x1].mean(axis=0)
        found.extend(x0 + c for c in _runs(cover >= _COL_LINE_COVER))
    return _clusters(found, tol)


def _v_segments(v: np.ndarray, xs: list[int], ys: list[int], tol: int) -> np.ndarray:
    """present[r, j]: a vertical rule at xs[j] runs through row band r."""
    present = np.zeros((len(ys) - 1, len(xs)), dtype=bool)
    for r, (a, b) in enumerate(zip(ys, ys[1:], strict=False)):
        cover = v[_band(a, b, tol), :].mean(axis=0)
        for j, x in enumerate(xs):
            present[r, j] = cover[max(0, x - tol): x + tol + 1].max(initial=0) >= _SEGMENT_COVER
    return present


def _h_segments(h: np.ndarray, xs: list[int], ys: list[int], tol: int) -> np.ndarray:
    """present[i, c]: a horizontal rule at ys[i] runs along column band c."""
    present = np.zeros((len(ys), len(xs) - 1), dtype=bool)
    for i, y in enumerate(ys):
        cover = h[max(0, y - tol): y + tol + 1, :].mean(axis=0)
        for c, (a, b) in enumerate(zip(xs, xs[1:], strict=False)):
            present[i, c] = (cover[_band(a, b, tol)] > 0).mean() >= _SEGMENT_COVER
    return present


def _resolve_spans(
    v_present: np.ndarray, h_present: np.ndarray
) -> tuple[list[list[tuple[int, int]]], dict[tuple[int, int], tuple[int, int]]]:
    """Greedy rectangles: grow right while the rule between cells is missing, then down.

    Growing down needs the rule missing under every column of the span and no rule inside the
    span in the new row, so a merge is always a rectangle even when the scan is noisy.
    """
    n_rows, n_cols = v_present.shape[0], h_present.shape[1]
    owner: list[list[tuple[int, int] | None]] = [[None] * n_cols for _ in range(n_rows)]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            if owner[r][c] is not None:
                continue
            cs = 1
            while c + cs < n_cols and owner[r][c + cs] is None and not v_present[r, c + cs]:
                cs += 1
            rs = 1
            while r + rs < n_rows and _can_extend_down(owner, v_present, h_present, r + rs, c, cs):
                rs += 1
            for dr in range(rs):
                for dc in range(cs):
                    owner[r + dr][c + dc] = (r, c)
            spans[(r, c)] = (rs, cs)
    return owner, spans  # type: ignore[return-value]


def _can_extend_down(owner, v_present, h_present, row: int, c: int, cs: int) -> bool:
    cols = range(c, c + cs)
    return (
        all(owner[row][k] is None and not h_present[row, k] for k in cols)
        and not any(v_present[row, k] for k in range(c + 1, c + cs))
    )


# ----------------------------------------------------------------------------- text


def group_lines(boxes: list[TextBox]) -> list[list[TextBox]]:
    """Boxes grouped into visual lines by vertical overlap, top to bottom, each left to right."""
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines and _same_line(lines[-1], box):
            lines[-1].append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _same_line(line: list[TextBox], box: TextBox) -> bool:
    top = min(b.y0 for b in line)
    bottom = max(b.y1 for b in line)
    overlap = min(bottom, box.y1) - max(top, box.y0)
    return overlap >= 0.5 * min(box.height, bottom - top)


def join_line(line: list[TextBox]) -> str:
    """One visual line; a space only where the gap is wide (the detector split on whitespace)."""
    out = line[0].text
    for prev, box in zip(line, line[1:], strict=False):
        gap = box.x0 - prev.x1
        out += (" " if gap > 0.5 * min(prev.height, box.height) else "") + box.text
    return out


def cell_text(boxes: list[TextBox]) -> str:
    # Lines are the cell's wrapping, not paragraphs: join them back (numbers included).
    return unwrap_cell("\n".join(join_line(line) for line in group_lines(boxes)))


# ----------------------------------------------------------------------------- tables


def _bbox(x0: float, y0: float, x1: float, y1: float, px_per_pt: float) -> tuple[float, float, float, float]:
    return (round(x0 / px_per_pt, 2), round(y0 / px_per_pt, 2),
            round(x1 / px_per_pt, 2), round(y1 / px_per_pt, 2))


def _grid_table(
    grid: Grid,
    cells: dict[tuple[int, int], list[TextBox]],
    index: int,
    block: int,
    page: int,
    px_per_pt: float,
) -> Table:
    texts = {origin: cell_text(boxes) for origin, boxes in cells.items()}
    rows: list[list[Cell]] = []
    for r in range(grid.n_rows):
        row = []
        for c in range(grid.n_cols):
            origin = grid.owner[r][c]
            if origin == (r, c):
                rs, cs = grid.spans[origin]
                box = _bbox(grid.xs[c], grid.ys[r], grid.xs[c + cs], grid.ys[r + rs], px_per_pt)
                row.append(Cell(text=texts.get(origin, ""), row=r, col=c, rowspan=rs, colspan=cs,
                                page=page, bbox=box))
            else:
                box = _bbox(grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1], px_per_pt)
                row.append(Cell(text=texts.get(origin, ""), row=r, col=c, merged=True, page=page, bbox=box))
        rows.append(row)
    return Table(index=index, rows=rows, page=page, block=block, ocr=True)


def _split_text_tables(
    lines: list[list[TextBox]],
) -> tuple[list[list[TextBox]], list[list[list[TextBox]]]]:
    """Unruled tables: runs of consecutive multi-box lines whose boxes line up in ≥ 3 columns."""
    runs: list[list[list[TextBox]]] = []
    for line in lines:
        prev = runs[-1] if runs else None
        if prev and len(line) >= 2 and len(prev[-1]) >= 2 and _close_below(prev[-1], line):
            prev.append(line)
        else:
            runs.append([line])
    rest: list[list[TextBox]] = []
    tables: list[list[list[TextBox]]] = []
    for run in runs:
        if len(run) >= 2 and _text_columns(run):
            tables.append(run)
        else:
            rest.extend(run)
    return rest, tables


def _close_below(prev: list[TextBox], line: list[TextBox]) -> bool:
    h = max(b.height for b in prev)
    return min(b.y0 for b in line) - max(b.y1 for b in prev) <= 1.5 * h


def _text_columns(run: list[list[TextBox]]) -> list[tuple[float, float]]:
    """Column intervals from the x-projection of all boxes; a column needs boxes from ≥ 2 lines."""
    boxes = sorted((b for line in run for b in line), key=lambda b: b.x0)
    gap = 0.5 * float(np.median([b.height for b in boxes]))
    spans: list[list[float]] = []
    for b in boxes:
        if spans and b.x0 - spans[-1][1] <= gap:
            spans[-1][1] = max(spans[-1][1], b.x1)
        else:
            spans.append([b.x0, b.x1])
    support = [sum(any(a <= b.cx <= z for b in line) for line in run) for a, z in spans]
    if sum(s >= 2 for s in support) < 3:
        return []
    return [(a, z) for a, z in spans]  # unsupported spans stay: they are real, if ragged, columns


def _text_table(
    run: list[list[TextBox]], index: int, block: int, page: int, px_per_pt: float
) -> Table:
    columns = _text_columns(run)
    rows: list[list[Cell]] = []
    for r, line in enumerate(run):
        y0 = min(b.y0 for b in line)
        y1 = max(b.y1 for b in line)
        row = []
        for c, (a, z) in enumerate(columns):
            inside = [b for b in line if a <= b.cx <= z]
            text = join_line(inside) if inside else ""
            row.append(Cell(text=text, row=r, col=c, page=page, bbox=_bbox(a, y0, z, y1, px_per_pt)))
        rows.append(row)
    return Table(index=index, rows=rows, page=page, block=block, ocr=True)
