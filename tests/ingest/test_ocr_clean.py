"""Degraded scans cleaned before OCR: skew found and undone, red seal removed, coarse scans upscaled."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

from ingest.document import Table
from ingest.readers.ocr import find_grids, ocr_page_image
from ingest.readers.ocr.clean import clean_page, deskew, remove_seal, skew_angle, upscale
from tests.ingest.test_ocr import CELLS, XS, YS, _ruled_image


def _turned(image: Image.Image, degrees: float) -> Image.Image:
    # PIL turns counter-clockwise for positive degrees, as a scanner's feed would skew it
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")


def _with_seal(image: Image.Image) -> Image.Image:
    """A red 公章 ring with a filled centre, stamped across the score column and the rules under
    it; stamp ink multiplies with the print under it, as on paper (black stays black)."""
    stamp = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(stamp)
    draw.ellipse((620, 150, 860, 390), outline=(220, 30, 40), width=8)
    draw.ellipse((700, 230, 780, 310), fill=(230, 60, 70))
    return ImageChops.multiply(image.convert("RGB"), stamp)


@pytest.mark.parametrize("degrees", [2.0, -2.5, 1.0, 3.0])
def test_skew_angle_of_a_turned_table(degrees):
    turned = _turned(_ruled_image(), degrees)
    angle = skew_angle(np.asarray(turned.convert("L")))
    assert angle == pytest.approx(-degrees, abs=0.15)


def test_straight_page_is_not_turned():
    assert abs(skew_angle(np.asarray(_ruled_image().convert("L")))) < 0.1
    blank = Image.new("RGB", (400, 300), "white")
    assert skew_angle(np.asarray(blank.convert("L"))) == 0.0
    cleaned = clean_page(_ruled_image(), 150)
    assert (cleaned.angle, cleaned.scale, cleaned.seal_pixels) == (0.0, 1.0, 0)


def test_turned_table_found_again_after_deskew():
    turned = _turned(_ruled_image(), 2.0)
    assert find_grids(turned) == [] or find_grids(turned)[0].n_cols != 4 or find_grids(turned)[0].n_rows != 5
    straight = deskew(turned, skew_angle(np.asarray(turned.convert("L"))))
    (grid,) = find_grids(straight)
    assert (grid.n_rows, grid.n_cols) == (5, 4)
    assert grid.spans[(2, 0)] == (2, 1) and grid.spans[(4, 0)] == (1, 3)


def test_red_seal_removed_black_rules_kept():
    plain = _ruled_image()
    sealed = _with_seal(plain)
    cleaned, count = remove_seal(sealed)
    assert count > 1000
    red = np.asarray(sealed)[..., 0].astype(int) - np.asarray(sealed)[..., 1]
    assert (red > 100).any()
    got = np.asarray(cleaned.convert("L")) < 128
    want = np.asarray(plain.convert("L")) < 128
    assert (got == want).mean() > 0.999  # every rule pixel stays, every seal pixel goes
    assert got[YS[2], XS[3] - 40:XS[3] + 40].any()  # the rule under the seal is still ink
    (grid,) = find_grids(cleaned)
    assert (grid.n_rows, grid.n_cols) == (5, 4)
    assert remove_seal(plain)[1] == 0  # nothing red: nothing touched


def test_black_text_under_a_seal_stays():
    img = Image.new("RGB", (200, 100), "white")
    draw = ImageDraw.Draw(img)
    draw.ellipse((20, 10, 180, 90), fill=(225, 50, 60))
    draw.rectangle((80, 40, 120, 60), fill=(20, 20, 20))  # black ink printed over the seal
    cleaned, _ = remove_seal(img)
    arr = np.asarray(cleaned.convert("L"))
    assert arr[50, 100] < 60 and arr[20, 100] == 255


def test_a_stamped_seal_leaves_no_fringe_to_read_and_black_digits_stay():
    # Measured on the real set's sealed scans: the pale pink rim of the seal's strokes, too pale to
    # count as seal ink, was left behind and read as the seal's characters glued to the figures
    # ("5" read "5局"). After cleaning, the seal's characters leave no ink; the digits under it do.
    from eval.degrade import stamp_seal
    from eval.synth.files import pil_font
    from ingest.readers.ocr.image import binarise

    page = Image.new("RGB", (700, 500), "white")
    draw = ImageDraw.Draw(page)
    font = pil_font(19)
    for k, y in enumerate((150, 250, 350)):
        draw.text((520, y), str(5 + k), font=font, fill="black")
    draw.rectangle((20, 20, 680, 480), outline="black", width=2)
    sealed = stamp_seal(page)
    cleaned, count = remove_seal(sealed)
    assert count > 1000
    ink = binarise(np.asarray(cleaned.convert("L"))) > 0
    want = binarise(np.asarray(page.convert("L"))) > 0
    assert (ink & ~want).sum() < 20  # a few specks at most: no stroke of the seal's characters
    assert (ink & want).sum() > 0.9 * want.sum()  # the digits and the frame are all still there


def test_coarse_scan_upscaled():
    img = Image.new("RGB", (992, 1403), "white")  # A4 at 120 dpi
    big, factor = upscale(img, 120)
    assert factor == pytest.approx(150 / 120) and big.size == (1240, 1754)
    assert upscale(img, 150) == (img, 1.0) and upscale(img, 200)[1] == 1.0


def test_cells_in_page_points_after_upscaling(monkeypatch):
    """A 100-dpi page is read at 150 dpi; the cells still come back in the page's points."""
    from ingest.readers import ocr

    monkeypatch.setattr(ocr, "run_ocr", lambda _rgb: [])
    small = _ruled_image().resize((600, 333))  # the 900 × 500 px page drawn at 100 instead of 150 dpi
    (table,) = [b for b in ocr_page_image(small, 1, 0, 0, dpi=100) if isinstance(b, Table)]
    assert (table.n_rows, table.n_cols) == (5, 4)
    x0, top, _, _ = table.rows[0][0].bbox
    assert abs(x0 - XS[0] * 72 / 150) < 2 and abs(top - YS[0] * 72 / 150) < 2


