"""Decisions on findings: which exist, which need a reason, and how one is checked before it is
stored. A decision is 待定 until a reviewer makes it; 误报 needs a reason because it removes the
finding from letters, statistics and drafts."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.glossary import DECISION_TERMS
from assistant.model import DECISIONS, Decision
from assistant.review.errors import Invalid

REASON_REQUIRED: frozenset[str] = frozenset({"false_positive"})


@dataclass(frozen=True)
class DecisionRequest:
    """One reviewer's decision on one finding, as asked; ``expected_version`` is the finding's
    version the reviewer saw (None: do not check, e.g. the CLI acting on the latest)."""

    finding_id: str
    decision: Decision
    actor: str
    reason: str | None = None
    comment: str | None = None
    expected_version: int | None = None


def validated(request: DecisionRequest) -> DecisionRequest:
    """The request with its texts trimmed, or :class:`Invalid` with the reason in Chinese."""
    if request.decision not in DECISIONS:
        choices = "、".join(f"{DECISION_TERMS[d]}（{d}）" for d in DECISIONS)
        raise Invalid(f"未知的审核决定“{request.decision}”，可选：{choices}")
    reason = (request.reason or "").strip() or None
    if request.decision in REASON_REQUIRED and not reason:
        raise Invalid(f"标记为“{DECISION_TERMS[request.decision]}”须填写理由")
    if not request.actor:
        raise Invalid("审核决定须注明操作人")
    comment = (request.comment or "").strip() or None
    return DecisionRequest(request.finding_id, request.decision, request.actor, reason, comment,
                           request.expected_version)
