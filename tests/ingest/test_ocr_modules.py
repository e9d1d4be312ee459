"""The OCR package's small modules alone (no OCR model): confidence, boxes, page image, layout."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ingest.readers.ocr import MAX_SIDE, TextBox
from ingest.readers.ocr.boxes import bbox_pt, crop, top
from ingest.readers.ocr.confidence import accepted, is_number, reread_agrees
from ingest.readers.ocr.engine import normalise
from ingest.readers.ocr.image import prepare
from ingest.readers.ocr.layout import assign_boxes, cell_text, group_lines, join_line, split_text_tables
from ingest.readers.ocr.rules import Grid, line_tolerance


def test_a_reread_sign_must_agree_with_the_first_reading() -> None:
    assert reread_agrees("95%", "95%", "≥", None)  # skipped sign: the same text after it
    assert reread_agrees("246台", "46台", "≥", "≥")  # "2" was the ≥
    assert not reread_agrees("246台", "46台", "≤", "≥")  # the shape says another sign
    assert not reread_agrees("246台", "4台", "≥", "≥")  # a digit would be lost


def test_numbers_and_scores() -> None:
    assert is_number("1,200") and is_number("96.5%") and not is_number("≥95%") and not is_number("一")
    assert accepted(0.5) and not accepted(0.49)
    assert normalise(" ≥ 98% ") == "≥98%" and normalise("≥ 第3名") == "≥ 第3名"


def test_boxes_in_points_and_crops() -> None:
    assert bbox_pt(150, 75, 300, 150, 150 / 72) == (72.0, 36.0, 144.0, 72.0)
    ink = np.arange(100).reshape(10, 10)
    assert crop(ink, TextBox("x", 2, 3, 4, 5)).tolist() == [[32, 33], [42, 43]]
    assert top([TextBox("a", 0, 7, 1, 9), TextBox("b", 0, 4, 1, 9)]) == 4
    assert line_tolerance(150 / 72) == 6 and line_tolerance(0.1) == 2


def test_a_big_page_is_scaled_down_and_made_rgb() -> None:
    rgb, scale = prepare(Image.new("L", (4000, 1000), 255))
    assert rgb.mode == "RGB" and max(rgb.size) == MAX_SIDE and scale == 0.5
    small, one = prepare(Image.new("RGB", (800, 600)))
    assert small.size == (800, 600) and one == 1.0


def test_lines_by_vertical_overlap_and_spaces_only_at_wide_gaps() -> None:
    a, b = TextBox("项目", 0, 0, 40, 20), TextBox("名称", 45, 2, 85, 22)
    c = TextBox("合计", 200, 1, 240, 21)
    below = TextBox("下一行", 0, 40, 60, 60)
    lines = group_lines([below, c, b, a])
    assert [[x.text for x in line] for line in lines] == [["项目", "名称", "合计"], ["下一行"]]
    assert join_line(lines[0]) == "项目名称 合计"
    assert cell_text([below, a, b]) == "项目名称下一行"  # a cell's wrapped lines are joined back


def test_boxes_go_to_the_cell_holding_their_centre() -> None:
    grid = Grid(xs=[0, 100, 200], ys=[0, 50, 100], owner=[[(0, 0), (0, 0)], [(1, 0), (1, 1)]],
                spans={(0, 0): (1, 2), (1, 0): (1, 1), (1, 1): (1, 1)})
    inside, merged, outside = TextBox("甲", 150, 60, 170, 80), TextBox("乙", 120, 10, 140, 30), \
        TextBox("丙", 300, 10, 320, 30)
    in_cells, free = assign_boxes([inside, merged, outside], [grid])
    assert in_cells == [{(1, 1): [inside], (0, 0): [merged]}] and free == [outside]


def test_an_unruled_table_needs_three_columns_over_two_lines() -> None:
    def line(y: float, *xs: float) -> list[TextBox]:
        return [TextBox(f"t{x}", x, y, x + 40, y + 20) for x in xs]

    rest, tables = split_text_tables([line(0, 0, 100, 200), line(25, 0, 100, 200)])
    assert rest == [] and len(tables) == 1
    rest, tables = split_text_tables([line(0, 0, 100), line(25, 0, 100)])
    assert tables == [] and len(rest) == 2
