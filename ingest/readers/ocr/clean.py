"""A scanned page made fit for OCR: red seals removed, a low-resolution scan upscaled, skew undone.

Real scans are not the clean renders the rest of the package was tuned on:

* a red 公章 stamped over the figures confuses both the ruling-line search (its ring is ink) and
  the recogniser. Seal ink is saturated red or pink; table text and rules are black or grey, so
  the seal is told apart by colour alone (:func:`remove_seal`) and turned into background. Black
  text under the seal stays: it is dark whatever the seal's colour.
* a fax-like scan at 100–120 dpi has digits a dozen pixels high, below what the detector finds
  reliably; it is upscaled to :data:`TARGET_DPI` first (:func:`upscale`).
* a page turned by even 2° loses its tables: the ruling-line search wants horizontal and
  vertical rules. The angle is the one at which the rows of ink line up best (the horizontal
  projection profile is sharpest, :func:`skew_angle`); rules and text lines both line up, so it
  works on ruled and unruled pages alike. The page is turned back (:func:`deskew`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from ingest.readers.ocr.image import binarise

__all__ = ["MAX_SKEW", "TARGET_DPI", "Cleaned", "clean_page", "deskew", "remove_seal", "skew_angle", "upscale"]

MAX_SKEW = 5.0  # degrees; a page turned further is not a skewed scan but a rotated one
MIN_SKEW = 0.15  # degrees; below this, turning the page costs more (resampling blur) than it gains
TARGET_DPI = 150  # the resolution the recogniser and the ruling-line search were tuned at
LOW_DPI = 130  # a scan below this is upscaled to TARGET_DPI
# red pixels from which a page has a seal on it (a 4 cm seal at 150 dpi has ~9000; JPEG colour
# noise on a plain black-and-white page a few dozen)
SEAL_MIN_PIXELS = 1500
_SEAL_PALE = 170  # red channel at or above which a pixel by the seal is background
_PROFILE_WIDTH = 800  # px; the skew search runs on a copy this wide (speed; angles do not change)


@dataclass(frozen=True)
class Cleaned:
    """The cleaned page, and what was done to it (for the reading's provenance and the bench)."""

    image: Image.Image
    scale: float  # the upscaling applied (1.0: none)
    angle: float  # degrees the page was turned back by (0.0: none)
    seal_pixels: int  # pixels of seal ink turned into background


def remove_seal(rgb: Image.Image) -> tuple[Image.Image, int]:
    """``rgb`` with saturated red/pink pixels made white, and how many there were."""
    arr = np.asarray(rgb.convert("RGB"))
    hsv = cv2.cvtColor(arr, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    # OpenCV hue is 0–179: red wraps around 0; pink (magenta-red) sits near 150–179.
    red = ((hue <= 12) | (hue >= 150)) & (sat >= 60) & (val >= 90)
    count = int(red.sum())
    if not count:
        return rgb, 0
    out = arr.copy()
    out[red] = 255
    if count >= SEAL_MIN_PIXELS:
        # A stamped seal leaves a pale pink fringe round its strokes (anti-aliased, too pale for
        # the test above) that OCR reads as the seal's characters glued to the figures under it
        # (measured: "5" read "5局", "10" read "10 效商"). Near the seal's ink, and wherever the ink is
        # faintly red, each pixel keeps only its red channel: pink turns white, while black text
        # under the seal stays black (its red channel is dark too).
        near = cv2.dilate(red.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        faint = ((hue <= 12) | (hue >= 150)) & (sat >= 15)
        fringe = (near | faint) & ~red
        kept = arr[..., 0][fringe]
        kept[kept >= _SEAL_PALE] = 255  # the fringe's grey rim, lighter than any text stroke
        out[fringe] = kept[:, None]
    return Image.fromarray(out), count


def upscale(rgb: Image.Image, dpi: float) -> tuple[Image.Image, float]:
    """A page scanned below :data:`LOW_DPI` brought to :data:`TARGET_DPI` (bicubic), and the factor."""
    if dpi <= 0 or dpi >= LOW_DPI:
        return rgb, 1.0
    factor = TARGET_DPI / dpi
    size = (round(rgb.width * factor), round(rgb.height * factor))
    return rgb.resize(size, Image.Resampling.BICUBIC), factor


def _profile_score(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(ink, turn, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(gray: np.ndarray) -> float:
    """Degrees (counter-clockwise positive, as :func:`cv2.getRotationMatrix2D`) to turn the page
    by so its rows of ink are horizontal; 0.0 for a page with too little ink to tell."""
    h, w = gray.shape
    factor = min(1.0, _PROFILE_WIDTH / w)
    small = cv2.resize(gray, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
    ink = (binarise(small) > 0).astype(np.uint8)
    if ink.sum() < 50:
        return 0.0
    # Coarse then fine: the score is smooth near its peak, sharp rows of ink give one clear maximum.
    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5), key=lambda a: _profile_score(ink, a))
    fine = max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.05), key=lambda a: _profile_score(ink, a))
    return round(float(fine), 2)


def deskew(rgb: Image.Image, angle: float) -> Image.Image:
    """``rgb`` turned by ``angle`` degrees about its centre, the uncovered corners white."""
    arr = np.asarray(rgb.convert("RGB"))
    h, w = arr.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(arr, turn, (w, h), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255))
    return Image.fromarray(out)


def clean_page(image: Image.Image, dpi: float) -> Cleaned:
    """Seal removed, then upscaled if the scan is coarse, then turned straight: in that order, so
    the seal's ring does not vote in the skew search and the search sees full-size rows."""
    rgb, seal = remove_seal(image.convert("RGB"))
    rgb, factor = upscale(rgb, dpi)
    angle = skew_angle(np.asarray(rgb.convert("L")))
    if abs(angle) >= MIN_SKEW:
        rgb = deskew(rgb, angle)
    else:
        angle = 0.0
    return Cleaned(rgb, factor, angle, seal)
