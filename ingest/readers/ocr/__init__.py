"""OCR for page images that have no text layer (scanned PDF pages).

``ocr_page_image`` turns one rendered page into blocks in reading order: a :class:`Table` for
every ruled table and a :class:`Paragraph` for every line of text outside tables. It is the
page's steps in order, each in the module of its concern:

* :mod:`~ingest.readers.ocr.clean` — red seal removed, a coarse scan upscaled, skew undone;
* :mod:`~ingest.readers.ocr.orientation` — a page scanned turned by 90° or 180° turned upright;
* :mod:`~ingest.readers.ocr.image` — the page image capped in size, and its ink;
* :mod:`~ingest.readers.ocr.rules` — ruled tables from the ruling lines (grid, merges);
* :mod:`~ingest.readers.ocr.engine` — the OCR model: whole-page boxes, re-reading one line;
* :mod:`~ingest.readers.ocr.layout` — boxes → cells and visual lines; unruled tables;
* :mod:`~ingest.readers.ocr.recovery` — the sign-recovery hooks (≥/≤ from the glyph's shape);
* :mod:`~ingest.readers.ocr.confidence` — when a reading is trusted;
* :mod:`~ingest.readers.ocr.tables` — grids and runs of lines as tables; blocks in reading order.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from ingest.document import Block
from ingest.readers.ocr.boxes import TextBox
from ingest.readers.ocr.clean import clean_page
from ingest.readers.ocr.engine import get_engine, run_ocr
from ingest.readers.ocr.image import MAX_SIDE, binarise, prepare
from ingest.readers.ocr.layout import assign_boxes, cell_text, group_lines, join_line, split_at_rules
from ingest.readers.ocr.orientation import upright_turn
from ingest.readers.ocr.recovery import (
    digit_height,
    read_empty_cells,
    restore_bracket_signs,
    restore_leading_sign,
    restore_lone_signs,
)
from ingest.readers.ocr.rules import Grid, find_grids, line_tolerance
from ingest.readers.ocr.tables import blocks_in_order

__all__ = ["MAX_SIDE", "Grid", "TextBox", "binarise", "cell_text", "find_grids", "get_engine", "group_lines",
           "join_line", "ocr_page_image", "run_ocr"]


def ocr_page_image(
    image: Image.Image,
    page_number: int,
    first_table_index: int,
    first_block_index: int,
    *,
    dpi: int = 150,
    turned: bool = False,
) -> list[Block]:
    """OCR one rendered page and return its blocks in reading order.

    ``dpi`` is the resolution the page was rendered at; cell bboxes are returned in PDF points.
    Tables are numbered from ``first_table_index`` and blocks from ``first_block_index``.
    A page that reads surer turned by 90° or 180° is turned and read again (``turned``: it was).
    """
    if min(image.size) == 0:
        return []
    cleaned = clean_page(image, dpi)
    rgb, scale = prepare(cleaned.image)
    scale *= cleaned.scale  # upscaled pixels are still mapped back to the page's points
    px_per_pt = dpi * scale / 72
    grids = find_grids(rgb, px_per_pt=px_per_pt)
    tol = line_tolerance(px_per_pt)
    gray = np.asarray(rgb.convert("L"))
    ink = binarise(gray) > 0
    # run_ocr is looked up here, in the package, so that a test can replace the model's output
    first = run_ocr(rgb)
    if not turned and (turn := upright_turn(rgb, first)):
        return ocr_page_image(image.convert("RGB").rotate(turn, expand=True, fillcolor="white"), page_number,
                              first_table_index,
                              first_block_index, dpi=dpi, turned=True)
    boxes = split_at_rules(rgb, first, grids, tol)
    boxes = [restore_bracket_signs(ink, restore_leading_sign(rgb, ink, box)) for box in boxes]

    in_cells, free = assign_boxes(boxes, grids)
    digits = digit_height(ink, boxes)
    read_empty_cells(rgb, gray, grids, in_cells, tol, px_per_pt, digits)
    restore_lone_signs(ink, in_cells, digits)
    return blocks_in_order(grids, in_cells, free, page_number, first_table_index, first_block_index, px_per_pt)
