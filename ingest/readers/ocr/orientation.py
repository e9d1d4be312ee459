"""A page scanned turned by 90° or 180° is turned upright before it is read.

The PDF renderer hands pages over as they were scanned: a sheet fed sideways or upside down
gives text lines the recogniser reads as garbage — often with high scores on digits (measured:
an upside-down table read "%S6Z" at 0.91 and "%86" at 1.0), so a page's scores do not tell.
What tells is reading the same line both ways. The page's longest text lines from the first
pass (or, when it found none, from detection on a thumbnail) are cut out and recognised as they
lie and turned the other way their shape allows (a wide line 180°, a tall one 90° and 270°); the
page is turned only when a turn reads clearly surer (:data:`_MARGIN`) than the page as it lies.
A dozen short recognitions: a small share of a page's OCR. No orientation model is used; the
bundled recogniser's own scores decide.
"""

from __future__ import annotations

import statistics

from PIL import Image

from ingest.readers.ocr.boxes import TextBox
from ingest.readers.ocr.engine import detect, recognise_scored

__all__ = ["upright_turn"]

_ELONGATED = 3.0  # a box this many times longer than wide is a text line, whose direction tells
_SAMPLE = 5  # lines read each way
_MIN_LINES = 3  # fewer lines from the first pass: detect them on a thumbnail
_THUMB_SIDE = 1000  # px
_MARGIN = 0.15  # mean score a turn must gain over the page as it lies


def _size(b: TextBox) -> tuple[float, float]:
    return b.x1 - b.x0, b.y1 - b.y0


def _lines(boxes: list[TextBox]) -> list[TextBox]:
    return sorted((b for b in boxes if max(_size(b)) >= _ELONGATED * max(1.0, min(_size(b)))),
                  key=lambda b: -max(_size(b)))


def upright_turn(rgb: Image.Image, boxes: list[TextBox]) -> int:
    """Degrees (counter-clockwise, as :meth:`PIL.Image.Image.rotate`) that turn the page upright:
    0, 90, 180 or 270. ``boxes``: the first OCR pass on ``rgb``."""
    lines = _lines(boxes)
    if len(lines) < _MIN_LINES:
        factor = min(1.0, _THUMB_SIDE / max(rgb.size))
        thumb = rgb.resize((max(1, round(rgb.width * factor)), max(1, round(rgb.height * factor))))
        lines = [TextBox("", b.x0 / factor, b.y0 / factor, b.x1 / factor, b.y1 / factor)
                 for b in _lines(detect(thumb))]
    lines = lines[:_SAMPLE]
    if not lines:
        return 0
    crops = [rgb.crop((round(b.x0), round(b.y0), round(b.x1), round(b.y1))) for b in lines]
    tall = sum(_size(b)[1] > _size(b)[0] for b in lines) > len(lines) / 2

    def sureness(turn: int) -> float:
        return statistics.fmean(recognise_scored(c.rotate(turn, expand=True))[1] for c in crops)

    as_lies = sureness(0)
    best = max((90, 270) if tall else (180,), key=sureness)
    return best if sureness(best) >= as_lies + _MARGIN else 0
