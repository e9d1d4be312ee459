"""Resubmissions as versions (issue 15 item 5): ``submission_versions`` links a submission to the
series it belongs to (the id of its first version) with its version number and the version it
replaces.

A new file for the same unit + project + year as a stored one, or one uploaded against a
submission (``replaces``), becomes the series' next version when it is stored
(:meth:`assistant.stores.Stores.save`, the one place). Linking also carries the reviewers'
decisions over to the findings the new version still has (same rule, same field, same evidence:
the same defect, unchanged), each with its audit event, and moves a 退回重报 previous version to
已重报. Reading a file again keeps its link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.model import Submission
from assistant.stores.records import (
    Base,
    EvaluationRow,
    FindingRow,
    RecordStore,
    SubmissionReviewRow,
    SubmissionRow,
)
from assistant.stores.review import record_event

__all__ = ["SubmissionVersionRow", "VersionLink", "VersionStore", "link_in"]

SYSTEM_ACTOR = "ziping"  # the audit log's name for what the program did by itself


def _now() -> datetime:
    return datetime.now(UTC)


class SubmissionVersionRow(Base):
    __tablename__ = "submission_versions"
    __table_args__ = (UniqueConstraint("series_id", "number"),)

    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    series_id: Mapped[str] = mapped_column(String(64), index=True)  # the id of the series' first version
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order stored
    # no foreign key: a deleted earlier version leaves the later ones their number
    previous_id: Mapped[str | None] = mapped_column(String(64))
    linked_by: Mapped[str] = mapped_column(String(16))  # first | match (unit + project + year) | replaces
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True)
class VersionLink:
    """One version of a series, with what a reviewer needs to tell the versions apart."""

    submission_id: str
    series_id: str
    number: int
    previous_id: str | None
    linked_by: str
    file_name: str | None
    stored_at: datetime
    state: str | None
    certainty: str | None


class VersionStore:
    """The version series of submissions, in the records database."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records

    def link(self, sub: Submission, *, replaces: str | None = None, actor: str = SYSTEM_ACTOR) -> VersionLink | None:
        """Make ``sub`` (just stored) the next version of the submission it replaces, or of the
        latest one stored for the same unit + project + year; None when it replaces none. A
        submission already linked keeps its link (the same file read again)."""
        with self.records.session() as s:
            linked = link_in(s, sub, replaces=replaces, actor=actor)
        return self.version(sub.id) if linked else None

    def version(self, submission_id: str) -> VersionLink | None:
        """The submission's place in its series; None when it has no other version."""
        with self.records.session() as s:
            row = s.get(SubmissionVersionRow, submission_id)
            return _link(s, row) if row is not None else None

    def series(self, submission_id: str) -> list[VersionLink]:
        """Every version of the submission's series, first to latest (empty: it has no other version)."""
        with self.records.session() as s:
            row = s.get(SubmissionVersionRow, submission_id)
            if row is None:
                return []
            rows = s.scalars(select(SubmissionVersionRow).where(SubmissionVersionRow.series_id == row.series_id)
                             .order_by(SubmissionVersionRow.number))
            return [_link(s, r) for r in rows]


def link_in(s: Session, sub: Submission, *, replaces: str | None = None, actor: str = SYSTEM_ACTOR) -> bool:
    """:meth:`VersionStore.link` inside the caller's transaction ``s`` (the one that stored ``sub``:
    :meth:`assistant.stores.Stores.save_many`); whether ``sub`` became a new version."""
    now = _now()
    if s.get(SubmissionVersionRow, sub.id) is not None:
        return False
    previous = _replaced(s, sub, replaces)
    if previous is None:
        return False
    head = s.get(SubmissionVersionRow, previous)
    if head is None:
        head = SubmissionVersionRow(submission_id=previous, series_id=previous, number=1, previous_id=None,
                                    linked_by="first", created_at=now)
        s.add(head)
        s.flush()
    latest = s.scalars(select(SubmissionVersionRow).where(SubmissionVersionRow.series_id == head.series_id)
                       .order_by(SubmissionVersionRow.number.desc()).limit(1)).one()
    row = SubmissionVersionRow(submission_id=sub.id, series_id=head.series_id, number=latest.number + 1,
                               previous_id=latest.submission_id,
                               linked_by="replaces" if replaces else "match", created_at=now)
    s.add(row)
    record_event(s, submission_id=sub.id, kind="version", actor=actor, at=now,
                 after={"series_id": row.series_id, "number": row.number, "previous_id": row.previous_id,
                        "linked_by": row.linked_by})
    _carry_decisions(s, latest.submission_id, sub.id, now)
    _mark_resubmitted(s, latest.submission_id, sub.id, actor, now)
    return True


