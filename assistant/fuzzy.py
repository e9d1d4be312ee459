"""Fuzzy name filters for the list page and the API: a query matches a unit or project name when it
is a part of the name (case-insensitive) or a run of the name's pinyin initials ("xzx" matches
县中学校舍维修, "cqs" 重庆市 — a character read several ways matches any of its readings).

pypinyin is imported on first use (its dictionaries take about a second to load) and bundles
its data: nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_LETTERS = re.compile(r"^[a-z]+$")


def matches(query: str, name: str) -> bool:
    """True when ``query`` (spaces ignored) is a part of ``name`` or a run of its pinyin initials."""
    q = "".join(query.split()).lower()
    if not q:
        return True
    if q in "".join(name.split()).lower():
        return True
    return bool(_LETTERS.match(q)) and _initials_match(q, _initials(name))


def matching(query: str, names: Iterable[str]) -> list[str]:
    """The names ``query`` matches, in the order given."""
    return [n for n in names if n and matches(query, n)]


def _initials_match(q: str, letters: tuple[frozenset[str], ...]) -> bool:
    n = len(q)
    return any(all(q[k] in letters[i + k] for k in range(n)) for i in range(len(letters) - n + 1))


@lru_cache(maxsize=50_000)
def _initials(name: str) -> tuple[frozenset[str], ...]:
    """Each letter, digit or Chinese character of ``name`` → the initials it may be typed as
    (punctuation and spaces are skipped, so "县中学（一中）" reads x z x y z)."""
    return tuple(_char_initials(ch) for ch in name if ch.isalnum())


@lru_cache(maxsize=20_000)
def _char_initials(ch: str) -> frozenset[str]:
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        from pypinyin import Style, pinyin

        readings = pinyin(ch, style=Style.FIRST_LETTER, heteronym=True)[0]
        return frozenset(r[0].lower() for r in readings if r)
    return frozenset(ch.lower())


__all__ = ["matches", "matching"]
