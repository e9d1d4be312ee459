"""Reviewers' corrections of read values and confirmations of uncertain reads (issue 15 items 2, 3).

``corrections`` is a layer over what the reader read: one row per correction with the value as
typed, its parse and the value as read (``original``); the stored submission is the read one with
the active corrections laid over it (:func:`assistant.review.fields.apply_corrections`), so the
original of every corrected field is kept here and the file itself in the files directory. A
newer correction of the same field replaces the older (``active`` false, kept for the record).

A correction and a confirmation are compare-and-set on the submission's review row ``version``
and are written with their audit event in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.review.certainty import CERTAINTY_TERMS
from assistant.review.errors import Conflict, NotFound
from assistant.review.fields import ROW_KIND, Correction, display
from assistant.stores.records import Base, RecordStore, SubmissionReviewRow
from assistant.stores.review import record_event

__all__ = ["CorrectionRow", "CorrectionStore", "ReadState", "take_review_row"]


def _now() -> datetime:
    return datetime.now(UTC)


class CorrectionRow(Base):
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    field_path: Mapped[str] = mapped_column(String(256))
    typed: Mapped[str] = mapped_column(Text)  # as the reviewer typed it
    parsed: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)  # canonical JSON of the field
    original: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)  # as the reader read it
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)


def _correction(row: CorrectionRow) -> Correction:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)  # SQLite drops the zone
    return Correction(submission_id=row.submission_id, field_path=row.field_path, typed=row.typed,
                      parsed=row.parsed, original=row.original, actor=row.actor, at=at, id=row.id,
                      active=row.active)


@dataclass(frozen=True)
class ReadState:
    """A submission's read certainty, who confirmed an uncertain read, and its review row's version."""

    submission_id: str
    certainty: str
    confirmed_by: str | None
    confirmed_at: datetime | None
    version: int

    @classmethod
    def of(cls, row: SubmissionReviewRow) -> ReadState:
        at = row.certainty_confirmed_at
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)  # SQLite drops the zone
        return cls(row.submission_id, row.certainty, row.certainty_confirmed_by, at, row.version)


def take_review_row(s: Session, submission_id: str, expected_version: int | None,
                    now: datetime) -> SubmissionReviewRow:
    """The submission's review row, for a change: refuses a stale ``expected_version`` and raises
    the version (inside the caller's transaction)."""
    row = s.get(SubmissionReviewRow, submission_id)
    if row is None:
        raise NotFound(f"没有编号为“{submission_id}”的材料")
    seen = expected_version if expected_version is not None else row.version
    if seen != row.version:
        raise Conflict(f"这份材料已被他人修改（当前版本 {row.version}，页面上的是 {seen}），请刷新后重试")
    # compare-and-set: a concurrent change between our read and this write bumps the version first
    done = s.execute(update(SubmissionReviewRow)
                     .where(SubmissionReviewRow.submission_id == submission_id,
                            SubmissionReviewRow.version == seen)
                     .values(version=seen + 1, updated_at=now).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("另一位审核人刚刚修改了这份材料，请刷新后重试")
    s.refresh(row)
    return row


def _same_field(s: Session, submission_id: str, field_path: str) -> list[CorrectionRow]:
    """Active corrections of the field ``field_path`` names now. A row marked as header or parent
    since shifted the rows, so an older correction of the same path named another row; and a
    row mark never replaces another (each names the row at its place then)."""
    if field_path.endswith(f".{ROW_KIND}"):
        return []
    rows = s.scalars(select(CorrectionRow).where(CorrectionRow.submission_id == submission_id,
                                                 CorrectionRow.active.is_(True)).order_by(CorrectionRow.id)).all()
    last_mark = max((r.id for r in rows if r.field_path.endswith(f".{ROW_KIND}")), default=0)
    return [r for r in rows if r.field_path == field_path and r.id > last_mark]


class CorrectionStore:
    """Corrections of read values and confirmations of uncertain reads, in the records database."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records

    def active(self, submission_id: str) -> list[Correction]:
        """The corrections in force on a submission, in the order they were made."""
        with self.records.session() as s:
            rows = s.scalars(select(CorrectionRow).where(CorrectionRow.submission_id == submission_id,
                                                         CorrectionRow.active.is_(True)).order_by(CorrectionRow.id))
            return [_correction(r) for r in rows]

    def earlier(self, submission_id: str, field_path: str) -> Correction | None:
        """The active correction of the same field, which a new one on ``field_path`` replaces."""
        with self.records.session() as s:
            prior = _same_field(s, submission_id, field_path)
            return _correction(prior[-1]) if prior else None

    def history(self, submission_id: str) -> list[Correction]:
        """Every correction ever made on a submission (replaced ones too), oldest first."""
        with self.records.session() as s:
            rows = s.scalars(select(CorrectionRow).where(CorrectionRow.submission_id == submission_id)
                             .order_by(CorrectionRow.id))
            return [_correction(r) for r in rows]

    def add(self, correction: Correction, *, expected_version: int | None = None,
            findings_delta: dict[str, list[str]] | None = None) -> Correction:
        """Store a correction (replacing an active one of the same field) and log it, in one
        transaction; :class:`Conflict` when the submission changed since ``expected_version``."""
        now = _now()
        with self.records.session() as s:
            take_review_row(s, correction.submission_id, expected_version, now)
            prior = _same_field(s, correction.submission_id, correction.field_path)
            for p in prior:
                p.active = False
            row = CorrectionRow(submission_id=correction.submission_id, field_path=correction.field_path,
                                typed=correction.typed, parsed=correction.parsed, original=correction.original,
                                actor=correction.actor, at=now, active=True)
            s.add(row)
            s.flush()
            before_value = prior[-1].parsed if prior else correction.original
            record_event(s, submission_id=correction.submission_id, kind="correction", actor=correction.actor,
                         before={"field_path": correction.field_path, "value": display(before_value),
                                 "original": display(correction.original)},
                         after={"field_path": correction.field_path, "value": display(correction.parsed),
                                "typed": correction.typed, "correction_id": row.id, **(findings_delta or {})},
                         at=now)
            return _correction(row)

    def read_state(self, submission_id: str) -> ReadState | None:
        with self.records.session() as s:
            row = s.get(SubmissionReviewRow, submission_id)
            return ReadState.of(row) if row is not None else None

    def confirm(self, submission_id: str, actor: str, *, expected_version: int | None = None) -> ReadState:
        """A reviewer vouches for an uncertain read: 待核实 → 已识别, with who and when, logged
        (event ``certainty``). :class:`Conflict` for a read that is not 待核实 or a stale version."""
        now = _now()
        with self.records.session() as s:
            current = s.get(SubmissionReviewRow, submission_id)
            if current is None:
                raise NotFound(f"没有编号为“{submission_id}”的材料")
            if current.certainty != "uncertain":
                who = f"（已由{current.certainty_confirmed_by}确认）" if current.certainty_confirmed_by else ""
                raise Conflict(f"这份材料的识别结果为“{CERTAINTY_TERMS.get(current.certainty, current.certainty)}”"
                               f"{who}，不是待核实，无需确认")
            row = take_review_row(s, submission_id, expected_version, now)
            row.certainty, row.certainty_confirmed_by, row.certainty_confirmed_at = "recognised", actor, now
            record_event(s, submission_id=submission_id, kind="certainty", actor=actor,
                         before={"certainty": "uncertain"},
                         after={"certainty": "recognised", "confirmed_by": actor}, at=now)
            s.flush()
            return ReadState.of(row)
