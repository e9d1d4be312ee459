"""When a retrieved text is relevant to a question: it holds the fact the question asks for.

One definition for our retriever and for every baseline, whatever their chunks look like: a text
is relevant when it comes from a file the fact is about and holds the fact's answer —

* a **value** (``55.2%``, ``95``, ``254份``): a number of the same value in the text, not stated in
  another unit (``95`` is not found in ``95%``; ``55.2%`` is found in a bare ``55.2`` cell, as a
  table states the unit in its header);
* a **sentence** (a deviation reason, a text value): the text contains it, after
  :func:`eval.compare.norm_text` (NFKC, no whitespace, no thousands separators).

The product's chunk format (``执行率：55.2%``) plays no part, so a baseline that splits the file's
plain text is not penalised for writing a fact differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eval.compare import TOLERANCE, norm_text, numbers_in, read_value, unit_of

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
# A number directly followed by one of these is stated in a unit.
_UNITS = ("%", "‰", "万元", "亿元", "千元", "元", "分", "份", "个", "人", "次", "天", "日", "户", "项", "年", "月",
          "平方米", "公里", "米", "吨", "亩", "名", "家", "所", "件", "场", "册", "条", "篇", "台", "套", "辆")


def text_key(text: str) -> str:
    return _THOUSANDS.sub("", norm_text(text))


@dataclass(frozen=True)
class Fact:
    """What a question asks for: a value (number + optional unit) or a sentence."""

    text: str
    number: float | None = None
    unit: str | None = None

    @classmethod
    def of(cls, answer: str, *, sentence: bool = False) -> Fact:
        """``answer`` as written in the source; ``sentence`` forces a text match (a reason)."""
        if sentence:
            return cls(text_key(answer))
        r = read_value(answer)
        if r.number is None or r.blank:
            return cls(text_key(answer))
        return cls(text_key(answer), r.number, r.unit)


def _stated_unit(after: str, unit: str | None) -> bool:
    """Whether the text right after a number states ``unit`` (or no unit at all)."""
    if unit and (after.startswith(unit) or unit_of(after[:len(unit)]) == unit):
        return True
    return not any(after.startswith(u) for u in _UNITS)


def holds(text: str, fact: Fact) -> bool:
    """Whether ``text`` states ``fact`` (see the module docstring)."""
    if fact.number is None:
        return bool(fact.text) and fact.text in text_key(text)
    return any(abs(number - fact.number) <= TOLERANCE and _stated_unit(after, fact.unit)
               for number, after in numbers_in(text))


def holds_any(text: str, facts: list[Fact]) -> bool:
    return any(holds(text, f) for f in facts)
