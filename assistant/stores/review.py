"""The review's records: reviewers' decisions on findings (columns of ``findings``) and the
append-only audit log ``review_events``.

Every change a reviewer makes is written together with its event in one transaction, so the log
never misses a change nor records one that was rolled back. The store offers no way to change or
delete an event. A decision is a compare-and-set on the finding's ``version``: of two reviewers
deciding the same finding at once, one wins and the other gets :class:`~assistant.review.errors.Conflict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.model import Finding
from assistant.review.decisions import DecisionRequest, validated
from assistant.review.errors import Conflict, NotFound
from assistant.stores.records import Base, FindingRow, RecordStore, finding_of

__all__ = ["ReviewEvent", "ReviewEventRow", "ReviewStore", "record_event"]


def _now() -> datetime:
    return datetime.now(UTC)


class ReviewEventRow(Base):
    """One entry of the audit log. No foreign key: the log of a deleted submission stays."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(String(64), index=True)
    finding_id: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(24), index=True)  # see assistant.glossary.EVENT_TERMS
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class ReviewEvent:
    """One audit-log entry: who did what to which submission (and finding), when, from what to what, why."""

    id: int
    submission_id: str
    finding_id: str | None
    kind: str
    actor: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None

    @classmethod
    def of(cls, row: ReviewEventRow) -> ReviewEvent:
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)  # SQLite drops the zone
        return cls(row.id, row.submission_id, row.finding_id, row.kind, row.actor, at, row.before, row.after,
                   row.reason)


def record_event(s: Session, *, submission_id: str, kind: str, actor: str, finding_id: str | None = None,
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                 reason: str | None = None, at: datetime | None = None) -> None:
    """Append an event inside the caller's transaction (the change and its event commit together)."""
    s.add(ReviewEventRow(submission_id=submission_id, finding_id=finding_id, kind=kind, actor=actor,
                         at=at or _now(), before=before, after=after, reason=reason))


def _decision_of(row: FindingRow) -> dict[str, Any]:
    return {"decision": row.decision, "reason": row.decision_reason, "comment": row.decision_comment}


class ReviewStore:
    """Decisions on findings and the audit log, in the records database."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records

    def decide(self, request: DecisionRequest) -> Finding:
        """Store a reviewer's decision on a finding and log it; returns the finding as now stored.

        :class:`NotFound` for an unknown finding, :class:`Conflict` when the finding is no longer
        made by the latest check or changed since ``expected_version`` (another reviewer decided
        first), :class:`~assistant.review.errors.Invalid` for a bad request. Nothing changes then."""
        request = validated(request)
        now = _now()
        with self.records.session() as s:
            row = s.get(FindingRow, request.finding_id)
            if row is None:
                raise NotFound(f"没有编号为“{request.finding_id}”的审核发现")
            if row.resolved_at is not None:
                raise Conflict("该审核发现在最近一次复查中已不再出现（已消除），无需再作决定")
            seen = request.expected_version if request.expected_version is not None else row.version
            if seen != row.version:
                raise Conflict(_changed_message(row))
            before = _decision_of(row)
            # compare-and-set: a concurrent decision between our read and this write bumps the
            # version first, and then this update matches no row
            done = s.execute(
                update(FindingRow).where(FindingRow.id == row.id, FindingRow.version == seen)
                .values(decision=request.decision, decision_reason=request.reason,
                        decision_comment=request.comment, decided_by=request.actor, decided_at=now,
                        version=seen + 1)
                .execution_options(synchronize_session=False))
            if done.rowcount != 1:
                raise Conflict("另一位审核人刚刚修改了该审核发现，请刷新后重试")
            record_event(s, submission_id=row.submission_id, finding_id=row.id, kind="decision",
                         actor=request.actor, before=before,
                         after={"decision": request.decision, "reason": request.reason, "comment": request.comment},
                         reason=request.reason, at=now)
        found = self.finding(request.finding_id)
        assert found is not None  # decided just now, in this store
        return found

    def finding(self, finding_id: str) -> Finding | None:
        """One stored finding (resolved ones too), with its decision."""
        with self.records.session() as s:
            row = s.get(FindingRow, finding_id)
            return finding_of(row) if row is not None else None

    def events(self, submission_id: str | None = None, *, finding_id: str | None = None,
               kind: str | None = None) -> list[ReviewEvent]:
        """The audit log, oldest first, of one submission, one finding, one kind, or all."""
        q = select(ReviewEventRow)
        if submission_id is not None:
            q = q.where(ReviewEventRow.submission_id == submission_id)
        if finding_id is not None:
            q = q.where(ReviewEventRow.finding_id == finding_id)
        if kind is not None:
            q = q.where(ReviewEventRow.kind == kind)
        with self.records.session() as s:
            return [ReviewEvent.of(r) for r in s.scalars(q.order_by(ReviewEventRow.id))]


def _changed_message(row: FindingRow) -> str:
    who = f"{row.decided_by}" if row.decided_by else "他人"
    return f"该审核发现已被{who}修改（当前版本 {row.version}），请刷新后重试"
