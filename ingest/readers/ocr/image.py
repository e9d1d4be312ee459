"""Page images: the rendered page capped in size, and its ink (binarised)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

__all__ = ["MAX_SIDE", "binarise", "prepare"]

MAX_SIDE = 2000  # px; bigger pages are scaled down first (RapidOCR would do it anyway)


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
