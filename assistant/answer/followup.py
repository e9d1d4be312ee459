"""Follow-up questions: "那它的满意度呢？" after a question about one unit's project.

A question is a follow-up when it starts with 那 / 那么 / 还有 / 另外, refers back with a
pronoun (它, 该单位, 该项目, 这个项目, 其), or is a short "…呢？" without a name of its own. It is
rewritten with the previous turn's unit and project in place of the pronoun (or in front), and
the previous turn's year applies unless the question gives one.
"""

from __future__ import annotations

import re

from assistant.answer.conversation import Turn
from assistant.answer.parser import Parsed

__all__ = ["resolve_followup"]

_START = re.compile(r"^(?:那么|那|还有|另外|再问一下|再问|同样地?|然后)[，,\s]*")
_PRONOUN = re.compile(r"(?:它们|它|该单位|该项目|该部门|这个项目|这个单位|这家单位|此项目|本项目|上述项目|其(?![他中余实次它]))的?")
_SHORT_TAIL = re.compile(r"呢[？?。！!]*$")


def resolve_followup(question: str, prev: Turn | None, parsed: Parsed) -> tuple[str, bool]:
    """(the question to answer, whether it was resolved against ``prev``)."""
    if prev is None:
        return question, False
    q = question.strip()
    pronoun = _PRONOUN.search(q)
    starts = bool(_START.match(q))
    short = bool(_SHORT_TAIL.search(q)) and len(q) <= 16
    own_names = bool(parsed.units or parsed.unit_like or parsed.projects)
    if not (pronoun or starts or short) or (own_names and not pronoun):
        return question, False
    subject = f"{prev.unit or ''}{prev.project or ''}"
    if not subject:
        return question, False
    body = _START.sub("", q)
    if _PRONOUN.search(body):
        body = _PRONOUN.sub(f"{subject}的", body, count=1)
    else:
        body = f"{subject}的{body}"
    body = _SHORT_TAIL.sub("如何？", body)
    return body, True
