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


# --- does a cited passage support the sentence citing it ------------------------------------------

_MARKERS = re.compile(r"(?:\[\d+\])+")
_ORDINAL = re.compile(r"^\s*\d+[.、．]\s*")
_CLAUSE = re.compile(r"[，,；;。！？!?]")
SUPPORT_OVERLAP = 0.6  # a sentence without numbers: share of its content's character bigrams in the passage


def cited_sentences(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, the ``[n]`` it cites) for every sentence of ``answer`` that cites;
    a sentence ends at its markers (and the punctuation right after them)."""
    out = []
    start = 0
    for m in _MARKERS.finditer(answer):
        body = answer[start:m.start()]
        tail = re.match(r"[。；;！？!?，,]*", answer[m.end():])
        start = m.end() + (tail.end() if tail else 0)
        body = body.split("\n")[-1]  # a line of its own (a numbered item) starts the sentence
        out.append((_ORDINAL.sub("", body).strip(), [int(n) for n in re.findall(r"\d+", m.group())]))
    return out


def _unit_after(after: str) -> str | None:
    return next((u for u in sorted(_UNITS, key=len, reverse=True) if after.startswith(u)), None)


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\W_]+", "", text_key(text))
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _unit_of_change(after: str) -> str | None:
    """A difference's unit: ``3.2个百分点`` is a difference of two rates."""
    return "%" if after.startswith("个百分点") else _unit_after(after)


def supports(passage: str, sentence: str) -> bool:
    """Whether ``passage`` states what ``sentence`` says: every number of the sentence with its unit
    (:func:`holds`) — or the difference of two numbers of the sentence with that unit which the
    passage states (``2023年为356个，2022年为298个，增加58个``: 58 is worked out here, not taken on
    trust) — and its words: the part after the sentence's first colon (what it quotes:
    ``…自评表中，执行率：98%`` quotes ``执行率：98%``) is in the passage, or most of its character
    bigrams are."""
    found = [(number, _unit_of_change(after)) for number, after in numbers_in(sentence)]
    stated = [(n, u) for n, u in found if holds(passage, Fact(str(n), n, u))]
    derived = []
    for number, unit in found:
        if (number, unit) in stated:
            continue
        if not any(ua == ub == unit and abs(abs(a - b) - number) <= TOLERANCE
                   for i, (a, ua) in enumerate(stated) for b, ub in stated[i + 1:]):
            return False
        derived.append(number)
    head, sep, quoted = sentence.partition("：")
    content = quoted if sep and quoted.strip() else head
    key = text_key(content)
    if not key or key in text_key(passage):
        return True

    def worked(clause: str) -> bool:
        # the clause stating a worked-out difference (2023年比2022年增加58个) is the answer's own
        # arithmetic, checked above, not a quotation of the passage
        return any(abs(n - d) <= TOLERANCE for n, _after in numbers_in(clause) for d in derived)

    # a sentence built from several fields (三级指标「x」：年度指标值…，实际完成值…) quotes each clause
    clauses = [c for c in _CLAUSE.split(content) if len(re.sub(r"\W", "", c)) >= 2]
    if clauses and all(text_key(c) in text_key(passage) or _covered(c, passage) or worked(c) for c in clauses):
        return True
    return _covered(content, passage)


def _covered(text: str, passage: str) -> bool:
    grams = _bigrams(text)
    return bool(grams) and len(grams & _bigrams(passage)) / len(grams) >= SUPPORT_OVERLAP
