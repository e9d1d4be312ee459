"""Steps that read what a question is about: its year, the units and projects it names, rule codes."""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.answer.parsing.vocabulary import (
    BLANK,
    LEADING_NOISE,
    RULE_RE,
    UNIT_SUFFIX,
    YEAR_RE,
    blank,
    take,
)
from assistant.answer.query import Filter
from assistant.retrieval.gazetteer import Gazetteer
from assistant.values import normalise_text

_SPACE_IN_NUMBER = re.compile(
    r"(?<=\d)\s+(?=[\d%万亿千元分个年])|(?<=[\u4e00-\u9fff])\s+(?=\d)|(?<=\d)\s+(?=[\u4e00-\u9fff])")


class Normalised(NamedTuple):
    raw: str  # the whole question, normalised (what "does the question say X" tests read)
    text: str  # the text the steps read and blank out: ``raw`` without its closing punctuation


def normalise(question: str) -> Normalised:
    """Full-width forms folded, and the spaces around numbers dropped (``80 %`` → ``80%``)."""
    raw = _SPACE_IN_NUMBER.sub("", normalise_text(question).replace("％", "%"))
    return Normalised(raw=raw, text=raw.rstrip("？?。.!！ "))


class Year(NamedTuple):
    text: str
    year: int | None  # set when the question names exactly one year


def find_year(text: str, gaz: Gazetteer) -> Year:
    """The year the question names — not one inside a known project's name (2021年城乡最低生活保障资金
    stays whole for :func:`find_names`, and its 最低 is never read as a ranking)."""
    held: list[tuple[str, str]] = []
    for n, name in enumerate(p for p in gaz.find_projects(text) if YEAR_RE.search(p)):
        mark = f"\x01{n}\x01"
        held.append((mark, name))
        text = text.replace(name, mark, 1)
    text, found = take(text, YEAR_RE)
    for mark, name in held:
        text = text.replace(mark, name, 1)
    years = {int(m.group(1)) for m in found}
    return Year(text=text, year=years.pop() if len(years) == 1 else None)


class Names(NamedTuple):
    text: str
    units: list[str]  # known unit names, exactly as stored
    unit_like: str | None  # a partial unit name (教育局)
    projects: list[str]


def _blank_first(text: str, name: str) -> str:
    i = text.find(name)
    return blank(text, i, i + len(name))


def find_names(text: str, gaz: Gazetteer) -> Names:
    """Projects and units the records store knows; else one phrase shaped like a unit (…教育局)."""
    projects = gaz.find_projects(text)
    for name in projects:
        text = _blank_first(text, name)
    units = gaz.find_units(text)
    for name in units:
        text = _blank_first(text, name)
    unit_like = None
    if not units:
        for m in UNIT_SUFFIX.finditer(text):
            part = LEADING_NOISE.sub("", m.group(1))
            if len(part) >= 2 and BLANK not in part:
                text = _blank_first(text, part)
                if gaz.units_like(part) == [part]:  # the whole name of the one unit it can be
                    units = [part]
                else:
                    unit_like = part
                break
    return Names(text=text, units=list(units), unit_like=unit_like, projects=list(projects))


class RuleCodes(NamedTuple):
    text: str
    filters: list[Filter]  # the first filters found; later steps add theirs after them


def find_rule_codes(text: str) -> RuleCodes:
    text, found = take(text, RULE_RE)
    return RuleCodes(text=text, filters=[Filter(field="rule", op="=", value=m.group(0)) for m in found])
