"""Undo the line wrapping of a narrow table cell in a PDF or a scan.

A PDF cell has no paragraphs, only lines where the text hit the cell's edge: "社会效益指\\n标",
"≤0.7万元/公\\n里", "1,23\\n4.5". Chinese text and numbers are written without spaces, so
the lines are joined directly when either side of the break is CJK, a digit or punctuation,
and with one space between two Latin words. Word cells keep their real paragraphs; this is
only for readers that see lines.
"""

from __future__ import annotations

import re

_BREAK = re.compile(r"\s*\n\s*")
_LATIN = re.compile(r"[A-Za-z]")


def unwrap_cell(text: str) -> str:
    parts = [p for p in _BREAK.split(text.strip()) if p]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        glue = " " if _LATIN.match(out[-1]) and _LATIN.match(part[0]) else ""
        out += glue + part
    return out
