"""The sign-recovery hooks: what the OCR model drops or misreads in a table, put back from the
glyph's shape (:mod:`ingest.readers.signs`), never from the text alone.

* :func:`restore_leading_sign` — a leading ≥/≤ misread as a look-alike ("≥6年" → "26年") or skipped;
* :func:`read_empty_cells` — a cell with ink but no text: a lone comparison sign, or a lone number
  the detector missed;
* :func:`restore_lone_signs` — a cell's lone ≥/≤ read as another character ("2", ">", "<");
* :func:`restore_bracket_signs` — the ≥/≤ in a name's bracket ("公猪舍(≥**平方米)") misread or dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from PIL import Image

from ingest.readers.ocr.boxes import TextBox, crop
from ingest.readers.ocr.confidence import is_number, reread_agrees
from ingest.readers.ocr.engine import recognise_scored
from ingest.readers.ocr.image import binarise
from ingest.readers.ocr.layout import CellBoxes
from ingest.readers.ocr.rules import Grid
from ingest.readers.signs import (
    bracket_signs,
    comparison_sign,
    ink_height,
    leading_sign,
    lone_sign,
    sign_first,
    two_bar_sign,
)

__all__ = ["digit_height", "read_empty_cells", "restore_bracket_signs", "restore_leading_sign", "restore_lone_signs"]

_MAX_SIGN_PT = 14.0  # a lone ≥/≤ is one character high at table text sizes

# What PP-OCR made of a comparison sign, and the sign it stands for. Measured: "2" and ">" for ≥
# (leading or alone in a cell), "<" for a lone ≤ (the sign without its bar); "Z" looks like "2".
_MISREAD_SIGN = {"2": "≥", "Z": "≥", "z": "≥", ">": "≥", "＞": "≥", "<": "≤", "＜": "≤"}


_SPACED_LOOKALIKE = re.compile(r"^([2Zz>＞<＜])\s+(?=\d)")
_PLAIN_SIGN = {"≧": "≥", "≦": "≤"}


def restore_leading_sign(rgb: Image.Image, ink: np.ndarray, box: TextBox) -> TextBox:
    """Put back a leading ≥/≤ the model misread or skipped, when the glyph's shape says so.

    Misread: the sign came back as a look-alike ("≥6年" → "26年"). Skipped: the box holds the
    sign's ink but the text starts at the number (measured: "≥95%" → "95%", "≥2550人" → "2550人").
    The text after the sign is re-read without it and must agree with the first reading, minus
    the look-alike or whole, so a shape test gone wrong cannot invent or drop digits.
    """
    # a look-alike read apart from its number ("≧80%" → "2 80%") is one reading of the glued text
    text = _SPACED_LOOKALIKE.sub(r"\1", box.text)
    first = text[:1]
    misread = _MISREAD_SIGN.get(first) if text[1:2].isdigit() else None
    if misread is None and not first.isdigit():
        return box
    found = leading_sign(crop(ink, box))
    if found is None:
        return box
    x0 = round(box.x0) + found.end
    rest, score = recognise_scored(rgb.crop((x0, round(box.y0), round(box.x1), round(box.y1))))
    # ≧ is read as "2" as ≥ is: the look-alike stands for either
    if reread_agrees(text, rest, _PLAIN_SIGN.get(found.sign, found.sign), misread):
        return replace(box, text=found.sign + rest, score=min(score, box.score if box.score is not None else 1.0))
    return box


_OPENING = "(（"
_LOOKALIKE = frozenset(_MISREAD_SIGN) | {"≥", "≤"}


def restore_bracket_signs(ink: np.ndarray, box: TextBox) -> TextBox:
    """Put back the ≥/≤ after an opening bracket that the glyph's shape shows and the reading
    lost: read as a look-alike ("(>**平方米)", "(2台)") or skipped ("(米)").

    The sign is placed after the reading's bracket that stands for the bracket glyph it follows:
    the i-th of as many as the ink shows, or the only one when one bracket glyph has a sign after
    it and the reading has one bracket. A wrapped name's second line that starts with the sign
    (">**平方米)") is mended the same way. Digits are never touched: a sign only replaces a
    look-alike or goes in before a non-digit.
    """
    text = box.text
    at = [i for i, ch in enumerate(text) if ch in _OPENING]
    if not at:
        if text[:1] in _LOOKALIKE and text[1:2] and not text[1].isdigit() and (sign := sign_first(crop(ink, box))):
            return replace(box, text=sign + text[1:]) if sign != text[0] else box
        return box
    signs = bracket_signs(crop(ink, box))
    if len(signs) != len(at):
        found = [s for s in signs if s]
        if len(found) != 1 or len(at) != 1:
            return box
        signs = found
    for i, sign in sorted(zip(at, signs, strict=True), reverse=True):  # from the right: indexes stay valid
        after = text[i + 1:i + 2]
        if sign is None or after == sign or not after or after.isdigit() and after not in _LOOKALIKE:
            continue
        rest = text[i + 2:] if after in _LOOKALIKE else text[i + 1:]
        if after in _LOOKALIKE and rest[:1].isdigit():
            continue  # "(2…" then a digit: the "2" may be a number's first digit
        text = text[:i + 1] + sign + rest
    return box if text == box.text else replace(box, text=text)


def restore_lone_signs(ink: np.ndarray, in_cells: list[CellBoxes], digit_height: float | None) -> None:
    """Put back a cell's lone ≥/≤ that the model read as another character.

    Measured on Sichuan scans: of six lone signs in the 指标性质 column, two came back as "2", one
    as ">" and three as "<". A real lone "2" (a score) has the same bar and bulge as ≥, so the
    glyph must also be shorter than the page's digits.
    """
    if digit_height is None:
        return
    for cells in in_cells:
        for origin, boxes in cells.items():
            if len(boxes) != 1:
                continue
            text = boxes[0].text
            if text in _MISREAD_SIGN:
                if lone_sign(crop(ink, boxes[0]), digit_height) == _MISREAD_SIGN[text]:
                    cells[origin] = [replace(boxes[0], text=_MISREAD_SIGN[text])]
            elif _garbled_sign(text) and (sign := two_bar_sign(crop(ink, boxes[0]))):
                cells[origin] = [replace(boxes[0], text=sign)]


# Signs drawn with two bars, which the model reads as letters or numerals (measured on a Yunnan
# scan: "≧" → "AII", "=", "Ⅱ"; "═" → "Ⅱ"): their shape (two bars) is in no letter or digit.
_GARBLED_SIGN = re.compile(r"[A-Za-zⅠ-Ⅻ|=＝_\-—1]{1,3}")


def _garbled_sign(text: str) -> bool:
    """A short reading of letters, strokes or Roman numerals, what a lone two-bar sign comes
    back as; never a number or a word."""
    return _GARBLED_SIGN.fullmatch(text) is not None and not is_number(text)


def read_empty_cells(rgb: Image.Image, gray: np.ndarray, grids: list[Grid], in_cells: list[CellBoxes], tol: int,
                     px_per_pt: float, digit_height: float | None) -> None:
    """Give cells with ink but no text what they hold: a comparison sign, or a lone number.

    The PP-OCR models neither detect nor recognise a lone ≥ or ≤ (measured: the 指标性质 column
    of a Sichuan scan came back empty or as ">"), and a lost sign turns "≥90%" into "90%". The
    sign is told from its shape instead (:func:`ingest.readers.signs.comparison_sign`). The
    detector also misses a lone digit in a tall cell (measured: a 分值 "7" beside a four-line
    cell, which the recogniser reads at 0.99 once it is cut out).
    """
    margin = tol + 2
    max_glyph = _MAX_SIGN_PT * px_per_pt
    for grid, cells in zip(grids, in_cells, strict=True):
        for (r, c), (rs, cs) in grid.spans.items():
            if (r, c) in cells:
                continue
            x0, x1 = grid.xs[c] + margin, grid.xs[c + cs] - margin
            y0, y1 = grid.ys[r] + margin, grid.ys[r + rs] - margin
            if x1 - x0 < 4 or y1 - y0 < 4:
                continue
            ink = binarise(gray[y0:y1, x0:x1]) > 0
            sign = comparison_sign(ink, max_glyph)
            if sign:
                cells[(r, c)] = [TextBox(sign, x0, y0, x1, y1)]
            elif digit_height is not None and (number := lone_number(rgb, ink, x0, y0, digit_height)):
                cells[(r, c)] = [number]


def lone_number(rgb: Image.Image, ink: np.ndarray, x0: int, y0: int, digit_height: float) -> TextBox | None:
    """The number a cell's ink (its top-left at ``x0, y0`` on the page) reads as, if it is one line
    of digit height; cut out with some white around it, as the detector would."""
    ys, xs = np.nonzero(ink)
    if not len(ys) or not 0.6 * digit_height <= ys.max() + 1 - ys.min() <= 1.5 * digit_height:
        return None
    pad = round(digit_height / 2)
    box = TextBox("", x0 + xs.min() - pad, y0 + ys.min() - pad, x0 + xs.max() + 1 + pad, y0 + ys.max() + 1 + pad)
    text, score = recognise_scored(rgb.crop((round(box.x0), round(box.y0), round(box.x1), round(box.y1))))
    return replace(box, text=text, score=score) if is_number(text) else None


def digit_height(ink: np.ndarray, boxes: list[TextBox]) -> float | None:
    """Median ink height of the page's plain numbers (a digit's height), None without any."""
    heights = [ink_height(crop(ink, b)) for b in boxes if len(b.text) >= 2 and is_number(b.text)]
    return float(np.median(heights)) if heights else None
