"""Table structure from the ruling lines in a page image, never from guessing at text positions.

Ink is binarised, long horizontal/vertical runs are kept by morphological opening, line positions
are clustered into a grid, and a merge is a missing line segment between two neighbouring grid
cells (:func:`find_grids`). Thresholds are in PDF points so that they mean the same at any dpi.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from ingest.readers.ocr.boxes import TextBox
from ingest.readers.ocr.image import binarise

__all__ = ["LINE_TOL_PT", "Grid", "find_grids", "line_tolerance"]

_H_KERNEL_PT = 12.0  # horizontal run kept as a line: longer than one CJK character at 10.5 pt
_V_KERNEL_PT = 8.0  # vertical run: shorter than the lowest table row (text strokes are filtered later)
LINE_TOL_PT = 3.0  # line positions closer than this are one line (thick or doubled rules)
_MIN_TABLE_W_PT = 60.0
_MIN_TABLE_H_PT = 20.0
_ROW_LINE_COVER = 0.4  # a row line runs along at least 40 % of the table width
_COL_LINE_COVER = 0.8  # a column line crosses at least 80 % of one row band
_SEGMENT_COVER = 0.9  # a line segment between two cells is "present" above this coverage (a CJK stroke
#   on the line's x can cover 70 % of a short row band; a real rule runs the whole band)


def line_tolerance(px_per_pt: float) -> int:
    """Pixels within which two line positions are one line."""
    return max(2, round(LINE_TOL_PT * px_per_pt))


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


def find_grids(image: Image.Image, *, px_per_pt: float = 150 / 72) -> list[Grid]:
    """Ruled tables on a page image, top to bottom, with merges resolved."""
    gray = np.asarray(image.convert("L"))
    ink = binarise(gray)
    h_mask, v_mask = _line_masks(ink, px_per_pt)
    tol = line_tolerance(px_per_pt)
    grids = []
    for x0, y0, x1, y1 in _table_regions(h_mask, v_mask, px_per_pt):
        grid = _region_grid(h_mask, v_mask, (x0, y0, x1, y1), tol)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


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
