"""Heading levels from Chinese outline numbering, shared by every reader.

Chinese government reports number their outline by convention, not by style:

====================  =====  =======================
numbering             level  example
====================  =====  =======================
``一、`` ``第一部分``   1      一、项目基本情况
``（一）`` ``(一)``     2      （一）项目概况
``1.`` ``1、`` ``1．``  3      1、工作经费落实情况
``（1）`` ``(1)``       4      （1）做好预算绩效管理的宣传
====================  =====  =======================

A numbered line is only a heading when it looks like one:

* a *short title*: at most :data:`MAX_HEADING_CHARS` characters and no sentence punctuation
  (``一、项目基本情况``, ``（二）实施项目绩效监控：``); or
* a *run-in title*: a short clause without commas closed by ``。`` or ``：`` and followed by
  body text (``1、项目绩效目标。在编制 2020 年部门专项预算时……``). The whole paragraph keeps
  the level; :func:`split_heading` separates title and body for whoever builds sections.

``（1）做好预算绩效管理的宣传，让绩效理念深入人心。`` is a numbered *sentence*, not a heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_HEADING_CHARS = 40  # longer lines are body text unless they carry a run-in title
MAX_RUN_IN_TITLE = 30  # a run-in title is a short clause: 1、项目绩效目标。……

_CN_NUM = "一二三四五六七八九十百零〇"
_DIGITS = "0-9０-９"

# Order matters: （一） must be tried before 一、 would not match it anyway, but （1） must be
# tried before 1. so that "(1)" is never read as something else.
_NUMBERING: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^第[{_CN_NUM}{_DIGITS}]+(?:部分|章)\s*")),
    (1, re.compile(rf"^[{_CN_NUM}]+\s*[、.．]\s*")),
    (2, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]\s*[、.．]?\s*")),
    (4, re.compile(rf"^[（(]\s*[{_DIGITS}]{{1,2}}\s*[）)]\s*[、.．]?\s*")),
    # "1." but not "1.5亿元": a dot followed by a digit is a decimal point.
    (3, re.compile(rf"^[{_DIGITS}]{{1,2}}\s*(?:[、．]|\.(?![{_DIGITS}]))\s*")),
]

SENTENCE_END = "。！？；!?;"  # punctuation that ends a sentence (a title never contains it)
RUN_IN_END = "。：:"  # what closes a run-in title
_CLAUSE = "，,、；;"  # a run-in title is one clause: these mean it is a sentence instead


def numbering(text: str) -> tuple[int, str] | None:
    """``(level, rest)`` when ``text`` starts with outline numbering, else None."""
    text = text.strip()
    for level, pattern in _NUMBERING:
        m = pattern.match(text)
        if m:
            return level, text[m.end():].strip()
    return None


def split_heading(text: str) -> tuple[int, str, str] | None:
    """``(level, title, body)`` when ``text`` is a heading, else None.

    ``title`` keeps the numbering (``1、项目绩效目标``); ``body`` is the run-in text after it
    (empty for a plain heading line).
    """
    text = text.strip()
    found = numbering(text)
    if found is None:
        return None
    level, rest = found
    if not rest:
        return None  # a bare "1、" is a list marker, not a heading
    if len(text) <= MAX_HEADING_CHARS and not any(ch in SENTENCE_END for ch in text):
        return level, text, ""
    cut = min((rest.find(ch) for ch in RUN_IN_END if ch in rest), default=-1)
    if cut <= 0:
        return None
    title, body = rest[:cut], rest[cut + 1:].strip()
    if len(title) > MAX_RUN_IN_TITLE or any(ch in _CLAUSE for ch in title):
        return None
    if not body and rest[cut] == "。":
        return None  # "1、预算执行率为98.5%。" is a one-sentence item
    head_len = len(text) - len(rest) + cut
    return level, text[:head_len].strip(), body


def heading_level(text: str) -> int | None:
    """Outline level 1–4 of a heading line (see the module docstring), None for body text."""
    found = split_heading(text)
    return found[0] if found else None


def assign_levels(texts: Sequence[str]) -> list[int | None]:
    """:func:`heading_level` for a run of paragraphs, corrected by their numbered siblings.

    A numbered line that is a heading only because it is short is demoted to body text when
    its previous sibling (same numbering level, no parent heading in between) was a numbered
    sentence: in ``（3）搭建……迈进。`` / ``（4）预算单位……加强绩`` the second item is a sentence
    that a line break cut short, not a heading.
    """
    levels: list[int | None] = []
    for i, text in enumerate(texts):
        found = split_heading(text)
        level = found[0] if found else None
        if found and not found[2] and _previous_sibling_is_sentence(texts, levels, i, found[0]):
            level = None
        levels.append(level)
    return levels


def _previous_sibling_is_sentence(
    texts: Sequence[str], levels: list[int | None], i: int, level: int
) -> bool:
    for j in range(i - 1, -1, -1):
        if levels[j] is not None and levels[j] < level:
            return False  # reached the parent heading
        num = numbering(texts[j])
        if num is not None and num[0] == level:
            return levels[j] is None
    return False
