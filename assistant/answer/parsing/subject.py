"""Steps that read what kind of rows a question asks about, and whether it also asks for reasons."""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.answer.parsing.vocabulary import (
    COUNT_RE,
    ENTITY_FIELDS,
    EXPLAIN,
    FINDING_RE,
    LEVELS_RE,
    MET_FALSE_RE,
    MET_WORDS_RE,
    RANK_RE,
    REPORT_PROBLEMS_RE,
    RULE_RE,
    SATISFACTION_RE,
    SEVERITY_RE,
    take,
)

# a list of a project's indicators (列出该项目的全部指标, 有哪些绩效指标), not a count of them (指标数)
INDICATOR_LIST_RE = re.compile(r"(?:全部|所有|哪些|列出|列举|各项|每项|每个)[^，。？?]{0,8}?指标(?!数|个数|数量)"
                               r"|指标(?:有哪些|都有什么|清单|列表|明细)")


def entity_of(text: str) -> str:
    """``finding`` (审核发现, a rule code, counted or ranked 问题), ``indicator`` (未达标, an indicator
    level, 满意度, 达标 with 指标, a list of indicators) or ``project``."""
    if "审核发现" in text or RULE_RE.search(text):
        return "finding"
    problems = FINDING_RE.search(REPORT_PROBLEMS_RE.sub("", text))
    if problems and (COUNT_RE.search(text) or RANK_RE.search(text) or SEVERITY_RE.search(text)
                     or "问题数" in text):
        return "finding"
    if MET_FALSE_RE.search(text) or LEVELS_RE.search(text) or SATISFACTION_RE.search(text):
        return "indicator"
    if MET_WORDS_RE.search(text) and "指标" in text:
        return "indicator"
    if INDICATOR_LIST_RE.search(text):
        return "indicator"
    return "project"


class Subject(NamedTuple):
    entity: str
    synonyms: dict[str, str]  # field synonym → field name, for the entity's fields
    notes: list[str]  # the first notes; later steps add theirs after them


def find_subject(text: str) -> Subject:
    entity = entity_of(text)
    notes = []
    # a report's "存在的问题" is document content, not the checker's findings
    if REPORT_PROBLEMS_RE.search(text) and entity != "finding":
        notes.append("report-problems")
    synonyms = {s: f for f, syns in ENTITY_FIELDS[entity].items() for s in syns}
    return Subject(entity=entity, synonyms=synonyms, notes=notes)


class Explanation(NamedTuple):
    text: str
    explain: list[str]  # the explanation words (原因, 为什么, 措施…) as written


def find_explanation(text: str) -> Explanation:
    text, found = take(text, EXPLAIN)
    return Explanation(text=text, explain=[m.group(0) for m in found])


def explain_words(found: list[str]) -> str | None:
    """What a mixed question wants looked up in the documents: 原因, 改进措施 or 说明."""
    if not found:
        return None
    words = []
    for f in found:
        if re.search(r"原因|为什么|为何|理由|怎么回事|解释", f):
            words.append("原因")
        elif "措施" in f:
            words.append("改进措施")
        else:
            words.append("说明")
    return "、".join(dict.fromkeys(words))
