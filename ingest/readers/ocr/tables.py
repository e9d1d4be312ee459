"""Table reconstruction: a grid and its cells' text, or an unruled run of lines, as a
:class:`~ingest.document.Table` (merged cells copied, bboxes in PDF points); and the page's
blocks in reading order."""

from __future__ import annotations

from ingest.document import Block, Cell, Paragraph, Table
from ingest.readers.headings import heading_level
from ingest.readers.ocr.boxes import TextBox, bbox_pt, top
from ingest.readers.ocr.confidence import lowest_score
from ingest.readers.ocr.layout import (
    CellBoxes,
    cell_text,
    group_lines,
    join_line,
    split_text_tables,
    text_columns,
)
from ingest.readers.ocr.rules import Grid

__all__ = ["blocks_in_order", "grid_table", "text_table"]


def grid_table(
    grid: Grid,
    cells: dict[tuple[int, int], list[TextBox]],
    index: int,
    block: int,
    page: int,
    px_per_pt: float,
) -> Table:
    texts = {origin: cell_text(boxes) for origin, boxes in cells.items()}
    scores = {origin: lowest_score(boxes) for origin, boxes in cells.items()}
    rows: list[list[Cell]] = []
    for r in range(grid.n_rows):
        row = []
        for c in range(grid.n_cols):
            origin = grid.owner[r][c]
            if origin == (r, c):
                rs, cs = grid.spans[origin]
                box = bbox_pt(grid.xs[c], grid.ys[r], grid.xs[c + cs], grid.ys[r + rs], px_per_pt)
                row.append(Cell(text=texts.get(origin, ""), row=r, col=c, rowspan=rs, colspan=cs,
                                page=page, bbox=box, confidence=scores.get(origin)))
            else:
                box = bbox_pt(grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1], px_per_pt)
                row.append(Cell(text=texts.get(origin, ""), row=r, col=c, merged=True, page=page, bbox=box,
                                confidence=scores.get(origin)))
        rows.append(row)
    return Table(index=index, rows=rows, page=page, block=block, ocr=True)


def text_table(
    run: list[list[TextBox]], index: int, block: int, page: int, px_per_pt: float
) -> Table:
    columns = text_columns(run)
    rows: list[list[Cell]] = []
    for r, line in enumerate(run):
        y0 = min(b.y0 for b in line)
        y1 = max(b.y1 for b in line)
        row = []
        for c, (a, z) in enumerate(columns):
            inside = [b for b in line if a <= b.cx <= z]
            text = join_line(inside) if inside else ""
            row.append(Cell(text=text, row=r, col=c, page=page, bbox=bbox_pt(a, y0, z, y1, px_per_pt),
                            confidence=lowest_score(inside)))
        rows.append(row)
    return Table(index=index, rows=rows, page=page, block=block, ocr=True)


def blocks_in_order(
    grids: list[Grid],
    in_cells: list[CellBoxes],
    free: list[TextBox],
    page: int,
    first_table_index: int,
    first_block_index: int,
    px_per_pt: float,
) -> list[Block]:
    """The page's tables and text lines as blocks, top to bottom (then left to right)."""
    # Each item is (top, left, kind, payload).
    items: list[tuple[float, float, str, object]] = [
        (grid.ys[0], grid.xs[0], "grid", (grid, cells)) for grid, cells in zip(grids, in_cells, strict=True)
    ]
    lines = group_lines(free)
    if not grids:  # rebuild tables from text geometry only on pages without any rules
        lines, runs = split_text_tables(lines)
        items.extend((top(b for ln in run for b in ln), run[0][0].x0, "text_table", run) for run in runs)
    items.extend((top(line), line[0].x0, "line", line) for line in lines)
    items.sort(key=lambda it: (it[0], it[1]))
    blocks: list[Block] = []
    table_index = first_table_index
    for _, _, kind, payload in items:
        block_index = first_block_index + len(blocks)
        if kind == "grid":
            grid, cells = payload
            blocks.append(grid_table(grid, cells, table_index, block_index, page, px_per_pt))
            table_index += 1
        elif kind == "text_table":
            blocks.append(text_table(payload, table_index, block_index, page, px_per_pt))
            table_index += 1
        else:
            text = join_line(payload)
            blocks.append(Paragraph(text=text, index=block_index, page=page, heading_level=heading_level(text)))
    return blocks
