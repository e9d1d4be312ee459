"""OCR reader: ruled-table structure from line images (fast) and one real OCR pass (slow)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.document import Paragraph, Table
from ingest.readers import ocr
from ingest.readers.ocr import TextBox, binarise, find_grids, ocr_page_image
from ingest.readers.signs import comparison_sign, ink_height, leading_sign, lone_sign

# A 5 × 4 table: (row, col, rowspan, colspan, text). Row 2-3 of column 0 are merged vertically,
# columns 0-2 of the last row horizontally.
XS = [60, 300, 480, 660, 840]
YS = [100, 170, 240, 310, 380, 450]
CELLS = [
    (0, 0, 1, 1, "项目名称"), (0, 1, 1, 1, "年度指标值"), (0, 2, 1, 1, "实际完成值"), (0, 3, 1, 1, "得分"),
    (1, 0, 1, 1, "培训覆盖率"), (1, 1, 1, 1, "≥95%"), (1, 2, 1, 1, "98%"), (1, 3, 1, 1, "20"),
    (2, 0, 2, 1, "设备采购数量"), (2, 1, 1, 1, "100台"), (2, 2, 1, 1, "98台"), (2, 3, 1, 1, "18"),
    (3, 1, 1, 1, "50套"), (3, 2, 1, 1, "50套"), (3, 3, 1, 1, "10"),
    (4, 0, 1, 3, "合计"), (4, 3, 1, 1, "48"),
]
TITLE = "2023年度项目支出绩效自评表"


def _cell_box(r: int, c: int, rs: int, cs: int) -> tuple[int, int, int, int]:
    return XS[c], YS[r], XS[c + cs], YS[r + rs]


def _ruled_image(font: Path | None = None) -> Image.Image:
    """900 × 500 px page; rules are drawn per cell, so a merge is simply a missing segment."""
    img = Image.new("RGB", (900, 500), "white")
    draw = ImageDraw.Draw(img)
    for r, c, rs, cs, text in CELLS:
        box = _cell_box(r, c, rs, cs)
        draw.rectangle(box, outline="black", width=2)
        if font is not None:
            f = ImageFont.truetype(str(font), 22)
            w = draw.textlength(text, font=f)
            draw.text(((box[0] + box[2] - w) / 2, (box[1] + box[3]) / 2 - 13), text, font=f, fill="black")
    if font is not None:
        draw.text((180, 30), TITLE, font=ImageFont.truetype(str(font), 28), fill="black")
    return img


def _fake_ocr(monkeypatch: pytest.MonkeyPatch, boxes: list[TextBox]) -> None:
    monkeypatch.setattr(ocr, "run_ocr", lambda _rgb: list(boxes))


# ----------------------------------------------------------------------------- fast: no model


def test_grid_and_merges_from_lines_only():
    (grid,) = find_grids(_ruled_image())
    assert (grid.n_rows, grid.n_cols) == (5, 4)
    assert all(abs(a - b) <= 2 for a, b in zip(grid.xs, XS, strict=True))
    assert all(abs(a - b) <= 2 for a, b in zip(grid.ys, YS, strict=True))
    assert grid.spans[(2, 0)] == (2, 1)
    assert grid.spans[(4, 0)] == (1, 3)
    assert grid.owner[3][0] == (2, 0)
    assert grid.owner[4][2] == (4, 0)
    assert sum(rs * cs for rs, cs in grid.spans.values()) == 20  # every grid cell owned exactly once


def test_no_table_without_a_grid():
    img = Image.new("RGB", (900, 500), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(60, 200), (840, 200)], fill="black", width=2)  # an underline is not a table
    draw.rectangle((60, 300, 840, 380), outline="black", width=2)  # nor is a single framed box
    assert find_grids(img) == []


def test_text_goes_to_cells_merges_are_copied(monkeypatch):
    def box(text, x0, y0, x1, y1):  # given in 150-dpi pixels, the page is rendered at 300 dpi
        return TextBox(text, 2 * x0, 2 * y0, 2 * x1, 2 * y1)

    _fake_ocr(monkeypatch, [
        box(TITLE, 180, 30, 550, 60),
        box("项目名称", 130, 120, 230, 150),
        box("设备采购数量", 110, 298, 250, 323),  # centre on the missing rule inside the merge
        box("合计", 340, 400, 390, 430),
        box("1,150", 700, 245, 800, 272), box(".50", 700, 276, 760, 303),  # wrapped number
    ])
    img = _ruled_image().resize((1800, 1000))
    blocks = ocr_page_image(img, page_number=4, first_table_index=2, first_block_index=10, dpi=300)

    title, table = blocks
    assert isinstance(title, Paragraph) and title.text == TITLE
    assert (title.index, title.page) == (10, 4)
    assert isinstance(table, Table)
    assert (table.index, table.block, table.page, table.ocr) == (2, 11, 4, True)
    assert (table.n_rows, table.n_cols) == (5, 4)
    assert table.text(0, 0) == "项目名称"
    assert [table.rows[r][0].text for r in (2, 3)] == ["设备采购数量"] * 2
    assert (table.rows[2][0].rowspan, table.rows[2][0].merged, table.rows[3][0].merged) == (2, False, True)
    assert [c.text for c in table.rows[4][:3]] == ["合计"] * 3
    assert table.rows[4][0].colspan == 3 and table.rows[4][1].merged and table.rows[4][2].merged
    assert table.text(2, 3) == "1,150.50"  # a number wrapped in a narrow cell is joined back
    # bbox in PDF points: x 60 px at 150 dpi = 28.8 pt, whatever dpi the page was rendered at
    x0, top, x1, bottom = table.rows[0][0].bbox
    assert abs(x0 - 28.8) < 1.5 and abs(top - 48.0) < 1.5 and abs(x1 - 144.0) < 1.5
    assert all(c.page == 4 for row in table.rows for c in row)


def test_unruled_table_needs_three_aligned_columns(monkeypatch):
    rows = [["指标名称", "年度目标", "实际完成"], ["培训人数", "≥500人", "520人"], ["满意度", "≥90%", "95%"]]
    boxes = [TextBox("二、绩效指标完成情况", 60, 20, 300, 45)]
    boxes += [TextBox(t, 60 + j * 230, 80 + i * 50, 160 + j * 230, 105 + i * 50)
              for i, row in enumerate(rows) for j, t in enumerate(row)]
    _fake_ocr(monkeypatch, boxes)
    heading, table = ocr_page_image(Image.new("RGB", (900, 300), "white"), 1, 0, 0)
    assert heading.heading_level == 1
    assert isinstance(table, Table) and [[c.text for c in r] for r in table.rows] == rows

    _fake_ocr(monkeypatch, [b for b in boxes if b.x0 < 400])  # two columns: key/value text, not a table
    blocks = ocr_page_image(Image.new("RGB", (900, 300), "white"), 1, 0, 0)
    assert all(isinstance(b, Paragraph) for b in blocks) and blocks[1].text == "指标名称 年度目标"


# ----------------------------------------------------------------------------- slow: real OCR


@pytest.mark.slow
def test_ocr_ruled_table_page(cjk_font):
    blocks = ocr_page_image(_ruled_image(cjk_font), page_number=1, first_table_index=0, first_block_index=0)

    title, table = blocks
    assert isinstance(title, Paragraph) and title.text == TITLE
    assert isinstance(table, Table) and table.ocr
    assert (table.n_rows, table.n_cols) == (5, 4)
    assert [table.text(0, c) for c in range(4)] == ["项目名称", "年度指标值", "实际完成值", "得分"]
    assert table.text(1, 0) == "培训覆盖率"
    assert "95%" in table.text(1, 1)  # "≥" is the one symbol the model may misread
    assert [table.text(1, 2), table.text(1, 3)] == ["98%", "20"]
    assert [table.text(r, 0) for r in (2, 3)] == ["设备采购数量"] * 2
    assert table.rows[3][0].merged and not table.rows[2][0].merged
    assert [table.text(3, c) for c in (1, 2, 3)] == ["50套", "50套", "10"]
    assert [c.text for c in table.rows[4]] == ["合计", "合计", "合计", "48"]
    assert [c.merged for c in table.rows[4]] == [False, True, True, False]


def _ink(image: Image.Image) -> np.ndarray:
    return binarise(np.asarray(image.convert("L"))) > 0


@pytest.mark.parametrize(("text", "expected"), [
    ("≥", "≥"), ("≤", "≤"), ("=", "="), ("＝", "="), ("二", None), ("—", None), ("-", None), ("中", None), ("", None)])
def test_lone_comparison_sign_is_read_from_its_shape(cjk_font, text, expected):
    # The OCR model drops a lone ≥/≤/= in a 指标性质 cell; the shape test must tell them apart
    # at table text size (9 pt at 150 dpi) and leave other glyphs and empty cells alone.
    image = Image.new("L", (40, 30), 255)
    ImageDraw.Draw(image).text((12, 6), text, fill=0, font=ImageFont.truetype(str(cjk_font), 19))
    assert comparison_sign(_ink(image), max_glyph=14 * 150 / 72) == expected


LINE_X = 6  # where _scanned_line starts the text


def _scanned_line(font: Path, text: str, size: int) -> Image.Image:
    """One line of text as the scans have it: 150 dpi, saved as JPEG inside the PDF."""
    image = Image.new("L", (size * len(text) + 12, size * 2), 255)
    ImageDraw.Draw(image).text((LINE_X, size // 3), text, fill=0, font=ImageFont.truetype(str(font), size))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=75)
    return Image.open(buf)


@pytest.mark.parametrize("size", [14, 19])  # the synthetic scans' smallest and largest cell text
@pytest.mark.parametrize(("text", "expected"), [
    ("≥46台", "≥"), ("≥6年", "≥"), ("≥2550人", "≥"), ("≤5%", "≤"), ("≤0.7万元", "≤"), ("=100%", "="), ("=8个", "="),
    # what the model reads them as, when the glyph really is that: it must stay a number
    ("246台", None), ("26年", None), ("2550人", None), ("Z46", None), (">46台", None), ("2024年", None),
])
def test_leading_sign_is_told_from_a_real_2_by_shape_and_height(cjk_font, size, text, expected):
    found = leading_sign(_ink(_scanned_line(cjk_font, text, size)))
    assert (found.sign if found else None) == expected
    if found:  # it ends where the sign's ink ends, before the digit's begins
        font = ImageFont.truetype(str(cjk_font), size)
        sign_right = LINE_X + font.getbbox(text[0])[2]
        digit_left = LINE_X + font.getlength(text[0]) + font.getbbox(text[1])[0]
        assert abs(found.end - sign_right) <= 1 and found.end <= digit_left


def test_leading_sign_as_tall_as_the_digit_is_not_one(cjk_font):
    # In some fonts a "2" passes the shape test; what tells it from a ≥ is that it is as tall as
    # the digit after it. A ≥ drawn a quarter bigger (as tall as the digits) must not count.
    image = Image.new("L", (120, 40), 255)
    draw = ImageDraw.Draw(image)
    draw.text((LINE_X, 30), "≥", fill=0, font=ImageFont.truetype(str(cjk_font), 24), anchor="ls")
    draw.text((LINE_X + 13, 30), "46台", fill=0, font=ImageFont.truetype(str(cjk_font), 19), anchor="ls")
    ink = _ink(image)
    sign_h, digit_h = ink_height(ink[:, :LINE_X + 13]), ink_height(ink[:, LINE_X + 13:LINE_X + 23])
    assert abs(sign_h - digit_h) <= 1
    assert leading_sign(ink) is None


@pytest.mark.parametrize("size", [14, 19])
@pytest.mark.parametrize(("glyph", "expected"), [("≥", "≥"), ("≤", "≤"), ("2", None), ("Z", None), (">", None)])
def test_lone_sign_is_shorter_than_the_digits(cjk_font, size, glyph, expected):
    # A lone "2" in a 指标性质 cell is a misread ≥, a lone "2" in a score cell is a 2. In some
    # fonts a "2" passes the shape test, so a sign must also be shorter than the page's digits.
    ink = _ink(_scanned_line(cjk_font, glyph, size))
    digit_height = ink_height(_ink(_scanned_line(cjk_font, "0", size)))
    assert lone_sign(ink, digit_height) == expected
    assert lone_sign(ink, digit_height=ink_height(ink)) is None  # as tall as a digit: not a sign


def test_lone_misread_sign_in_a_cell_is_restored_and_a_lone_2_kept(cjk_font, monkeypatch):
    # A Sichuan row: 指标性质 "≥", 指标值 "2550", 分值 "2"; the model read both lone glyphs as "2".
    image, ink_boxes = _cell_row(cjk_font, ["≥", "2550", "2"])
    _fake_ocr(monkeypatch, [TextBox(read, x0 - 3, y0 - 5, x1 + 3, y1 + 5)
                            for read, (x0, y0, x1, y1) in zip(["2", "2550", "2"], ink_boxes, strict=True)])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == ["≥", "2550", "2"]


# Cells that the model reads alike and that must come out different: measured on this layout,
# PP-OCR reads "≥6年" as "26年", the same as the real "26年" next to it.
SIGN_CELLS = ["≥46台", "246台", "≥6年", "26年", "≥2550人", "2550人"]


def _cell_row(font: Path, texts: list[str]) -> tuple[Image.Image, list[tuple[float, float, float, float]]]:
    """One scanned table row of ``texts`` at the scans' 19 px, and each text's ink box."""
    image = Image.new("L", (130 * len(texts) + 40, 90), 255)
    draw = ImageDraw.Draw(image)
    font_19 = ImageFont.truetype(str(font), 19)
    boxes = []
    for i, text in enumerate(texts):
        x0 = 20 + 130 * i
        draw.rectangle((x0, 20, x0 + 130, 70), outline=0, width=2)
        draw.text((x0 + 65, 32), text, font=font_19, fill=0, anchor="ma")
        boxes.append(draw.textbbox((x0 + 65, 32), text, font=font_19, anchor="ma"))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=75)
    return Image.open(buf).convert("RGB"), boxes


@pytest.mark.slow
def test_leading_sign_misread_as_2_is_restored(cjk_font):
    image, _ = _cell_row(cjk_font, SIGN_CELLS)
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == SIGN_CELLS


@pytest.mark.slow
def test_restored_sign_is_reread_and_a_skipped_sign_put_back(cjk_font, monkeypatch):
    # Whatever this model version reads, every ≥ here comes back misread: as a "2" (measured:
    # "≥6年" → "26年"), or skipped before a number that starts with a real 2 ("≥2550人" → "2550人").
    image, ink_boxes = _cell_row(cjk_font, SIGN_CELLS)
    misread = [text.replace("≥", "2").replace("22", "2") for text in SIGN_CELLS]
    _fake_ocr(monkeypatch, [TextBox(text, x0 - 3, y0 - 5, x1 + 3, y1 + 5)
                            for text, (x0, y0, x1, y1) in zip(misread, ink_boxes, strict=True)])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == SIGN_CELLS


@pytest.mark.slow
def test_a_sign_skipped_before_any_digit_is_put_back(cjk_font, monkeypatch):
    # Measured on a scan: "≥95%" came back as "95%" from a box that held the sign's ink.
    cells = ["≥95%", "95%", "≤30天", "30天", "≥8项", "8项"]
    image, ink_boxes = _cell_row(cjk_font, cells)
    _fake_ocr(monkeypatch, [TextBox(text.lstrip("≥≤"), x0 - 3, y0 - 5, x1 + 3, y1 + 5)
                            for text, (x0, y0, x1, y1) in zip(cells, ink_boxes, strict=True)])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == cells


@pytest.mark.slow
def test_a_box_that_caught_the_cell_border_still_shows_its_sign(cjk_font, monkeypatch):
    # Measured on a scan: the detector's box reached 1 px into the rule above "≥14.5公里", so the
    # sign's ink ran from the rule down and it looked as tall as a digit ("214.5公里" kept).
    cells = ["≥14.5公里", "214.5公里"]
    image, ink_boxes = _cell_row(cjk_font, cells)
    _fake_ocr(monkeypatch, [TextBox("214.5公里", x0 - 3, 19, x1 + 3, y1 + 5) for x0, _, x1, y1 in ink_boxes])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == cells


@pytest.mark.slow
def test_a_dropped_equals_sign_is_put_back(cjk_font, monkeypatch):
    # Measured on a Sichuan scan: the 指标性质 cell "=" came back empty, so "=100%" read "100%".
    cells = ["=100%", "100%", "=", "=8个", "二"]
    image, ink_boxes = _cell_row(cjk_font, cells)
    _fake_ocr(monkeypatch, [TextBox(text.lstrip("="), x0 - 3, y0 - 5, x1 + 3, y1 + 5)
                            for text, (x0, y0, x1, y1) in zip(cells, ink_boxes, strict=True) if text != "="])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == cells


@pytest.mark.slow
def test_lone_number_the_detector_missed_is_read_from_its_cell(cjk_font, monkeypatch):
    # Measured on a scan: a 分值 "7" beside a tall cell was not detected; a "—" cell must stay empty.
    image, ink_boxes = _cell_row(cjk_font, ["2550", "7", "—"])
    x0, y0, x1, y1 = ink_boxes[0]
    _fake_ocr(monkeypatch, [TextBox("2550", x0 - 3, y0 - 5, x1 + 3, y1 + 5)])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == ["2550", "7", ""]


# ----------------------------------------------------------------------------- signs in a name's bracket

@pytest.mark.parametrize("size", [14, 19])
@pytest.mark.parametrize(("text", "expected"), [
    ("公猪舍(≥**平方米)", ["≥"]), ("排污沟(≥米)", ["≥"]), ("种公猪(≥头)", ["≥"]), ("成本(≤5万元)", ["≤"]),
    # a real digit, a look-alike that is the real glyph, no sign at all: nothing found
    ("消毒机(2台)", [None]), ("种母猪(>头)", [None]), ("产出指标(40分)", [None]), ("(20分*执行率)", [None]),
    ("执行数", []),
])
def test_the_sign_after_a_bracket_is_told_by_its_shape(cjk_font, size, text, expected):
    # Measured on a Yunnan scan: the small ≥ in "公猪舍(≥**平方米)" came back as ">", "2" or nothing.
    from ingest.readers.signs import bracket_signs

    assert bracket_signs(_ink(_scanned_line(cjk_font, text, size))) == expected


@pytest.mark.parametrize(("drawn", "read", "expected"), [
    ("公猪舍(≥**平方米)", "公猪舍（>**平方米)", "公猪舍（≥**平方米)"),  # misread as ">"
    ("堆粪房(≥**平方米)", "堆粪房(2**平方米)", "堆粪房(≥**平方米)"),  # misread as "2"
    ("排污沟(≥米)", "排污沟(米)", "排污沟(≥米)"),  # skipped
    ("保育栏(≥套)", "保育栏(≥套)", "保育栏(≥套)"),  # read right: left alone
    ("消毒机(2台)", "消毒机(2台)", "消毒机(2台)"),  # a real 2 stays
    ("种母猪(>头)", "种母猪(>头)", "种母猪(>头)"),  # a real > stays
    ("≥**平方米)", ">**平方米)", "≥**平方米)"),  # a wrapped name's second line starting with the sign
])
def test_a_bracket_sign_misread_or_skipped_is_put_back(cjk_font, drawn, read, expected):
    from ingest.readers.ocr.recovery import restore_bracket_signs

    image = _scanned_line(cjk_font, drawn, 19)
    box = TextBox(read, 2, 2, image.width - 2, image.height - 2, 0.9)
    assert restore_bracket_signs(_ink(image), box).text == expected


# ----------------------------------------------------------------------------- two-bar signs (≧ ═)

# Measured on a Yunnan scan at 150 dpi, binarised: a lone "≧" in the 指标性质 column (read "AII"),
# its two bars run into one band; a lone "═" (read "Ⅱ") is a solid block.
MERGED_GEQQ = """
##........
####......
######....
..######..
....######
.....#####
....#####.
..######..
######....
####......
#########.
##########
##########
#########.
##########
##########
"""
SOLID_EQUALS = """
.############.
##############
.#############
.############.
##############
.#############
"""


# The first 5 columns of a "9" in "95%" on a 120-dpi scan, as leading_sign cut it at its tail's
# width: a bar-like foot and a stroke above it; it passed for "≦" before the width test.
NINE_CUT = """
..###
.####
.####
####.
###..
###..
###..
###..
#####
.####
...##
.....
.....
.####
.####
.####
"""


def _mask(picture: str) -> np.ndarray:
    return np.array([[ch == "#" for ch in line] for line in picture.strip().splitlines()])


def test_two_bar_signs_are_told_even_with_their_bars_run_together(cjk_font):
    from ingest.readers.signs import two_bar_sign

    assert two_bar_sign(_mask(MERGED_GEQQ)) == "≧"
    assert two_bar_sign(_mask(MERGED_GEQQ)[:, ::-1]) == "≦"
    assert two_bar_sign(_mask(SOLID_EQUALS)) == "="
    assert two_bar_sign(_mask(NINE_CUT)) is None
    # the small "﹦" of a Yunnan form, alone in its 指标性质 cell and missed by the model: 5 × 7 px
    small_equals = _mask("######.\n#######\n######.\n#######\n######.")
    assert comparison_sign(small_equals, max_glyph=14 * 150 / 72) == "="
    assert comparison_sign(np.ones((7, 7), bool), max_glyph=14 * 150 / 72) is None  # a filled box
    assert comparison_sign(np.ones((3, 17), bool), max_glyph=14 * 150 / 72) is None  # a dash
    for glyph, expected in [("≧", "≧"), ("≦", "≦"), ("═", "="), ("A", None), ("Ⅱ", None), ("1", None), ("二", None),
                            ("—", None), ("≥", None)]:
        assert two_bar_sign(_ink(_scanned_line(cjk_font, glyph, 19))) == expected, glyph


@pytest.mark.parametrize("size", [14, 19])
@pytest.mark.parametrize(("text", "expected"), [("≧500亩", "≧"), ("≧5组", "≧"), ("≦30天", "≦"),
                                                ("98%", None), ("95", None), ("2024年", None), ("246台", None)])
def test_a_leading_two_bar_sign_is_found_though_as_tall_as_a_digit(cjk_font, size, text, expected):
    # Measured on a Yunnan scan: "≧500亩" came back as "500亩"; in the scans' font ≧ is as tall
    # as the digits, so the height test that keeps a real "2" a number cannot be what tells it.
    found = leading_sign(_ink(_scanned_line(cjk_font, text, size)))
    assert (found.sign if found else None) == expected


def test_a_garbled_lone_two_bar_sign_is_restored(cjk_font, monkeypatch):
    # 指标性质 "≧" read "AII" and "=", "═" read "Ⅱ"; a real "1" (a score) stays.
    image, ink_boxes = _cell_row(cjk_font, ["≧", "≧", "═", "1", "100"])
    _fake_ocr(monkeypatch, [TextBox(read, x0 - 3, y0 - 5, x1 + 3, y1 + 5, 0.6)
                            for read, (x0, y0, x1, y1) in zip(["AII", "=", "Ⅱ", "1", "100"], ink_boxes, strict=True)])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == ["≧", "≧", "=", "1", "100"]


@pytest.mark.slow
def test_a_leading_two_bar_sign_read_as_2_is_put_back(cjk_font, monkeypatch):
    # Measured on a 120-dpi Yunnan scan: "≧500亩" read "2500亩" and "≧80%" read "2 80%"; the
    # look-alike "2" stands for ≧ as for ≥, and a real "2500亩" beside them stays.
    cells = ["≧500亩", "≧80%", "2500亩"]
    image, ink_boxes = _cell_row(cjk_font, cells)
    _fake_ocr(monkeypatch, [TextBox(read, x0 - 3, y0 - 5, x1 + 3, y1 + 5, 0.9)
                            for read, (x0, y0, x1, y1) in zip(["2500亩", "2 80%", "2500亩"], ink_boxes, strict=True)])
    (table,) = ocr_page_image(image, page_number=1, first_table_index=0, first_block_index=0)
    assert [c.text for c in table.rows[0]] == cells
