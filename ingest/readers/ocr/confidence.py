"""When an OCR reading is trusted.

OCR never guesses: a re-read line counts only when the recogniser is confident of it, a number
read from a cell only when the whole reading is a number, and a recovered sign only when the
text after it agrees with the first reading (:mod:`ingest.readers.ocr.recovery`).
"""

from __future__ import annotations

import re

__all__ = ["MIN_SCORE", "NUMBER", "accepted", "is_number", "reread_agrees"]

# Recognition score (PP-OCRv4 scores its own readings 0–1) below which a re-read line is dropped.
MIN_SCORE = 0.5

NUMBER = re.compile(r"\d[\d.,]*%?")


def accepted(score: float) -> bool:
    return score >= MIN_SCORE


def is_number(text: str) -> bool:
    """A plain number as the model reads one (98, 1,200, 96.5%)."""
    return NUMBER.fullmatch(text) is not None


def reread_agrees(first: str, rest: str, sign: str, misread: str | None) -> bool:
    """A sign found before ``rest`` may replace the start of ``first`` only when re-reading without
    it gives the same text (the sign was skipped) or the same text minus the look-alike the sign
    was misread as — so a shape test gone wrong cannot invent or drop digits."""
    return rest == first or (rest == first[1:] and sign == misread)
