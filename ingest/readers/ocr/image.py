"""Page images: how big a page may be rendered, the rendered page capped in size, and its ink.

A page's size is whatever the file declares: a 2 KB PDF can declare a page of 5 m × 5 m, which
rendered at 150 dpi is a 30000 × 30000 px bitmap (2.7 GB, several copies of it on the way to
OCR). So before anything is rendered, :func:`render_scale` refuses pages whose area is absurd
(:data:`MAX_PAGE_AREA_PT2`) and lowers the scale so the image stays within the pixel budget
(``Settings.max_page_pixels``); :func:`open_capped` does the same for a picture embedded in a
file before its pixels are decoded.
"""

from __future__ import annotations

import io
import math

import cv2
import numpy as np
from PIL import Image

from ingest.errors import PageTooLarge

__all__ = ["MAX_PAGE_AREA_PT2", "MAX_SIDE", "binarise", "open_capped", "prepare", "render_scale"]

MAX_SIDE = 2000  # px; bigger pages are scaled down first (RapidOCR would do it anyway)
PT_PER_MM = 72 / 25.4
A0_PT2 = (841 * PT_PER_MM) * (1189 * PT_PER_MM)  # A0 (841 × 1189 mm) in square points
# Four A0 sheets: an engineering drawing is A0 at most; a bigger "page" is a hostile or broken file.
MAX_PAGE_AREA_PT2 = 4 * A0_PT2


def render_scale(width_pt: float, height_pt: float, dpi: float, max_pixels: int) -> float:
    """Pixels per point to render a ``width_pt`` × ``height_pt`` page at: ``dpi / 72``, lowered
    so the image has at most ``max_pixels`` pixels. Raises :class:`PageTooLarge` for a page
    without a size or bigger than :data:`MAX_PAGE_AREA_PT2`."""
    if not (width_pt > 0 and height_pt > 0) or not math.isfinite(width_pt * height_pt):
        raise PageTooLarge(f"页面尺寸无效：{width_pt}×{height_pt} 磅")
    area = width_pt * height_pt
    if area > MAX_PAGE_AREA_PT2:
        raise PageTooLarge(f"页面 {width_pt / PT_PER_MM / 1000:.2f}×{height_pt / PT_PER_MM / 1000:.2f} 米，"
                           f"超过 4 张 A0 图纸的面积")
    scale = dpi / 72
    if area * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / area)
    return scale


def open_capped(data: bytes, max_pixels: int) -> Image.Image:
    """An embedded picture, opened (only its header read) and refused when it has more than
    ``max_pixels`` pixels: a small compressed file can decode to gigabytes."""
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > max_pixels:
        w, h = image.size
        image.close()
        raise PageTooLarge(f"图片 {w}×{h} 像素，超过上限 {max_pixels} 像素")
    return image


def prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """RGB copy capped to MAX_SIDE px on the long side, and the scale applied."""
    rgb = image.convert("RGB")
    scale = min(1.0, MAX_SIDE / max(rgb.size))
    if scale < 1.0:
        size = (round(rgb.width * scale), round(rgb.height * scale))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    return rgb, scale


def binarise(gray: np.ndarray) -> np.ndarray:
    # Adaptive rather than global threshold: scans have uneven, greyish backgrounds and faint rules.
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
