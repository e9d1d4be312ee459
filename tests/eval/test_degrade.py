"""The real set's degraded scans really are degraded as labelled (no OCR: the images themselves)."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest

from eval.degrade import DEGRADATIONS, LOW_DPI, split_grid, write_degraded
from eval.real.forms import real_forms
from eval.synth.render_scan import render_image


@pytest.fixture(scope="module")
def grid():
    return next(f for f in real_forms() if f.id == "hn_hengshan_grain").form.grid()


def _pages(path):
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [(pdf[i].get_textpage().get_text_range(), pdf[i].render(scale=150 / 72).to_pil().convert("RGB"))
                for i in range(len(pdf))]
    finally:
        pdf.close()


def test_split_keeps_every_cell_and_puts_the_header_on_page_one_only(grid):
    top, bottom = split_grid(grid)
    assert top.n_rows + bottom.n_rows == grid.n_rows and bottom.n_rows > 3
    header = [c.text for c in grid.cells[grid.header_row] if c is not None]
    assert "一级指标" in header
    bottom_texts = {c.text for row in bottom.cells for c in row if c is not None}
    assert "一级指标" not in bottom_texts and "三级指标" not in bottom_texts
    for g in (top, bottom):  # every merge inside its page, its origin a cell
        for r0, c0, r1, _c1 in g.merges:
            assert 0 <= r0 <= r1 < g.n_rows and g.cells[r0][c0] is not None


@pytest.mark.parametrize("kind", DEGRADATIONS)
def test_degraded_scan_is_image_only_and_degraded(grid, tmp_path, kind):
    pages = _pages(write_degraded(grid, kind, tmp_path / f"{kind}.pdf"))
    assert all(not text.strip() for text, _ in pages)  # no text layer: only OCR reads it
    assert len(pages) == (2 if kind == "split" else 1)
    arr = np.asarray(pages[0][1]).astype(int)
    reddish = (arr[..., 0] - arr[..., 1] > 80).sum()
    assert (reddish > 2000) == (kind == "seal")
    if kind == "lowdpi":
        pdf = pdfium.PdfDocument(str(tmp_path / f"{kind}.pdf"))
        (image,) = [o for o in pdf[0].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        width_px = image.get_px_size()[0]
        width_in = pdf[0].get_size()[0] / 72
        assert round(width_px / width_in) == LOW_DPI
        pdf.close()
    if kind == "skew":  # the table's top rule no longer lies on one pixel row
        ink = np.asarray(pages[0][1].convert("L")) < 128
        widest = ink.sum(axis=1).max()
        assert widest < 0.3 * ink.shape[1]
    if kind in ("rot90", "rot180"):  # A4 portrait on its side, or upside down: the title at the bottom
        width, height = pages[0][1].size
        assert (width > height) == (kind == "rot90")
        if kind == "rot180":
            ink = np.asarray(pages[0][1].convert("L")) < 128
            rows = np.nonzero(ink.any(axis=1))[0]
            upright = np.asarray(render_image(grid).convert("L")) < 128
            # the upright page's top margin is now at the bottom (within a few px of resampling)
            assert height - 1 - rows.max() == pytest.approx(np.nonzero(upright.any(axis=1))[0].min(), abs=3)