@pytest.mark.slow
def test_ocr_reads_a_turned_sealed_table(cjk_font):
    page = _with_seal(_turned(_ruled_image(cjk_font), 2.0))
    table = next(b for b in ocr_page_image(page, 1, 0, 0) if isinstance(b, Table))
    assert (table.n_rows, table.n_cols) == (5, 4)
    assert [table.text(0, c) for c in range(4)] == [t for r, _, _, _, t in CELLS if r == 0]
    assert [table.text(1, 2), table.text(1, 3)] == ["98%", "20"]
    assert [table.text(2, 3), table.text(3, 3), table.text(4, 3)] == ["18", "10", "48"]


def _two_page_scan(path, second_xs):
    """Page 1: the ruled table (header row and 4 rows); page 2: 3 more rows without the header,
    columns at ``second_xs``. 900 × 500 px pages saved at 150 dpi, no text layer."""
    page2 = Image.new("RGB", (900, 500), "white")
    draw = ImageDraw.Draw(page2)
    for r in range(3):
        for c in range(4):
            draw.rectangle((second_xs[c], 100 + 70 * r, second_xs[c + 1], 170 + 70 * r), outline="black", width=2)
    _ruled_image().save(path, "PDF", resolution=150, save_all=True, append_images=[page2])
    return path


@pytest.mark.parametrize(("shift", "joined"), [(4, True), (60, False)])
def test_table_continued_on_a_scanned_page_without_header(monkeypatch, tmp_path, shift, joined):
    from ingest.readers import ocr, read_document

    monkeypatch.setattr(ocr, "run_ocr", lambda _rgb: [])  # the structure alone decides
    second_xs = [XS[0] + shift] + [x + shift // 2 for x in XS[1:]]
    doc = read_document(_two_page_scan(tmp_path / "two.pdf", second_xs))
    tables = doc.tables
    if joined:  # columns line up: one table, its rows on pages 1 and 2
        (table,) = tables
        assert (table.n_rows, table.n_cols, table.page, table.last_page) == (8, 4, 1, 2)
        assert [row[0].row for row in table.rows] == list(range(8))
        assert {row[0].page for row in table.rows[5:]} == {2}
    else:  # another table that happens to start page 2
        assert [t.n_rows for t in tables] == [5, 3]


@pytest.mark.slow
def test_real_form_scanned_on_two_pages_with_the_header_on_page_one_only(tmp_path):
    """A real regression-set form printed over two pages (header row on page one only), scanned:
    every field a reviewer reads off it comes out right (the real set's own comparator)."""
    from eval.degrade import write_degraded
    from eval.real.forms import real_forms
    from eval.real_eval import compare_fields
    from ingest.extract import extract_file

    ff = next(f for f in real_forms() if f.id == "hn_hengshan_grain")  # 35 indicator rows
    path = write_degraded(ff.form.grid(), "split", tmp_path / "split.pdf")
    sub = extract_file(path)
    assert sub.file.pages == 2
    wrong = [name for name, ok in compare_fields(ff.expected, sub.to_dict()) if not ok]
    assert wrong == []
