"""The step that reads the review's workflow in a question: decisions (误报, 已确认), submission
states (退回, 没审), reviewers (张三手上), versions (第二版), kinds of defect named in words
(套用模板 → the rules that check it) and groupings by them (哪条规则, 各审核人).

Its words are data (``workflow`` in ``words.yaml``). A question about states or reviewers with no
finding words asks about submissions (``submission`` rows); one about decisions or rules asks about
findings, with 误报 rows included only when the decision is asked about.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.answer.parsing.vocabulary import (
    COUNT_RE,
    ENTITY_FIELDS,
    FINDING_WORDS_RE,
    RANK_RE,
    SEVERITY_RE,
    WORKFLOW,
    alt,
    blank,
    cn_int,
)
from assistant.answer.query import Filter
from assistant.retrieval.gazetteer import Gazetteer

__all__ = ["NO_RULE_NOTE", "VERSION_DIFF_NOTE", "find_workflow", "phrase_filter"]

NO_RULE_NOTE = "no-rule:"  # + the phrase: a kind of defect no rule checks
VERSION_DIFF_NOTE = "version-diff:"  # + "new,old": findings of one version missing from another

_STATES: dict[str, list[str]] = WORKFLOW["states"]  # type: ignore[assignment]
_DECISIONS: dict[str, list[str]] = WORKFLOW["decisions"]  # type: ignore[assignment]
_RULE_PHRASES: dict[str, list[str]] = WORKFLOW["rule_phrases"]  # type: ignore[assignment]
_GROUPS: dict[str, list[str]] = WORKFLOW["groups"]  # type: ignore[assignment]
_AFTER = alt(WORKFLOW["assignee_after"])  # type: ignore[arg-type]
_BEFORE = alt(WORKFLOW["assignee_before"])  # type: ignore[arg-type]

_STATE_GUARDS: dict[str, str] = WORKFLOW.get("state_guards") or {}  # type: ignore[assignment]
STATE_RE = re.compile("|".join(re.escape(w) + _STATE_GUARDS.get(w, "")
                               for w in sorted(_STATES, key=len, reverse=True)))
DECISION_RE = re.compile(alt(list(_DECISIONS)))
RULE_PHRASE_RE = re.compile(alt(list(_RULE_PHRASES)))
GROUP_WORDS_RE = re.compile(alt([w for words in _GROUPS.values() for w in words]))
_GROUP_OF = {w: g for g, words in _GROUPS.items() for w in words}
# a name the store does not know yet: two to four characters right before 手上 / after 分给
NAME_BEFORE_RE = re.compile(rf"(?:^|[，,。？?\s□]|请问|看看|统计)([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9_]{{1,3}}?)(?:{_AFTER})")
NAME_AFTER_RE = re.compile(rf"(?:{_BEFORE})([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9_]{{1,3}})(?=的|[，,。？?\s]|$)")
_VERSION = r"(\d+|[一二两三四五六七八九十]+)"
VERSION_RE = re.compile(rf"第{_VERSION}(?:版|个版本|次)")
VERSION_DIFF_RE = re.compile(rf"第{_VERSION}(?:版|个版本|次)(?:比|相比|较|和|与)第{_VERSION}(?:版|个版本|次)"
                             rf"(?:相比|比)?(?:少了|减少了|少|去掉了|解决了|消除了|改掉了)")


def phrase_filter(field: str, codes: list[str]) -> Filter:
    return Filter(field=field, op="=", value=codes[0]) if len(codes) == 1 else \
        Filter(field=field, op="in", value=list(codes))


def _codes(found: list[re.Match[str]], table: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys(c for m in found for c in table[m.group(0)]))


def _take(text: str, pattern: re.Pattern[str]) -> tuple[str, list[re.Match[str]]]:
    found = list(pattern.finditer(text))
    for m in found:
        text = blank(text, m.start(), m.end())
    return text, found


class Workflow(NamedTuple):
    text: str
    entity: str
    synonyms: dict[str, str]
    filters: list[Filter]
    group_by: str | None
    notes: list[str]


def _assignees(text: str, gaz: Gazetteer) -> tuple[str, list[str]]:
    """Reviewers the store knows, then a name written before 手上 / after 分给."""
    names: list[str] = []
    for name in sorted(gaz.assignees, key=len, reverse=True):
        i = text.find(name)
        if i >= 0:
            names.append(name)
            text = blank(text, i, i + len(name))
    if not names:
        for regex in (NAME_BEFORE_RE, NAME_AFTER_RE):
            m = regex.search(text)
            if m:
                names.append(m.group(1))
                text = blank(text, m.start(1), m.end(1))
                break
    if names:
        text, _ = _take(text, re.compile(f"{_AFTER}|{_BEFORE}"))
    return text, names


def find_workflow(text: str, entity: str, synonyms: dict[str, str], filters: list[Filter], notes: list[str],
                  gaz: Gazetteer) -> Workflow:
    """Decisions, states, reviewers, versions and rule phrases as filters; the entity they imply."""
    filters, notes = list(filters), list(notes)
    group_by: str | None = None
    m = VERSION_DIFF_RE.search(text)
    if m:
        new, old = cn_int(m.group(1)), cn_int(m.group(2))
        notes.append(f"{VERSION_DIFF_NOTE}{new},{old}")
        text = blank(text, m.start(), m.end())
        text, _ = _take(text, FINDING_WORDS_RE)
        return Workflow(text, "finding", {}, filters, None, notes)
    text, decisions = _take(text, DECISION_RE)
    text, rules = _take(text, RULE_PHRASE_RE)
    text, states = _take(text, STATE_RE)
    text, groups = _take(text, GROUP_WORDS_RE)  # before names: 各审核人手上 is a grouping, not a name
    text, names = _assignees(text, gaz)
    text, versions = _take(text, VERSION_RE)
    if groups:
        group_by = _GROUP_OF[groups[0].group(0)]
    findings = bool(decisions or rules) or group_by in ("rule", "decision") or entity == "finding"
    # 哪个项目错误最多: a severity counted or ranked is about findings, as 问题 is
    if not findings and SEVERITY_RE.search(text) and (RANK_RE.search(text) or COUNT_RE.search(text)):
        findings = True
    workflow = bool(states or names or versions) or group_by in ("state", "assignee")
    if not (findings or workflow):
        return Workflow(text, entity, synonyms, filters, None, notes)
    if decisions:
        filters.append(phrase_filter("decision", _codes(decisions, _DECISIONS)))
    for r in rules:
        codes = _RULE_PHRASES[r.group(0)]
        if codes:
            filters.append(phrase_filter("rule", codes))
        else:
            notes.append(f"{NO_RULE_NOTE}{r.group(0)}")
    if states:
        filters.append(phrase_filter("state", _codes(states, _STATES)))
    if names:
        filters.append(phrase_filter("assignee", names))
    if versions:
        filters.append(phrase_filter("version", [cn_int(v.group(1)) or 1 for v in versions]))
    if rules or decisions:
        text, _ = _take(text, FINDING_WORDS_RE)
    entity = "finding" if findings else "submission"
    return Workflow(text, entity, {s: f for f, syns in ENTITY_FIELDS[entity].items() for s in syns}, filters,
                    group_by, notes)
