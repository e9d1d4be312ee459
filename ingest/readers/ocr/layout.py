"""Layout: recognised text boxes → visual lines, table cells, and unruled tables.

OCR runs once on the whole page and every text box goes to the grid cell that contains its centre
(:func:`assign_boxes`); a box that runs across a cell border is re-read one piece per cell first
(:func:`split_at_rules`). Only when a page has no ruling lines at all is a table rebuilt from text
geometry, and only when at least three columns line up (:func:`split_text_tables`).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from ingest.readers.ocr.boxes import TextBox
from ingest.readers.ocr.engine import recognise_scored
from ingest.readers.ocr.rules import Grid
from ingest.readers.wrap import unwrap_cell

__all__ = ["assign_boxes", "cell_text", "group_lines", "join_line", "split_at_rules", "split_text_tables",
           "text_columns"]

# Text boxes per merge origin (row, col) of one grid.
CellBoxes = dict[tuple[int, int], list[TextBox]]


def assign_boxes(
    boxes: list[TextBox], grids: list[Grid]
) -> tuple[list[CellBoxes], list[TextBox]]:
    """Boxes per merge origin of each grid (by box centre), and the boxes outside every grid."""
    in_cells: list[CellBoxes] = [{} for _ in grids]
    free: list[TextBox] = []
    for box in boxes:
        g = next((i for i, grid in enumerate(grids) if grid.contains(box.cx, box.cy)), None)
        if g is None:
            free.append(box)
        else:
            in_cells[g].setdefault(grids[g].cell_at(box.cx, box.cy), []).append(box)
    return in_cells, free


def split_at_rules(rgb: Image.Image, boxes: list[TextBox], grids: list[Grid], tol: int) -> list[TextBox]:
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
            text, score = recognise_scored(rgb.crop((round(left), round(box.y0), round(right), round(box.y1))))
            if text:
                out.append(TextBox(text, left, box.y0, right, box.y1, score))
    return out


# What PP-OCR made of a comparison sign, and the sign it stands for. Measured: "2" and ">" for ≥
# (leading or alone in a cell), "<" for a lone ≤ (the sign without its bar); "Z" looks like "2".


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


def split_text_tables(
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
        if len(run) >= 2 and text_columns(run):
            tables.append(run)
        else:
            rest.extend(run)
    return rest, tables


def _close_below(prev: list[TextBox], line: list[TextBox]) -> bool:
    h = max(b.height for b in prev)
    return min(b.y0 for b in line) - max(b.y1 for b in prev) <= 1.5 * h


def text_columns(run: list[list[TextBox]]) -> list[tuple[float, float]]:
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
