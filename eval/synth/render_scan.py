"""A grid → a one-page image-only PDF, as if the signed table had been scanned at 150 dpi.

The table is drawn with Pillow (grid lines, the WenQuanYi font) on an A4-wide page and saved
with ``Image.save(..., "PDF")``: the file has no text layer, so only OCR can read it. The font
shrinks until the page fits A4; the planner keeps scanned tables to ≤ 12 indicator rows.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

from eval.synth.files import FIXED_STRUCT, pil_font
from eval.synth.layouts import Grid

DPI = 150
PAGE_W, PAGE_H = 1240, 1754  # A4 at 150 dpi
MARGIN = 60
PAD = 6


@lru_cache(maxsize=8192)
def _char_width(size: int, ch: str) -> float:
    return pil_font(size).getlength(ch)


def _wrap(text: str, size: int, width: float) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for ch in para:
            w = _char_width(size, ch)
            if line and used + w > width:
                lines.append(line)
                line, used = ch, w
            else:
                line, used = line + ch, used + w
        lines.append(line)
    return lines or [""]


def _layout(grid: Grid, size: int) -> tuple[list[int], list[float], dict[tuple[int, int], list[str]]]:
    line_h = int(size * 1.35)
    scale = (PAGE_W - 2 * MARGIN) / sum(grid.widths)
    xs = [MARGIN]
    for w in grid.widths:
        xs.append(xs[-1] + w * scale)
    heights = [line_h + 2 * PAD] * grid.n_rows
    wrapped: dict[tuple[int, int], list[str]] = {}
    tall: list[tuple[int, int, int]] = []
    for r in range(grid.n_rows):
        for c in range(grid.n_cols):
            cell = grid.cells[r][c]
            if cell is None:
                continue
            rs, cs = grid.span_of(r, c)
            lines = _wrap(cell.text, size, xs[c + cs] - xs[c] - 2 * PAD) if cell.text else [""]
            wrapped[(r, c)] = lines
            need = len(lines) * line_h + 2 * PAD
            if rs == 1:
                heights[r] = max(heights[r], need)
            else:
                tall.append((r, rs, need))
    for r, rs, need in tall:
        have = sum(heights[r:r + rs])
        if need > have:
            heights[r + rs - 1] += need - have
    return heights, xs, wrapped


def render_image(grid: Grid) -> Image.Image:
    for size in (19, 18, 17, 16, 15, 14):
        heights, xs, wrapped = _layout(grid, size)
        title_h = int(size * 2.6) + (int(size * 1.8) if grid.subtitle else 0)
        if MARGIN + title_h + sum(heights) + MARGIN <= PAGE_H:
            break
    font, title_font = pil_font(size), pil_font(int(size * 1.6))
    line_h = int(size * 1.35)
    im = Image.new("L", (PAGE_W, PAGE_H), 255)
    draw = ImageDraw.Draw(im)
    y = MARGIN
    draw.text((PAGE_W / 2, y), grid.title, font=title_font, fill=0, anchor="mt")
    y += int(size * 2.6)
    if grid.subtitle:
        draw.text((PAGE_W / 2, y - int(size * 0.6)), grid.subtitle, font=font, fill=0, anchor="mt")
        y += int(size * 1.8)
    ys = [y]
    for h in heights:
        ys.append(ys[-1] + h)
    for (r, c), lines in wrapped.items():
        rs, cs = grid.span_of(r, c)
        x0, x1, y0, y1 = xs[c], xs[c + cs], ys[r], ys[r + rs]
        draw.rectangle((x0, y0, x1, y1), outline=0, width=2)
        cell = grid.cells[r][c]
        top = (y0 + y1) / 2 - len(lines) * line_h / 2
        for k, line in enumerate(lines):
            ty = top + k * line_h
            if cell is not None and cell.kind == "text":
                draw.text((x0 + PAD, ty), line, font=font, fill=0)
            else:
                draw.text(((x0 + x1) / 2, ty), line, font=font, fill=0, anchor="ma")
    return im


def write_scan(grid: Grid, author: str) -> bytes:
    buf = io.BytesIO()
    render_image(grid).save(buf, "PDF", resolution=DPI, title=grid.title, author=author,
                            creationDate=FIXED_STRUCT, modDate=FIXED_STRUCT)
    return buf.getvalue()