def _link(s: Session, row: SubmissionVersionRow) -> VersionLink:
    sub = s.get(SubmissionRow, row.submission_id)
    review = s.get(SubmissionReviewRow, row.submission_id)
    at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return VersionLink(row.submission_id, row.series_id, row.number, row.previous_id, row.linked_by,
                       sub.file_name if sub else None, at, review.state if review else None,
                       review.certainty if review else None)


def _replaced(s: Session, sub: Submission, replaces: str | None) -> str | None:
    """The id of the submission ``sub`` is a new version of, or None (a version is of the same bureau)."""
    bureau = s.scalar(select(SubmissionRow.bureau).where(SubmissionRow.id == sub.id))
    if replaces:
        earlier = s.get(SubmissionRow, replaces)
        return replaces if replaces != sub.id and earlier is not None and earlier.bureau == bureau else None
    if not sub.doc_type.checked or not sub.evaluations:
        return None
    project = sub.evaluations[0].project_name
    if not (sub.unit and sub.year and project):
        return None
    # the latest other file of the same unit, year and (first table's) project
    return s.scalar(select(SubmissionRow.id)
                    .join(EvaluationRow, (EvaluationRow.submission_id == SubmissionRow.id) & (EvaluationRow.idx == 0))
                    .where(SubmissionRow.id != sub.id, SubmissionRow.unit == sub.unit, SubmissionRow.year == sub.year,
                           EvaluationRow.project_name == project, SubmissionRow.bureau == bureau)
                    .order_by(SubmissionRow.created_at.desc(), SubmissionRow.id).limit(1))


def _key(row: FindingRow) -> tuple[str, str | None, str | None]:
    return row.rule, (row.location or {}).get("field"), row.evidence


def _carry_decisions(s: Session, previous: str, current: str, now: datetime) -> None:
    """A finding the new version still has unchanged (same rule, field and evidence) keeps the
    decision made on the previous version, logged as a decision of the one who made it."""
    decided = {_key(r): r for r in s.scalars(select(FindingRow).where(
        FindingRow.submission_id == previous, FindingRow.resolved_at.is_(None), FindingRow.decision != "open"))}
    if not decided:
        return
    for row in s.scalars(select(FindingRow).where(FindingRow.submission_id == current,
                                                  FindingRow.resolved_at.is_(None), FindingRow.decision == "open")):
        old = decided.get(_key(row))
        if old is None:
            continue
        row.decision, row.decision_reason, row.decision_comment = old.decision, old.decision_reason, old.decision_comment
        row.decided_by, row.decided_at, row.version = old.decided_by, old.decided_at, (row.version or 1) + 1
        record_event(s, submission_id=current, finding_id=row.id, kind="decision",
                     actor=old.decided_by or SYSTEM_ACTOR, at=now,
                     before={"decision": "open", "reason": None, "comment": None},
                     after={"decision": old.decision, "reason": old.decision_reason, "comment": old.decision_comment,
                            "carried_from": old.id},
                     reason=f"沿用上一版本（{previous}）对同一问题的审核决定")


def _mark_resubmitted(s: Session, previous: str, current: str, actor: str, now: datetime) -> None:
    """退回重报 → 已重报 once the unit's corrected file is in (the state graph's own edge for a
    resubmission: only a returned submission can be resubmitted)."""
    review = s.get(SubmissionReviewRow, previous)
    if review is None or review.state != "returned":
        return
    review.state, review.version, review.updated_at = "resubmitted", review.version + 1, now
    record_event(s, submission_id=previous, kind="transition", actor=actor, at=now,
                 before={"state": "returned"}, after={"state": "resubmitted", "new_version": current},
                 reason="已收到重报材料")

