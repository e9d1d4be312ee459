"""The review's records: reviewers' decisions on findings (columns of ``findings``), where each
submission stands (``submission_reviews``: state, reviewer, due date) and the append-only audit
log ``review_events``.

Every change a reviewer makes is written together with its event in one transaction, so the log
never misses a change nor records one that was rolled back. The store offers no way to change or
delete an event. A decision is a compare-and-set on the finding's ``version``: of two reviewers
deciding the same finding at once, one wins and the other gets :class:`~assistant.review.errors.Conflict`;
a submission's state and assignment are compare-and-set on its review row's ``version`` the same way.

Who may act (:mod:`assistant.review.roles`): a reviewer on submissions assigned to them or to no
one, an admin on all. Batch actions act on each submission in its own transaction and report each
outcome: one refusal does not undo the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.model import Finding
from assistant.review.decisions import DecisionRequest, validated
from assistant.review.errors import Conflict, Invalid, NotFound, ReviewError
from assistant.review.roles import Actor, check_may_act
from assistant.review.states import allowed, graph
from assistant.stores.records import (
    Base,
    FindingRow,
    RecordStore,
    SubmissionReviewRow,
    SubmissionRow,
    finding_of,
)
from assistant.stores.users import users_table

__all__ = ["BatchOutcome", "ReviewEvent", "ReviewEventRow", "ReviewStore", "SubmissionReview", "record_event"]


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


@dataclass(frozen=True)
class SubmissionReview:
    """Where one submission stands: its state, reviewer, due date and the row's ``version`` (a
    stale change is refused), with its read certainty."""

    submission_id: str
    state: str
    assignee: str | None
    due_date: date | None
    version: int
    certainty: str
    updated_at: datetime

    @classmethod
    def of(cls, row: SubmissionReviewRow) -> SubmissionReview:
        at = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
        return cls(row.submission_id, row.state, row.assignee, row.due_date, row.version, row.certainty, at)


@dataclass(frozen=True)
class BatchOutcome:
    """One submission of a batch action: done (with how many findings changed, for a batch
    decision) or refused with the Chinese reason."""

    submission_id: str
    ok: bool
    message: str | None = None
    changed: int = 0
    review: SubmissionReview | None = field(default=None, compare=False)


def _decision_of(row: FindingRow) -> dict[str, Any]:
    return {"decision": row.decision, "reason": row.decision_reason, "comment": row.decision_comment}


class ReviewStore:
    """Decisions on findings and the audit log, in the records database."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records

    def decide(self, request: DecisionRequest, *, admin: bool = True) -> Finding:
        """Store a reviewer's decision on a finding and log it; returns the finding as now stored.

        :class:`NotFound` for an unknown finding, :class:`Conflict` when the finding is no longer
        made by the latest check or changed since ``expected_version`` (another reviewer decided
        first), :class:`~assistant.review.errors.Invalid` for a bad request,
        :class:`~assistant.review.errors.Forbidden` when the submission is assigned to someone
        else and the actor is no ``admin`` (callers that are not a face — scripts, tests — act as
        admin). Nothing changes then."""
        request = validated(request)
        now = _now()
        with self.records.session() as s:
            row = s.get(FindingRow, request.finding_id)
            if row is None or not self._sees(s, row.submission_id):
                raise NotFound(f"没有编号为“{request.finding_id}”的审核发现")
            check_may_act(Actor(request.actor, admin), _assignee(s, row.submission_id))
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

    # where a submission stands ---------------------------------------------------------------------

    def review(self, submission_id: str) -> SubmissionReview | None:
        """The submission's review row, or None for an unknown submission."""
        with self.records.session() as s:
            row = s.get(SubmissionReviewRow, submission_id)
            return SubmissionReview.of(row) if row is not None and self._sees(s, submission_id) else None

    def transition(self, submission_id: str, to_state: str, actor: Actor, *, reason: str | None = None,
                   expected_version: int | None = None) -> SubmissionReview:
        """Move the submission to ``to_state`` and log it; returns where it now stands.

        Only the moves of the state graph (:mod:`assistant.review.states`) are made: another is a
        :class:`Conflict`, as is a stale ``expected_version``; approving while 错误 findings are
        still 待定 needs a ``reason`` (:class:`Invalid`). Nothing changes on a refusal."""
        reason = (reason or "").strip() or None
        now = _now()
        with self.records.session() as s:
            row = self._review_row(s, submission_id, actor, expected_version)
            move = allowed(row.state, to_state, reason=reason, open_errors=_open_errors(s, submission_id))
            self._bump(s, row, now, state=move.target)
            record_event(s, submission_id=submission_id, kind="transition", actor=actor.name,
                         before={"state": move.source}, after={"state": move.target}, reason=reason, at=now)
        return self._reread(submission_id)

    def assign(self, submission_id: str, assignee: str | None, actor: Actor, *, due_date: date | None = None,
               keep_due: bool = False, reason: str | None = None,
               expected_version: int | None = None) -> SubmissionReview:
        """Give the submission to ``assignee`` (None: to no one) with ``due_date`` (``keep_due``:
        leave the due date as it is) and log it. The assignee must be an active user
        (``ziping user add``): a misspelt name would make a queue no one sees."""
        reason = (reason or "").strip() or None
        assignee = (assignee or "").strip() or None
        now = _now()
        with self.records.session() as s:
            row = self._review_row(s, submission_id, actor, expected_version)
            if assignee is not None and not _active_user(s, assignee):
                raise Invalid(f"没有名为“{assignee}”的在用审核人员（用 ziping user add 添加）")
            due = row.due_date if keep_due else due_date
            if (row.assignee, row.due_date) == (assignee, due):
                return SubmissionReview.of(row)  # nothing to change: no version, no event
            before = {"assignee": row.assignee, "due_date": _iso(row.due_date)}
            self._bump(s, row, now, assignee=assignee, due_date=due)
            record_event(s, submission_id=submission_id, kind="assignment", actor=actor.name, before=before,
                         after={"assignee": assignee, "due_date": _iso(due)}, reason=reason, at=now)
        return self._reread(submission_id)

    # batches ----------------------------------------------------------------------------------------

    def batch_transition(self, submission_ids: Sequence[str], to_state: str, actor: Actor, *,
                         reason: str | None = None) -> list[BatchOutcome]:
        """:meth:`transition` on each submission; each one done or refused on its own."""
        graph().state(to_state)  # an unknown state refuses the whole batch, before anything is done
        return self._each(submission_ids, lambda sid: self.transition(sid, to_state, actor, reason=reason))

    def batch_assign(self, submission_ids: Sequence[str], assignee: str | None, actor: Actor, *,
                     due_date: date | None = None, keep_due: bool = False) -> list[BatchOutcome]:
        """:meth:`assign` on each submission; each one done or refused on its own."""
        return self._each(submission_ids, lambda sid: self.assign(sid, assignee, actor, due_date=due_date,
                                                                  keep_due=keep_due))

    def batch_decide(self, submission_ids: Sequence[str], rule: str, decision: str, actor: Actor, *,
                     reason: str | None = None, comment: str | None = None) -> list[BatchOutcome]:
        """The same decision on every finding of ``rule`` (still made, not already so decided) in
        each submission, each finding logged; ``changed`` counts the findings decided."""
        validated(DecisionRequest("-", decision, actor.name, reason, comment))  # type: ignore[arg-type]
        outcomes = []
        for sid in dict.fromkeys(submission_ids):
            try:
                changed = self._decide_rule(sid, rule, decision, actor, reason, comment)
            except ReviewError as refused:
                outcomes.append(BatchOutcome(sid, False, str(refused)))
            else:
                outcomes.append(BatchOutcome(sid, True, None, changed))
        return outcomes

    def _decide_rule(self, sid: str, rule: str, decision: str, actor: Actor, reason: str | None,
                     comment: str | None) -> int:
        with self.records.session() as s:
            if s.get(SubmissionReviewRow, sid) is None or not self._sees(s, sid):
                raise NotFound(f"没有编号为“{sid}”的材料")
            check_may_act(actor, _assignee(s, sid))
            ids = list(s.scalars(select(FindingRow.id).where(
                FindingRow.submission_id == sid, FindingRow.rule == rule, FindingRow.resolved_at.is_(None),
                FindingRow.decision != decision).order_by(FindingRow.seq)))
        for fid in ids:  # one finding, one compare-and-set and one event, as a single decision
            self.decide(DecisionRequest(fid, decision, actor.name, reason, comment), admin=actor.admin)  # type: ignore[arg-type]
        return len(ids)

    def _each(self, submission_ids: Sequence[str], act: Callable[[str], SubmissionReview]) -> list[BatchOutcome]:
        outcomes = []
        for sid in dict.fromkeys(submission_ids):
            try:
                outcomes.append(BatchOutcome(sid, True, review=act(sid)))
            except ReviewError as refused:
                outcomes.append(BatchOutcome(sid, False, str(refused)))
        return outcomes

    # helpers ----------------------------------------------------------------------------------------

    def _review_row(self, s: Session, submission_id: str, actor: Actor,
                    expected_version: int | None) -> SubmissionReviewRow:
        row = s.get(SubmissionReviewRow, submission_id)
        if row is None or not self._sees(s, submission_id):
            raise NotFound(f"没有编号为“{submission_id}”的材料")
        check_may_act(actor, row.assignee)
        if expected_version is not None and expected_version != row.version:
            raise Conflict(f"这份材料的审核状态已被他人修改（当前版本 {row.version}），请刷新后重试")
        return row

    def _sees(self, s: Session, submission_id: str) -> bool:
        """Whether the submission is in the records view's bureau (another bureau's is as unknown)."""
        return self.records.bureau is None or s.scalar(
            select(SubmissionRow.bureau).where(SubmissionRow.id == submission_id)) == self.records.bureau

    def _bump(self, s: Session, row: SubmissionReviewRow, now: datetime, **values: Any) -> None:
        """Compare-and-set on the row's version: a concurrent change in between makes this one fail."""
        done = s.execute(update(SubmissionReviewRow)
                         .where(SubmissionReviewRow.submission_id == row.submission_id,
                                SubmissionReviewRow.version == row.version)
                         .values(**values, version=row.version + 1, updated_at=now)
                         .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise Conflict("另一位审核人刚刚修改了这份材料的审核状态，请刷新后重试")

    def _reread(self, submission_id: str) -> SubmissionReview:
        found = self.review(submission_id)
        assert found is not None  # changed just now, in this store
        return found

    def finding(self, finding_id: str) -> Finding | None:
        """One stored finding (resolved ones too), with its decision."""
        with self.records.session() as s:
            row = s.get(FindingRow, finding_id)
            return finding_of(row) if row is not None and self._sees(s, row.submission_id) else None

    def events(self, submission_id: str | None = None, *, finding_id: str | None = None,
               kind: str | None = None) -> list[ReviewEvent]:
        """The audit log, oldest first, of one submission, one finding, one kind, or all."""
        q = select(ReviewEventRow).where(self.records.in_scope(ReviewEventRow.submission_id))
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


def _assignee(s: Session, submission_id: str) -> str | None:
    return s.scalar(select(SubmissionReviewRow.assignee).where(SubmissionReviewRow.submission_id == submission_id))


def _open_errors(s: Session, submission_id: str) -> int:
    """错误 findings still made and still 待定: what an approval has to give a reason for."""
    return s.scalar(select(func.count()).select_from(FindingRow).where(
        FindingRow.submission_id == submission_id, FindingRow.severity == "error",
        FindingRow.decision == "open", FindingRow.resolved_at.is_(None))) or 0


def _active_user(s: Session, name: str) -> bool:
    return s.execute(select(users_table.c.id).where(users_table.c.name == name,
                                                     users_table.c.revoked_at.is_(None))).first() is not None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
