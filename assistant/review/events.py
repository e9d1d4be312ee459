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
from assistant.glossary import DECISION_TERMS, EVENT_TERMS, path_term
from assistant.numbers import exact
from assistant.review.certainty import CERTAINTY_TERMS
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
    elif event.kind == "correction":
        change = _correction(before, after)
    elif event.kind == "certainty":
        change = f"{_certainty(before)} → {_certainty(after)}"
    elif event.kind == "version":
        change = _version(after)
    elif event.kind == "score":
        change = _score(before, after)
    else:
        change = f"{_plain(before)} → {_plain(after)}" if before or after else ""
    return f"{kind}：{change}" if change else kind


def _decision(d: dict[str, Any]) -> str:
    return DECISION_TERMS.get(d.get("decision") or "open", str(d.get("decision")))


def _assignment(d: dict[str, Any]) -> str:
    who = d.get("assignee") or "（无）"
    return f"{who}（期限 {d['due_date']}）" if d.get("due_date") else who


def _correction(before: dict[str, Any], after: dict[str, Any]) -> str:
    """``项目资金·资金来源明细第1行·全年预算数 （空） → 631.92（消除审核发现 1 条）``."""
    path = after.get("field_path") or before.get("field_path") or ""
    text = f"{path_term(path)} {before.get('value') or '（空）'} → {after.get('value') or '（空）'}"
    counts = [f"{word} {len(after[key])} 条" for key, word in (("findings_resolved", "消除审核发现"),
                                                                ("findings_added", "新增审核发现")) if after.get(key)]
    return text + (f"（{'，'.join(counts)}）" if counts else "")


def _certainty(d: dict[str, Any]) -> str:
    return CERTAINTY_TERMS.get(d.get("certainty") or "", d.get("certainty") or "（无）")


def _version(after: dict[str, Any]) -> str:
    """``登记为第2版（上一版 d0460130ca4deee8，上传时指明替换）``."""
    how = {"replaces": "上传时指明替换", "match": "同一单位、项目、年度自动归入"}.get(after.get("linked_by") or "", "")
    previous = f"上一版 {after['previous_id']}" if after.get("previous_id") else ""
    note = "，".join(x for x in (previous, how) if x)
    return f"登记为第{after.get('number', '?')}版" + (f"（{note}）" if note else "")


def _score(before: dict[str, Any], after: dict[str, Any]) -> str:
    """``“养护农村公路里程” 9.5 → 8.67``: a missing score is the self-score (no adjustment)."""
    name = after.get("name") or before.get("name") or after.get("item") or ""

    def shown(d: dict[str, Any]) -> str:
        return "自评得分" if d.get("score") is None else (exact(d["score"]) or str(d["score"]))

    return f"“{name}” {shown(before)} → {shown(after)}"


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
