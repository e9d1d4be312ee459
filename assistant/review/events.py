"""The audit log read by people (issue 15 item 7): one Chinese line per event and the table a
reviewer exports. The events themselves are kept by :mod:`assistant.stores.review`; nothing here
changes them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, Protocol

from assistant.checker.export import csv_cell
from assistant.glossary import DECISION_TERMS, EVENT_TERMS
from assistant.review.states import graph


class EventLike(Protocol):
    id: int
    submission_id: str
    finding_id: str | None
    kind: str
    actor: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None

    @property
    def at(self) -> Any: ...


CSV_HEADER = ("编号", "时间", "操作人", "类型", "材料编号", "审核发现编号", "变更", "理由", "变更前", "变更后")


def describe(event: EventLike) -> str:
    """``审核决定：待定 → 误报``, ``状态变更：审核中 → 退回重报``, ``分派审核人：（无） → zhang（期限 2027-03-31）``;
    a kind this module does not know shows its fields before → after."""
    before, after = event.before or {}, event.after or {}
    kind = EVENT_TERMS.get(event.kind, event.kind)
    if event.kind == "decision":
        change = f"{_decision(before)} → {_decision(after)}"
    elif event.kind == "transition":
        change = f"{graph().term(before.get('state', ''))} → {graph().term(after.get('state', ''))}"
    elif event.kind == "assignment":
        change = f"{_assignment(before)} → {_assignment(after)}"
    else:
        change = f"{_plain(before)} → {_plain(after)}" if before or after else ""
    return f"{kind}：{change}" if change else kind


def _decision(d: dict[str, Any]) -> str:
    return DECISION_TERMS.get(d.get("decision") or "open", str(d.get("decision")))


def _assignment(d: dict[str, Any]) -> str:
    who = d.get("assignee") or "（无）"
    return f"{who}（期限 {d['due_date']}）" if d.get("due_date") else who


def _plain(d: dict[str, Any]) -> str:
    return "；".join(f"{k}={v}" for k, v in d.items()) if d else "（无）"


def to_csv(events: Sequence[EventLike]) -> str:
    """The log as CSV (UTF-8 with a BOM so that Excel opens the Chinese right)."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out)
    w.writerow(CSV_HEADER)
    for e in events:
        # a reason or a described value is typed by people: kept as text, never a formula
        w.writerow([csv_cell(v) for v in (
            e.id, e.at.isoformat(), e.actor, EVENT_TERMS.get(e.kind, e.kind), e.submission_id, e.finding_id,
            describe(e), e.reason,
            json.dumps(e.before, ensure_ascii=False) if e.before is not None else None,
            json.dumps(e.after, ensure_ascii=False) if e.after is not None else None)])
    return out.getvalue()
