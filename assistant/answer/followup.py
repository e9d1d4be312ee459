"""Follow-up questions, resolved against the conversation's subject.

A question is a follow-up when it starts with 那 / 那么 / 还有 / 另外, refers back with a pronoun
(它, 该单位, 该项目, 这个项目, 其), or is a short "…呢？" without a name of its own. Two kinds:

* **a part of the subject changes, the question stays** (那2021年呢？, 那教育局呢？): nothing is left
  but a year or a name. The previous question is asked again with that part replaced — after
  "XX中学的项目预算执行率是多少？", "那2021年呢？" is "XX中学2021年的项目预算执行率是多少？", so the
  measure asked about is kept and the year is the new one (never the old year's figure);
* **a new question on the same subject** (它的满意度指标呢？, 满意度呢？): the subject's unit and
  project take the pronoun's place (or go in front), and the subject's year applies unless the
  question gives one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.parser import Parsed
from assistant.stores.conversations import Subject

__all__ = ["Resolution", "resolve_followup"]

_START = re.compile(r"^(?:那么|那|还有|另外|再问一下|再问|同样地?|然后)[，,\s]*")
_PRONOUN = re.compile(r"(?:它们|它|该单位|该项目|该部门|这个项目|这个单位|这家单位|此项目|本项目|上述项目|其(?![他中余实次它]))的?")
_SHORT_TAIL = re.compile(r"呢[？?。！!]*$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
# what may stand beside the changed part in a slot-only follow-up ("那2021年的呢", "换成2021年")
_FILLER = re.compile(r"[的呢吗么？?。！!，,\s]|如何|怎么样|怎样|情况|换成|改成|再看|看看|看一下|是多少|多少")


@dataclass
class Resolution:
    question: str  # the question to answer
    followed: bool  # resolved against the subject
    replaced: bool = False  # a slot-only follow-up: the previous question with a part replaced


def _with_slots(previous: str, subject: Subject, parsed: Parsed) -> str:
    """``previous`` with the year / unit / project ``parsed`` names put in place of the old ones."""
    q = previous
    if parsed.units and subject.unit and subject.unit in q:
        q = q.replace(subject.unit, parsed.units[0], 1)
    elif parsed.units:
        q = parsed.units[0] + q
    if parsed.projects and subject.project and subject.project in q:
        q = q.replace(subject.project, parsed.projects[0], 1)
    elif parsed.projects:
        q = parsed.projects[0] + q
    if parsed.year is not None:
        # the parser reads years first: the new year goes in front, in place of the old one — not
        # the year inside a project's name (2020年残疾人两项补贴)
        project = parsed.projects[0] if parsed.projects else subject.project
        hold = "\x00"
        if project and project in q:
            q = q.replace(project, hold, 1)
        # the question's own year is the one a 的 follows or that opens it; a year followed by more
        # name (2024年文物保护修缮工程, a project the store spells otherwise) is left alone
        years = list(_YEAR.finditer(q))
        own = next((m for m in years if m.start() == 0 or q[m.end():m.end() + 1] in ("的", "")
                    or not re.match(r"[\u4e00-\u9fff]", q[m.end():m.end() + 1])), years[0] if years else None)
        q = f"{parsed.year}年" + (q[:own.start()] + q[own.end():] if own else q)
        if project:
            q = q.replace(hold, project, 1)
    return q


def resolve_followup(question: str, subject: Subject | None, previous: str | None, parsed: Parsed) -> Resolution:
    """The question to answer, given the conversation's ``subject`` and its ``previous`` question
    (as answered: resolved when it was itself a follow-up)."""
    if subject is None or subject.empty:
        return Resolution(question, False)
    q = question.strip()
    pronoun = _PRONOUN.search(q)
    starts = bool(_START.match(q))
    short = bool(_SHORT_TAIL.search(q)) and len(q) <= 16
    own_names = bool(parsed.units or parsed.unit_like or parsed.projects)
    if not (pronoun or starts or short):
        return Resolution(question, False)
    body = _START.sub("", q)
    rest = _FILLER.sub("", _YEAR.sub("", body))
    for name in [*parsed.units, *parsed.projects, *([parsed.unit_like] if parsed.unit_like else [])]:
        rest = rest.replace(name, "")
    if previous and not rest and (parsed.year is not None or own_names):
        return Resolution(_with_slots(previous, subject, parsed), True, replaced=True)
    if own_names and not pronoun:
        return Resolution(question, False)
    named = f"{subject.unit or ''}{subject.project or ''}"
    if not named:
        return Resolution(question, False)
    if _PRONOUN.search(body):
        body = _PRONOUN.sub(f"{named}的", body, count=1)
    else:
        body = f"{named}的{body}"
    body = _SHORT_TAIL.sub("如何？", body)
    return Resolution(body, True)
