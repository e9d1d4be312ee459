"""Ask back instead of guessing: a question whose words fit several things gets the choices.

* a bare spelling several terms share (``执行率``: 预算执行率 or 政府采购执行率; ``ambiguous`` in
  ``terms.yaml``), when the material in scope holds more than one of them;
* a partial unit name (``教育局``) that several stored units contain, when the question asks about
  one of them (not a list or a count across them).

Each choice is an :class:`~assistant.answer.types.Option`: its words and the question completed
with them, which the page shows as a chip and asks when clicked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from assistant.answer.parser import Parsed
from assistant.answer.prompts import text
from assistant.answer.terms import TERMS_FILE, terms
from assistant.answer.types import Option
from assistant.retrieval import HybridRetriever, RetrievalFilters

__all__ = ["AskBack", "ambiguous_term", "ambiguous_unit", "ask_back"]

# a question over several units at once is no ambiguity: it asks about all of them
_ACROSS_RE = re.compile(r"哪些|哪个|哪家|列出|各|所有|全部|统计|合计|总计|平均|多少个|几个|分别")


@dataclass(frozen=True)
class AskBack:
    text: str
    options: list[Option]


@dataclass(frozen=True)
class Ambiguity:
    spelling: str
    terms: tuple[str, ...]


@lru_cache(maxsize=1)
def _ambiguities() -> tuple[Ambiguity, ...]:
    data = yaml.load(TERMS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple(Ambiguity(a["spelling"], tuple(a["terms"])) for a in data.get("ambiguous") or ())


def _bare_at(question: str, spelling: str) -> int:
    """Where ``spelling`` stands alone (not inside a longer spelling of any term), or -1."""
    longer = [s for t in terms() for s in t.spellings if len(s) > len(spelling) and spelling in s]
    start = question.find(spelling)
    while start >= 0:
        end = start + len(spelling)
        covered = False
        for s in longer:
            i = s.find(spelling)
            if question[max(0, start - i):start - i + len(s)] == s:
                covered = True
                break
        if not covered:
            return start
        start = question.find(spelling, end)
    return -1


def ambiguous_term(question: str, retriever: HybridRetriever, year: int | None, unit: str | None) -> AskBack | None:
    """A bare shared spelling, and material in scope that names another of its terms."""
    by_name = {t.term: t for t in terms()}
    for amb in _ambiguities():
        at = _bare_at(question, amb.spelling)
        if at < 0:
            continue
        present = [amb.terms[0]]
        for name in amb.terms[1:]:
            spellings = by_name[name].spellings
            hits = retriever.search(" ".join(spellings), k=5, filters=RetrievalFilters(unit=unit, year=year),
                                    mode="bm25")
            if any(s in h.text for h in hits for s in spellings):
                present.append(name)
        if len(present) < 2:
            continue
        options = [Option(label=name, question=question[:at] + name + question[at + len(amb.spelling):])
                   for name in present]
        return AskBack(text("ask_back_term", spelling=amb.spelling, choices="、".join(present)), options)
    return None


def ambiguous_unit(question: str, parsed: Parsed, units: list[str]) -> AskBack | None:
    """A partial unit name several units contain, in a question about one unit."""
    part = parsed.unit_like
    if not part or parsed.units or len(units) < 2 or _ACROSS_RE.search(question) or part not in question:
        return None
    options = [Option(label=u, question=question.replace(part, u, 1)) for u in units]
    return AskBack(text("ask_back_unit", part=part, choices="、".join(units)), options)


def ask_back(question: str, parsed: Parsed, units_like: list[str], retriever: HybridRetriever,
             year: int | None, unit: str | None) -> AskBack | None:
    """The ask-back a question needs, or None to answer it. A term is asked back only in a question
    about one unit or project (执行率低于80%的项目 compares the records' field across all)."""
    by_unit = ambiguous_unit(question, parsed, units_like)
    if by_unit is not None:
        return by_unit
    if _ACROSS_RE.search(question) or not (unit or parsed.projects):
        return None
    return ambiguous_term(question, retriever, year, unit)
