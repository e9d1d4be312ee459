"""When an OCR reading is trusted.

OCR never guesses: a re-read line counts only when the recogniser is confident of it, a number
read from a cell only when the whole reading is a number, and a recovered sign only when the
text after it agrees with the first reading (:mod:`ingest.readers.ocr.recovery`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.document import Cell, Table
from ingest.readers.ocr.boxes import TextBox

__all__ = ["DOUBT_SCORE", "MIN_SCORE", "NUMBER", "accepted", "doubt_reason", "doubtful_cells", "glued_letter",
           "is_number",
           "lowest_score", "reread_agrees"]

# Recognition score (PP-OCRv4 scores its own readings 0–1) below which a re-read line is dropped.
MIN_SCORE = 0.5

NUMBER = re.compile(r"\d[\d.,]*%?")


def lowest_score(boxes: Iterable[TextBox]) -> float | None:
    """A cell is as sure as its least sure line; None when no line in it was scored by the model."""
    scores = [b.score for b in boxes if b.score is not None]
    return round(min(scores), 3) if scores else None


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


# A figure read below this score is not trusted without a look at the original. Measured on three
# real-set forms' scans (clean, seal, skew, 120 dpi, split): most figures score 0.96–1.0, a "69"
# under a seal 0.62;
# a garbled cell under a seal ("90绿效讲") 0.52; a lone "0" 0.54–0.79 — read right, but the
# recogniser is unsure of one glyph, so it is flagged too (a false alarm a reviewer clears).
DOUBT_SCORE = 0.8
_MAX_LISTED = 5  # cells named in the reason; the rest are counted


def doubtful_cells(tables: Iterable[Table]) -> list[Cell]:
    """The OCR cells holding a figure (a digit) read with a score below :data:`DOUBT_SCORE`, or
    with a letter glued to the figure (:func:`glued_letter`); a merged cell's copies are not
    counted again."""
    return [cell for table in tables if table.ocr for row in table.rows for cell in row
            if not cell.merged and cell.confidence is not None and any(ch.isdigit() for ch in cell.text)
            and (cell.confidence < DOUBT_SCORE or glued_letter(cell.text))]


# One Latin letter right before a figure, not inside a word or code ("PM2.5" stays). Measured
# on a scan: "≤90万元" read "s90万元" at 0.896 — a sign read as a letter, with a score that passed.
_GLUED = re.compile(r"(?<![A-Za-z])([A-Za-z])(?=\d)")


def glued_letter(text: str) -> str | None:
    """The letter a figure starts with ("s" of "s90万元"), None when there is none."""
    match = _GLUED.search(text)
    return match.group(1) if match and not _GLUED_WORD.search(text) else None


_GLUED_WORD = re.compile(r"[A-Za-z]{2,}")  # a word or code of letters (kw, PM, GDP): no glued sign


def doubt_reason(tables: list[Table], cells: list[Cell] | None = None, why: dict[int, str] | None = None) -> str | None:
    """Why a scan's reading needs a look (which cells, how sure OCR was and, from ``why`` by the
    cell's id, which check it fails), or None. ``cells``: the doubtful cells still in doubt
    (default: all of :func:`doubtful_cells`)."""
    index = {id(cell): table for table in tables for row in table.rows for cell in row}
    cells = doubtful_cells(tables) if cells is None else cells
    if not cells:
        return None
    why = why or {}
    named = [f"{'第' + str(c.page) + '页' if c.page else ''}表{index[id(c)].index + 1}第{c.row + 1}行第{c.col + 1}列"
             f"“{c.text}”（置信度 {c.confidence:.2f}{'，' + why[id(c)] if id(c) in why else ''}）"
             for c in cells[:_MAX_LISTED]]
    more = f"等 {len(cells)} 处" if len(cells) > _MAX_LISTED else ""
    return f"扫描件识别存疑，请对照原件核对：{'，'.join(named)}{more}"
