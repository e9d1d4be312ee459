"""A recognised text box, and conversions between image pixels and PDF points."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["TextBox", "bbox_pt", "crop", "top"]


@dataclass(frozen=True)
class TextBox:
    """One recognised text line, axis-aligned, in image pixels."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    # The recogniser's own score of the reading (0–1); None for a reading not made by the model
    # (a comparison sign recovered from the glyph's shape).
    score: float | None = None

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def top(boxes: Iterable[TextBox]) -> float:
    return min(b.y0 for b in boxes)


def crop(ink: np.ndarray, box: TextBox) -> np.ndarray:
    """The part of a page-sized array under ``box``."""
    return ink[round(box.y0):round(box.y1), round(box.x0):round(box.x1)]


def bbox_pt(x0: float, y0: float, x1: float, y1: float, px_per_pt: float) -> tuple[float, float, float, float]:
    """An image-pixel box in PDF points (what cell bboxes are given in)."""
    return (round(x0 / px_per_pt, 2), round(y0 / px_per_pt, 2),
            round(x1 / px_per_pt, 2), round(y1 / px_per_pt, 2))
