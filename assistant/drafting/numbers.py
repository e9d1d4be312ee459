"""The drafts' number guard: every number in a draft must appear in the facts it cites.

Standard library and :mod:`assistant.numbers` only, so it can later be merged with the answer
guard; numbers are compared by their :func:`~assistant.numbers.canonical` form. :func:`extract_numbers` finds the numbers a reader would read as figures:

* Arabic numbers, full-width too, with thousands separators and decimals: ``1,236.50`` → ``1236.5``;
  ``40.0%`` and ``40%`` are both ``40`` (the unit is not part of the number);
* small Chinese numerals before a counter (``三个项目``, ``两份``) → ``3``, ``2``;

and skips what is not a figure:

* identifiers — an ASCII run with ``_`` or a letter followed by a digit (``CALC-IND-001``, the
  finding id ``7179c646006a2d88``, ``0001_pdf_table_mof``), so rule codes and trace ids pass;
* list numbering at the start of a line or block (``1、`` ``1.`` ``（1）`` ``(2)``).

:func:`unsupported_numbers` returns the numbers of a text that are not among the allowed ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from assistant.numbers import canonical, exact

__all__ = ["extract_numbers", "number_set", "unsupported_numbers"]

_RUN = re.compile(r"[A-Za-z0-9_:\-]+")
_IDENT = re.compile(r"_|[A-Za-z][^A-Za-z]*\d")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_LIST_MARK = re.compile(r"^(\s*)(?:\d+\s*[、.．](?!\d)|[（(]\d+[）)])", re.MULTILINE)
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"(?<![每逐第统唯同之万单其])([零一二两三四五六七八九十百]+)(?=[个项份家条名类处])")


def _cn_value(word: str) -> int | None:
    """``三`` → 3, ``十二`` → 12, ``二十`` → 20, ``一百零五`` → 105 (small numerals only)."""
    total, current = 0, 0
    for ch in word:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    value = total + current
    return value if word else None


def extract_numbers(text: str) -> list[tuple[str, str]]:
    """The numbers in ``text`` as ``(as written, normalised)`` pairs, in order."""
    text = unicodedata.normalize("NFKC", text or "")
    # blank out list numbering and identifiers, keeping offsets stable
    chars = list(text)
    for m in _LIST_MARK.finditer(text):
        for i in range(m.start() + len(m.group(1)), m.end()):
            chars[i] = " "
    for m in _RUN.finditer(text):
        if _IDENT.search(m.group(0)):
            for i in range(m.start(), m.end()):
                chars[i] = " "
    masked = "".join(chars)
    out: list[tuple[int, str, str]] = []
    for m in _NUMBER.finditer(masked):
        norm = canonical(m.group(0))
        if norm is not None:
            out.append((m.start(), m.group(0), norm))
    for m in _CN_NUMBER.finditer(masked):
        value = _cn_value(m.group(1))
        if value is not None:
            out.append((m.start(), m.group(1), str(value)))
    return [(raw, norm) for _, raw, norm in sorted(out)]


def number_set(allowed: Iterable[str | int | float]) -> set[str]:
    """Normalised numbers from numbers and texts (a text contributes every number in it)."""
    out: set[str] = set()
    for item in allowed:
        if item is None:
            continue
        if isinstance(item, bool):
            continue
        if isinstance(item, (int, float)):
            out.add(exact(item))
            continue
        out.update(n for _, n in extract_numbers(str(item)))
    return out


def unsupported_numbers(text: str, allowed_numbers: Iterable[str | int | float]) -> list[str]:
    """The numbers in ``text`` (as written, each once, in order) that are not in ``allowed_numbers``.

    ``allowed_numbers`` may mix numbers and texts; a text allows every number written in it, so
    the facts a sentence cites can be passed as they are.
    """
    allowed = number_set(allowed_numbers)
    out: list[str] = []
    for raw, norm in extract_numbers(text):
        if norm not in allowed and raw not in out:
            out.append(raw)
    return out
