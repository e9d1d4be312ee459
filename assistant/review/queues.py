"""The reviewer's queues on the overview (issue 15 item 4): 我的待办 (assigned to me, still to
review), 未分派 (no reviewer yet), 已逾期 (past the due date, still to review), 退回待重报 (sent
back, waiting for the unit's corrected file). Each is a filter over the submission list; which
states count as "still to review" comes from the state graph (``stage: active``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from assistant.review.errors import Invalid
from assistant.review.states import graph

QueueName = Literal["mine", "unassigned", "overdue", "returned"]
QUEUE_TERMS: dict[str, str] = {"mine": "我的待办", "unassigned": "未分派", "overdue": "已逾期",
                               "returned": "退回待重报"}


@dataclass(frozen=True)
class QueueFilter:
    """What a queue keeps: submissions in ``states``, assigned to ``assignee`` (or to no one when
    ``unassigned``), due before ``due_before``."""

    states: tuple[str, ...]
    assignee: str | None = None
    unassigned: bool = False
    due_before: date | None = None


def queue(name: str, user: str, today: date) -> QueueFilter:
    """The filter of queue ``name`` for ``user`` on ``today``; :class:`Invalid` for an unknown name."""
    active = tuple(graph().codes("active"))
    if name == "mine":
        return QueueFilter(states=active, assignee=user)
    if name == "unassigned":
        return QueueFilter(states=active, unassigned=True)
    if name == "overdue":
        return QueueFilter(states=active, due_before=today)
    if name == "returned":
        return QueueFilter(states=tuple(graph().codes("waiting")))
    choices = "、".join(f"{term}（{key}）" for key, term in QUEUE_TERMS.items())
    raise Invalid(f"未知的队列“{name}”，可选：{choices}")
