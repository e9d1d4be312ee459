"""Degraded scans of a form, as bureaus actually send them: a red seal over the figures, a page
fed 2.5° askew, a fax-like 120 dpi scan, a form printed on two pages with the indicator
header on page one only, and a sheet fed sideways or upside down (turned 90° or 180°).

Each starts from the clean scan's page image (:func:`eval.synth.render_scan.render_image`, A4 at
150 dpi) and is written as an image-only PDF, so only OCR can read it. Nothing here uses the
product's own image cleaning (:mod:`ingest.readers.ocr.clean`): the evaluation makes the damage
with Pillow, the product must undo it.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from eval.synth.files import FIXED_STRUCT, pil_font
from eval.synth.layouts import GCell, Grid
from eval.synth.render_scan import DPI, render_image

__all__ = ["DEGRADATIONS", "SKEW_DEGREES", "LOW_DPI", "split_grid", "write_degraded"]

SKEW_DEGREES = 2.5
LOW_DPI = 120
DEGRADATIONS = ("seal", "skew", "lowdpi", "split", "rot90", "rot180")
SEAL_RED = (225, 40, 50)


def _save(pages: list[Image.Image], path: Path, dpi: int = DPI) -> Path:
    buf = io.BytesIO()
    first, *rest = [p.convert("RGB") for p in pages]
    first.save(buf, "PDF", resolution=dpi, save_all=True, append_images=rest, title="scan", author="test",
               creationDate=FIXED_STRUCT, modDate=FIXED_STRUCT)
    path.write_bytes(buf.getvalue())
    return path


def stamp_seal(page: Image.Image) -> Image.Image:
    """A 4 cm red 公章 (ring, star, the unit's name around it) stamped where a form is signed and
    its scores are: the lower right of the table. Stamp ink multiplies with the print under it."""
    w, h = page.size
    ink = page.convert("L").point(lambda v: 255 if v < 128 else 0)
    box = ink.getbbox() or (0, 0, w, h)
    radius = int(DPI * 4 / 2.54 / 2)  # 4 cm across
    cx, cy = box[2] - radius - 20, box[3] - radius - 10
    stamp = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(stamp)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=SEAL_RED, width=7)
    star = [(cx + r * _cos(a), cy - r * _sin(a)) for k in range(10)
            for a, r in [(90 + 36 * k, radius * (0.32 if k % 2 == 0 else 0.13))]]
    draw.polygon(star, fill=SEAL_RED)
    font = pil_font(22)
    for k, ch in enumerate("县财政局绩效评价专用章"):
        a = 200 - k * 22
        draw.text((cx + radius * 0.72 * _cos(a), cy - radius * 0.72 * _sin(a)), ch, font=font, fill=SEAL_RED,
                  anchor="mm")
    return ImageChops.multiply(page.convert("RGB"), stamp)


def _cos(deg: float) -> float:
    import math

    return math.cos(math.radians(deg))


def _sin(deg: float) -> float:
    import math

    return math.sin(math.radians(deg))


def split_grid(grid: Grid) -> tuple[Grid, Grid]:
    """The grid cut in the middle of its indicator rows: page two carries on without the header
    row. A merged cell cut by the page break goes on, empty, on page two (as Word prints it)."""
    k = grid.header_row + 1 + (grid.n_rows - grid.header_row - 1) // 2
    top = [list(r) for r in grid.cells[:k]]
    bottom = [list(r) for r in grid.cells[k:]]
    top_merges, bottom_merges = [], []
    for r0, c0, r1, c1 in grid.merges:
        if r1 < k:
            top_merges.append((r0, c0, r1, c1))
        elif r0 >= k:
            bottom_merges.append((r0 - k, c0, r1 - k, c1))
        else:
            top_merges.append((r0, c0, k - 1, c1))
            bottom[0][c0] = GCell("")
            bottom_merges.append((0, c0, r1 - k, c1))
    return (Grid(top, top_merges, grid.widths, grid.header_row, grid.title, grid.subtitle, grid.pre),
            Grid(bottom, bottom_merges, grid.widths, 0, ""))


def write_degraded(grid: Grid, kind: str, path: Path) -> Path:
    """The form's scan with one degradation (:data:`DEGRADATIONS`) as an image-only PDF."""
    if kind == "split":
        return _save([render_image(g) for g in split_grid(grid)], path)
    page = render_image(grid).convert("RGB")
    if kind == "seal":
        return _save([stamp_seal(page)], path)
    if kind == "skew":
        return _save([page.rotate(SKEW_DEGREES, resample=Image.Resampling.BICUBIC, fillcolor="white")], path)
    if kind in ("rot90", "rot180"):
        return _save([page.rotate(int(kind.removeprefix("rot")), expand=True, fillcolor="white")], path)
    if kind == "lowdpi":
        f = LOW_DPI / DPI
        small = page.resize((round(page.width * f), round(page.height * f)), Image.Resampling.BOX)
        return _save([small], path, dpi=LOW_DPI)
    raise ValueError(kind)
