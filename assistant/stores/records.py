"""The records store: submissions, evaluations, indicators, findings and chunks in SQL.

SQLAlchemy 2 ORM on SQLite by default (``sqlite:///<data_dir>/ziping.db``) and PostgreSQL by
configuration (``ZIPING_DATABASE_URL=postgresql+psycopg://…``). Only portable column types
are used (String, Text, Integer, Float, Boolean, DateTime, JSON). Opening a store brings the
database to the newest migration (:mod:`assistant.stores.migrate`): every table of the records
database, here and in the other store modules, is made and changed by a migration.

Schema
------
``submissions``  one row per file. ``id`` is the pipeline's submission id — by convention the
                 first 16 hex digits of the file's sha256 (64 bits: no collision expected below
                 billions of files) — and ``sha256`` is the full digest, unique when known.
                 ``data`` holds the canonical JSON (:meth:`Submission.to_dict`), the source of
                 truth for :meth:`RecordStore.get_submission`; the other columns are copies for
                 filtering.
``evaluations``  one row per self-evaluation table (``idx`` = index in ``submission.evaluations``)
                 with money in 万元 (converted from the table's unit), the execution rate as
                 filled (percent) and as computed from the total row, scores and grade.
``indicators``   one row per indicator with raw text and parse of target and actual.
``findings``     checker output; ``location`` is the :class:`Location` as JSON, ``occurrences``
                 the rows a folded finding lists (JSON list of :class:`Occurrence`; NULL: none);
                 the reviewer's decision on it, kept across re-checks (``resolved_at``: the
                 latest check no longer makes it; the row stays for the record).
``submission_reviews``  one row per submission: read certainty, review state, reviewer, due date.
``chunks``       retrievable chunks (the same ids as in the full-text index and the vector
                 store) and whether each one has been embedded yet.

Child rows carry ``ON DELETE CASCADE`` foreign keys; on SQLite ``PRAGMA foreign_keys=ON`` is set
on every connection (and WAL journaling for concurrent readers).

This module may not import ``ingest``: chunks are accepted by shape (:class:`ChunkLike`) and
returned as :class:`StoredChunk`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker
from sqlalchemy.sql import ColumnElement

from assistant import numbers
from assistant.model import Evaluation, Finding, Location, Occurrence, Submission, from_dict, to_dict
from assistant.review.certainty import certainty_of

__all__ = [
    "DEFAULT_BUREAU",
    "Base",
    "ChunkLike",
    "ChunkRow",
    "EvaluationRow",
    "FindingRow",
    "IndicatorRow",
    "NameRows",
    "RecordStore",
    "StoredChunk",
    "SubmissionReviewRow",
    "SubmissionRow",
    "SubmissionSummary",
    "finding_of",
    "flat_metadata",
    "to_wan",
]


def _now() -> datetime:
    return datetime.now(UTC)


# the bureau (tenant) of an installation that never names one; see :mod:`assistant.stores.bureaus`
DEFAULT_BUREAU = "default"


class Base(DeclarativeBase):
    """Declarative base of all record tables; the users, conversation and draft tables of the other
    store modules join its metadata (:mod:`assistant.stores.schema` gathers them for the migrations)."""

    type_annotation_map = {dict[str, Any]: JSON}


class SubmissionRow(Base):
    __tablename__ = "submissions"
    # The overview lists the latest first and every question checks (count, latest update) for
    # changes: without these, both read the whole table and its ``data`` JSON (≈ 100 ms at 10k).
    __table_args__ = (Index("ix_submissions_recent", "updated_at", "id"),
                      Index("ix_submissions_bureau_recent", "bureau", "updated_at"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(512))
    format: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="unknown", index=True)
    unit: Mapped[str | None] = mapped_column(String(256), index=True)
    department: Mapped[str | None] = mapped_column(String(256), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default="ok", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)  # canonical JSON
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # whose it is (the uploader's bureau): a reviewer sees only their bureau's submissions
    bureau: Mapped[str] = mapped_column(String(32), default=DEFAULT_BUREAU, server_default=DEFAULT_BUREAU, index=True)

    evaluations: Mapped[list[EvaluationRow]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True,
        order_by="EvaluationRow.idx")
    review: Mapped[SubmissionReviewRow | None] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True, lazy="joined")


class SubmissionReviewRow(Base):
    """Where a submission stands in the review (issue 15): its read certainty (已识别 / 待核实 /
    非自评材料, :mod:`assistant.review.certainty`; kept here so lists and statistics can leave
    uncertain reads out in SQL), its state, its reviewer and due date. One row per submission,
    made when the submission is stored (migration 0003 made them for the ones stored before).
    ``version`` is raised by every change so a stale update can be refused."""

    __tablename__ = "submission_reviews"

    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    certainty: Mapped[str] = mapped_column(String(16), default="recognised", index=True)
    certainty_confirmed_by: Mapped[str | None] = mapped_column(String(64))  # a reviewer vouched for the read
    certainty_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(24), default="pending", index=True)
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    submission: Mapped[SubmissionRow] = relationship(back_populates="review")


class EvaluationRow(Base):
    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("submission_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="project")
    project_name: Mapped[str | None] = mapped_column(String(512), index=True)
    project_code: Mapped[str | None] = mapped_column(String(128))
    department: Mapped[str | None] = mapped_column(String(256), index=True)
    impl_unit: Mapped[str | None] = mapped_column(String(256), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    layout: Mapped[str | None] = mapped_column(String(32))
    budget_initial: Mapped[float | None] = mapped_column(Float)  # 万元
    budget_full_year: Mapped[float | None] = mapped_column(Float)  # 万元
    exec_amount: Mapped[float | None] = mapped_column(Float)  # 万元
    exec_rate_filled: Mapped[float | None] = mapped_column(Float)  # percent, as filled in
    exec_rate_computed: Mapped[float | None] = mapped_column(Float)  # percent, total row
    exec_weight: Mapped[float | None] = mapped_column(Float)
    exec_score: Mapped[float | None] = mapped_column(Float)
    total_score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(16))
    indicator_count: Mapped[int] = mapped_column(Integer, default=0)

    submission: Mapped[SubmissionRow] = relationship(back_populates="evaluations")
    indicators: Mapped[list[IndicatorRow]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", passive_deletes=True,
        order_by="IndicatorRow.idx")


class IndicatorRow(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("evaluation_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str | None] = mapped_column(String(64), index=True)
    level2: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(512))
    target_raw: Mapped[str | None] = mapped_column(Text)
    target_op: Mapped[str | None] = mapped_column(String(4))
    target_number: Mapped[float | None] = mapped_column(Float)
    target_unit: Mapped[str | None] = mapped_column(String(32))
    target_qualitative: Mapped[bool] = mapped_column(Boolean, default=False)
    actual_raw: Mapped[str | None] = mapped_column(Text)
    actual_op: Mapped[str | None] = mapped_column(String(4))
    actual_number: Mapped[float | None] = mapped_column(Float)
    actual_unit: Mapped[str | None] = mapped_column(String(32))
    actual_qualitative: Mapped[bool] = mapped_column(Boolean, default=False)
    weight: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    deviation_reason: Mapped[str | None] = mapped_column(Text)

    evaluation: Mapped[EvaluationRow] = relationship(back_populates="indicators")


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)  # order as the checker returned them
    evaluation_idx: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16), index=True)
    message: Mapped[str] = mapped_column(Text)
    location: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence: Mapped[str | None] = mapped_column(Text)
    suggestion: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # since migration 0002; NULL (every finding stored before it, and one about a single cell): none
    occurrences: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # since migration 0003: the reviewer's decision (issue 15), kept when a re-check makes the
    # finding again; ``version`` is raised by every change so a stale update can be refused
    decision: Mapped[str] = mapped_column(String(24), default="open", server_default="open", index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decision_comment: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class CheckRow(Base):
    """Which rules made a submission's stored findings (:func:`assistant.checker.version.rules_version`).

    A table of its own rather than a column of ``submissions``: it was added to existing databases
    before there were migrations."""

    __tablename__ = "checks"

    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    rules_version: Mapped[str] = mapped_column(String(160))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ChunkRow(Base):
    __tablename__ = "chunks"
    # the next chunks waiting for vectors, in reading order, without sorting every waiting one
    __table_args__ = (Index("ix_chunks_pending", "embedded", "submission_id", "seq"),)

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    submission_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)  # reading order within the submission
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    embedded: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


# --- plain results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubmissionSummary:
    """One ``submissions`` row without the canonical JSON (for lists and duplicate checks)."""

    id: str
    sha256: str | None
    file_name: str | None
    format: str | None
    kind: str
    unit: str | None
    department: str | None
    year: int | None
    status: str
    status_reason: str | None
    created_at: datetime
    updated_at: datetime
    certainty: str  # recognised | uncertain | not_evaluation (assistant.review.certainty)

    @classmethod
    def of(cls, row: SubmissionRow) -> SubmissionSummary:
        return cls(id=row.id, sha256=row.sha256, file_name=row.file_name, format=row.format, kind=row.kind,
                   unit=row.unit, department=row.department, year=row.year, status=row.status,
                   status_reason=row.status_reason, created_at=row.created_at, updated_at=row.updated_at,
                   certainty=row.review.certainty if row.review is not None else "recognised")


@dataclass(frozen=True)
class NameRows:
    """Names as filed: ``submissions`` rows are (id, unit, department); ``evaluations`` rows are
    (submission id, project name, implementing unit, department, the submission's unit)."""

    submissions: list[tuple[str, str | None, str | None]]
    evaluations: list[tuple[str, str | None, str | None, str | None, str | None]]


class ChunkLike(Protocol):
    """What the stores need of a chunk (``ingest.chunking.Chunk`` and :class:`StoredChunk` fit)."""

    id: str
    submission_id: str
    text: str
    kind: str
    metadata: Any  # an object with ``to_flat()`` or a flat dict


@dataclass(frozen=True)
class StoredChunk:
    id: str
    submission_id: str
    kind: str
    text: str
    metadata: dict[str, Any]


def flat_metadata(chunk: ChunkLike) -> dict[str, str | int | float | bool]:
    """A chunk's metadata as a flat scalar dict, plus ``submission_id`` and ``kind``."""
    meta = chunk.metadata
    flat = meta.to_flat() if hasattr(meta, "to_flat") else dict(meta or {})
    flat = {k: v for k, v in flat.items() if isinstance(v, (str, int, float, bool)) and v != ""}
    flat["submission_id"] = chunk.submission_id
    flat["kind"] = chunk.kind
    return flat


# --- conversions --------------------------------------------------------------------------------

def to_wan(amount: float | None, unit: str | None) -> float | None:
    """An amount in the funds block's unit converted to 万元 for the columns (no unit means 万元,
    the forms' default; an unknown unit is kept as is), rounded to six places."""
    if amount is None:
        return None
    wan = numbers.to_wan(amount, (unit or "万元").strip())
    return round(amount if wan is None else wan, 6)


def _rate_computed(ev: Evaluation) -> float | None:
    total = ev.funds.total or (ev.funds.rows[0] if len(ev.funds.rows) == 1 else None)
    if total is None or total.exec_amount is None:
        return None
    denominator = getattr(total, ev.funds.denominator, None) if ev.funds.denominator else None
    if denominator is None:
        denominator = total.budget_full_year
    if not denominator:
        return None
    return round(total.exec_amount / denominator * 100, 2)


_EVAL_IDX = re.compile(r"^evaluations\[(\d+)\]")
_IN_BATCH = 500  # ids per ``IN (…)`` list: below SQLite's default limit of 999 bound variables


def _evaluation_rows(sub: Submission) -> list[tuple[EvaluationRow, list[dict[str, Any]]]]:
    """Each evaluation's row and its indicators' column values (inserted in bulk once the
    evaluation row has its id: an ORM object per indicator was a fifth of a save's time)."""
    rows = []
    for i, ev in enumerate(sub.evaluations):
        unit = ev.funds.unit
        total = ev.funds.total or (ev.funds.rows[0] if len(ev.funds.rows) == 1 else None)
        row = EvaluationRow(
            submission_id=sub.id, idx=i, kind=ev.kind, project_name=ev.project_name,
            project_code=ev.project_code, department=ev.department, impl_unit=ev.impl_unit,
            year=ev.year if ev.year is not None else sub.year, layout=ev.layout,
            budget_initial=to_wan(total.budget_initial, unit) if total else None,
            budget_full_year=to_wan(total.budget_full_year, unit) if total else None,
            exec_amount=to_wan(total.exec_amount, unit) if total else None,
            exec_rate_filled=ev.funds.rate.number, exec_rate_computed=_rate_computed(ev),
            exec_weight=ev.funds.weight, exec_score=ev.funds.score, total_score=ev.total_score,
            grade=ev.grade, indicator_count=len(ev.indicators),
        )
        indicators = [
            {"submission_id": sub.id, "idx": j, "level1": ind.level1, "level2": ind.level2, "name": ind.name,
             "target_raw": ind.target.raw, "target_op": ind.target.op, "target_number": ind.target.number,
             "target_unit": ind.target.unit, "target_qualitative": ind.target.qualitative,
             "actual_raw": ind.actual.raw, "actual_op": ind.actual.op, "actual_number": ind.actual.number,
             "actual_unit": ind.actual.unit, "actual_qualitative": ind.actual.qualitative,
             "weight": ind.weight, "score": ind.score, "deviation_reason": ind.deviation_reason}
            for j, ind in enumerate(ev.indicators)
        ]
        rows.append((row, indicators))
    return rows


def _chunk_values(chunk: ChunkLike, seq: int, bureau: str | None = None) -> dict[str, Any]:
    """A chunk's ``chunks`` row as column values (for a bulk insert)."""
    meta = flat_metadata(chunk)
    if bureau is not None:  # the vectors carry it, so a bureau's search can filter in Chroma
        meta["bureau"] = bureau
    return {"id": chunk.id, "submission_id": chunk.submission_id, "seq": seq, "kind": chunk.kind,
            "text": chunk.text, "meta": meta, "embedded": False}


def _chunk_row(chunk: ChunkLike, seq: int, bureau: str | None = None) -> ChunkRow:
    return ChunkRow(**_chunk_values(chunk, seq, bureau))


def _stored(row: ChunkRow) -> StoredChunk:
    return StoredChunk(id=row.id, submission_id=row.submission_id, kind=row.kind, text=row.text,
                       metadata=dict(row.meta or {}))


# --- the store ----------------------------------------------------------------------------------

def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # with WAL, NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing
    # committed and the database stays consistent, but a power cut (or an OS crash) may lose the
    # last commits — files a rerun of the same ingest stores again (idempotent by content hash)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class RecordStore:
    """Submissions and everything derived from them, in one SQL database.

    Every method opens its own short transaction, so one store can be shared by threads (the
    engine's pool hands each its own connection). Use :meth:`session` for ad-hoc queries.

    A store reads one bureau's data or every bureau's: :meth:`within` makes a view (same engine)
    whose reads keep the rows of ``bureau`` only — the API hands each request the view of its
    user's bureau (:func:`api.deps.get_stores`), so the routes, the answer engine, statistics and
    exports filter without knowing it. New submissions go to ``home``. Queries of the other store
    modules keep to the view's bureau with :meth:`in_scope`.
    """

    bureau: str | None = None  # None: every bureau (the CLI, the workers, an admin)
    home: str = DEFAULT_BUREAU

    def __init__(self, url: str, *, echo: bool = False, migrate: bool = True) -> None:
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.url = url
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        from assistant.stores.migrate import MigrationReport, upgrade

        # the schema is the migrations' (an older data directory is upgraded, a pre-migration one
        # adopted); ``migrate=False`` only for looking at a database as it is (``ziping db status``)
        self.migration: MigrationReport | None = upgrade(self.engine) if migrate else None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def within(self, bureau: str | None, home: str | None = None) -> RecordStore:
        """A view of this store reading ``bureau``'s data only (None: every bureau's), storing new
        submissions in ``home`` (default: ``bureau``, else the default bureau)."""
        view = copy.copy(self)
        view.bureau = bureau
        view.home = home or bureau or DEFAULT_BUREAU
        return view

    def in_scope(self, submission_id: Any) -> ColumnElement[bool]:
        """A condition keeping the rows (by their submission id column) of this view's bureau."""
        if self.bureau is None:
            return true()
        if submission_id is SubmissionRow.id or submission_id is SubmissionRow.__table__.c.id:
            return SubmissionRow.bureau == self.bureau
        return submission_id.in_(select(SubmissionRow.id).where(SubmissionRow.bureau == self.bureau))

    def bureau_of(self, submission_id: str) -> str | None:
        """The bureau a stored submission belongs to (in any bureau: for refusing, not for showing)."""
        with self.session() as s:
            return s.scalar(select(SubmissionRow.bureau).where(SubmissionRow.id == submission_id))

    def bureau_of_finding(self, finding_id: str) -> str | None:
        """The bureau of a stored finding's submission (in any bureau: for refusing, not for showing)."""
        with self.session() as s:
            return s.scalar(select(SubmissionRow.bureau).join(FindingRow, FindingRow.submission_id == SubmissionRow.id)
                            .where(FindingRow.id == finding_id))

    def sees_everything(self) -> bool:
        """Whether this view reads every stored submission (every bureau's, or no other bureau has
        any): a search then needs no submission filter — a single-bureau installation pays nothing."""
        if self.bureau is None:
            return True
        with self.session() as s:
            return s.scalar(select(SubmissionRow.id).where(SubmissionRow.bureau != self.bureau).limit(1)) is None

    def sees(self, row: SubmissionRow | None) -> bool:
        return row is not None and (self.bureau is None or row.bureau == self.bureau)

    def ping(self) -> str:
        """Run a trivial query (raises when the database does not answer); the dialect's name."""
        with self.engine.connect() as conn:
            conn.execute(select(1))
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    # submissions --------------------------------------------------------------------------------

    def save_submission(self, sub: Submission, chunks: Sequence[ChunkLike] | None = None,
                        findings: Sequence[Finding] | None = None, rules_version: str | None = None) -> str:
        """Insert or replace a submission (by id) with its evaluation and indicator rows.

        All in one transaction. ``chunks``, when given, replace the submission's chunk rows too
        (as not yet embedded), and ``findings`` its findings (made by ``rules_version``);
        ``None`` leaves them alone. Returns the id.
        """
        with self.session() as s:
            return self.save_in(s, sub, chunks, findings, rules_version)

    def save_in(self, s: Session, sub: Submission, chunks: Sequence[ChunkLike] | None = None,
                findings: Sequence[Finding] | None = None, rules_version: str | None = None) -> str:
        """:meth:`save_submission` inside the caller's transaction ``s``: a writer storing a batch
        commits once for all of it (:meth:`assistant.stores.Stores.save_many`)."""
        if not sub.id:
            raise ValueError("提交材料缺少编号 / submission has no id")
        data = json.dumps(sub.to_dict(), ensure_ascii=False)
        now = _now()
        row = s.get(SubmissionRow, sub.id)
        fresh = row is None
        if row is None:
            row = SubmissionRow(id=sub.id, created_at=now, bureau=self.home)
            s.add(row)
        elif not self.sees(row):
            # the same file stored by another bureau: its row is not this view's to replace
            raise ValueError("该材料属于其他机构 / the submission belongs to another bureau")
        else:
            # delete children with bulk statements (DB-level cascade removes indicators)
            s.execute(delete(IndicatorRow).where(IndicatorRow.submission_id == sub.id))
            s.execute(delete(EvaluationRow).where(EvaluationRow.submission_id == sub.id))
            s.expire(row, ["evaluations"])
        row.sha256 = sub.file.sha256 or None
        row.file_name = sub.file.name or None
        row.format = sub.file.format or None
        row.kind = sub.kind
        row.unit = sub.unit
        row.department = sub.department
        row.year = sub.year
        row.status = sub.status
        row.status_reason = sub.status_reason
        row.data = data
        row.updated_at = now
        s.flush()
        _review_row(s, sub, now, fresh)
        evaluations = _evaluation_rows(sub)
        s.add_all(ev_row for ev_row, _ in evaluations)
        if any(indicators for _, indicators in evaluations):
            s.flush()  # the evaluation rows' ids, for their indicators
            s.execute(insert(IndicatorRow), [{**values, "evaluation_id": ev_row.id}
                                             for ev_row, indicators in evaluations for values in indicators])
        if chunks is not None:
            if not fresh:
                s.execute(delete(ChunkRow).where(ChunkRow.submission_id == sub.id))
            if chunks:
                # one executemany rather than an ORM object per chunk (a third of a save's time)
                s.execute(insert(ChunkRow), [_chunk_values(c, n, row.bureau) for n, c in enumerate(chunks)])
        if findings is not None:
            _replace_findings(s, sub.id, findings, now, fresh)
            _stamp(s, sub.id, rules_version, now, fresh)
        return sub.id

    def get_submission(self, submission_id: str) -> Submission | None:
        with self.session() as s:
            data = s.scalar(select(SubmissionRow.data).where(SubmissionRow.id == submission_id,
                                                             self.in_scope(SubmissionRow.id)))
        return Submission.from_dict(json.loads(data)) if data else None

    def get_submissions(self, ids: Sequence[str]) -> list[Submission]:
        """Submissions by id, in the order asked (unknown ids are skipped).

        One query per :data:`_IN_BATCH` ids instead of one transaction per submission: for a
        batch re-check the per-call transaction cost more than decoding the JSON."""
        data: dict[str, str] = {}
        with self.session() as s:
            for start in range(0, len(ids), _IN_BATCH):
                part = list(ids[start:start + _IN_BATCH])
                rows = s.execute(select(SubmissionRow.id, SubmissionRow.data).where(SubmissionRow.id.in_(part),
                                                                                  self.in_scope(SubmissionRow.id)))
                data.update((sid, text) for sid, text in rows)
        return [Submission.from_dict(json.loads(data[i])) for i in ids if i in data]

    def get_summary(self, submission_id: str) -> SubmissionSummary | None:
        with self.session() as s:
            row = s.get(SubmissionRow, submission_id)
            return SubmissionSummary.of(row) if self.sees(row) else None

    def find_by_sha256(self, sha256: str) -> SubmissionSummary | None:
        """The submission already stored for this file content, if any (idempotent ingest). In every
        bureau: a file's id is its content's, so the same file is stored once per installation
        (the pipeline refuses it, by :meth:`bureau_of`, in another bureau)."""
        with self.session() as s:
            row = s.scalar(select(SubmissionRow).where(SubmissionRow.sha256 == sha256))
            return SubmissionSummary.of(row) if row else None

    def list_submissions(
        self,
        year: int | None = None,
        unit: str | None = None,
        status: str | None = None,
        kind: str | None = None,
        department: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SubmissionSummary]:
        """Submissions, newest first. ``unit``/``department``/``status``/``kind`` match exactly;
        ``text`` matches a part of the file name, unit or department."""
        q = select(SubmissionRow).where(self.in_scope(SubmissionRow.id))
        if year is not None:
            q = q.where(SubmissionRow.year == year)
        if unit is not None:
            q = q.where(SubmissionRow.unit == unit)
        if department is not None:
            q = q.where(SubmissionRow.department == department)
        if status is not None:
            q = q.where(SubmissionRow.status == status)
        if kind is not None:
            q = q.where(SubmissionRow.kind == kind)
        if text:
            like = f"%{text}%"
            q = q.where(or_(SubmissionRow.file_name.like(like), SubmissionRow.unit.like(like),
                            SubmissionRow.department.like(like)))
        q = q.order_by(SubmissionRow.updated_at.desc(), SubmissionRow.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.session() as s:
            return [SubmissionSummary.of(r) for r in s.scalars(q)]

    def count_submissions(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(SubmissionRow).where(self.in_scope(SubmissionRow.id))) or 0

    def delete_submission(self, submission_id: str) -> bool:
        """Delete a submission and (by cascade) its evaluations, indicators, findings and chunks."""
        with self.session() as s:
            result = s.execute(delete(SubmissionRow).where(SubmissionRow.id == submission_id,
                                                           self.in_scope(SubmissionRow.id)))
            return bool(result.rowcount)

    def submission_ids_where(self, *, year: int | None = None, unit: str | None = None,
                             unit_like: str | None = None, department: str | None = None,
                             kind: str | None = None, ids: Sequence[str] | None = None) -> list[str]:
        """Ids of the submissions matching every given condition (``unit_like``: a part of the
        unit or the department; ``ids``: among these)."""
        q = select(SubmissionRow.id).where(self.in_scope(SubmissionRow.id))
        if year is not None:
            q = q.where(SubmissionRow.year == year)
        if unit is not None:
            q = q.where(SubmissionRow.unit == unit)
        if unit_like:
            like = f"%{unit_like}%"
            q = q.where(or_(SubmissionRow.unit.like(like), SubmissionRow.department.like(like)))
        if department is not None:
            q = q.where(SubmissionRow.department == department)
        if kind is not None:
            q = q.where(SubmissionRow.kind == kind)
        if ids is not None:
            q = q.where(SubmissionRow.id.in_(list(ids)))
        with self.session() as s:
            return list(s.scalars(q))

    def years(self) -> list[int]:
        """The years submissions are stored for, latest first."""
        with self.session() as s:
            return sorted((y for y in s.scalars(select(SubmissionRow.year).where(self.in_scope(SubmissionRow.id))
                                                .distinct()) if y is not None),
                          reverse=True)

    def change_stamp(self) -> tuple[int, datetime | None]:
        """(number of submissions, latest update): changes whenever a submission is saved or deleted."""
        with self.session() as s:
            count, latest = s.execute(select(func.count(), func.max(SubmissionRow.updated_at))
                                      .select_from(SubmissionRow).where(self.in_scope(SubmissionRow.id))).one()
        return int(count), latest

    def name_rows(self) -> NameRows:
        """The names filed with every submission and evaluation table (for spotting them in questions)."""
        with self.session() as s:
            subs = [tuple(r) for r in s.execute(select(SubmissionRow.id, SubmissionRow.unit, SubmissionRow.department)
                                                .where(self.in_scope(SubmissionRow.id)))]
            evs = [tuple(r) for r in s.execute(
                select(EvaluationRow.submission_id, EvaluationRow.project_name, EvaluationRow.impl_unit,
                       EvaluationRow.department, SubmissionRow.unit)
                .join(SubmissionRow, EvaluationRow.submission_id == SubmissionRow.id)
                .where(self.in_scope(SubmissionRow.id)))]
        return NameRows(submissions=subs, evaluations=evs)

    def year_rows(self, year: int) -> tuple[list[SubmissionRow], list[EvaluationRow], list[FindingRow]]:
        """A year's submission rows (by id), their evaluation rows (by submission, index) and finding
        rows (by submission, checker order), read in one transaction, detached."""
        with self.session() as s:
            subs = list(s.scalars(select(SubmissionRow).where(SubmissionRow.year == year, self.in_scope(SubmissionRow.id))
                                  .order_by(SubmissionRow.id)))
            sub_ids = [r.id for r in subs]
            evs = list(s.scalars(select(EvaluationRow).where(EvaluationRow.submission_id.in_(sub_ids))
                                 .order_by(EvaluationRow.submission_id, EvaluationRow.idx))) if sub_ids else []
            frows = list(s.scalars(select(FindingRow).where(FindingRow.submission_id.in_(sub_ids),
                                                            FindingRow.resolved_at.is_(None))
                                   .order_by(FindingRow.submission_id, FindingRow.seq))) if sub_ids else []
        return subs, evs, frows

    # findings -----------------------------------------------------------------------------------

    def save_findings(self, submission_id: str, findings: Iterable[Finding], rules_version: str | None = None) -> int:
        """Store a new check's findings (made by ``rules_version``) over the submission's old ones,
        keeping the reviewers' decisions (see :func:`_replace_findings`). Ids are kept when set,
        else ``{sid}:F{n}``. Returns how many findings the check made."""
        now = _now()
        findings = list(findings)
        with self.session() as s:
            _replace_findings(s, submission_id, findings, now)
            _stamp(s, submission_id, rules_version, now)
        return len(findings)

    def rules_versions(self) -> dict[str, str | None]:
        """Every submission id → the rules version of its stored findings (None: not recorded,
        e.g. stored by a release before versions were kept)."""
        with self.session() as s:
            rows = s.execute(select(SubmissionRow.id, CheckRow.rules_version)
                             .outerjoin(CheckRow, CheckRow.submission_id == SubmissionRow.id)
                             .where(self.in_scope(SubmissionRow.id)))
            return dict(rows.all())

    def get_findings(self, submission_id: str | None = None, *, rule: str | None = None,
                     severity: str | None = None, include_resolved: bool = False) -> list[Finding]:
        """Findings in checker order; those the latest check no longer makes only when
        ``include_resolved`` (they come last). Every decision is included: callers that count
        defects keep :attr:`Finding.counted` ones."""
        q = select(FindingRow).where(self.in_scope(FindingRow.submission_id))
        if not include_resolved:
            q = q.where(FindingRow.resolved_at.is_(None))
        if submission_id is not None:
            q = q.where(FindingRow.submission_id == submission_id)
        if rule is not None:
            q = q.where(FindingRow.rule == rule)
        if severity is not None:
            q = q.where(FindingRow.severity == severity)
        q = q.order_by(FindingRow.submission_id, FindingRow.seq)
        with self.session() as s:
            return [finding_of(r) for r in s.scalars(q)]

    # chunks -------------------------------------------------------------------------------------

    def save_chunks(self, chunks: Iterable[ChunkLike]) -> int:
        """Insert or update chunks by id; a chunk whose text or metadata changed is re-embedded."""
        chunks = list(chunks)
        if not chunks:
            return 0
        with self.session() as s:
            existing = {r.id: r for r in s.scalars(select(ChunkRow).where(ChunkRow.id.in_([c.id for c in chunks])))}
            seqs: dict[str, int] = {}
            for c in chunks:
                if c.submission_id not in seqs:
                    seqs[c.submission_id] = s.scalar(select(func.coalesce(func.max(ChunkRow.seq) + 1, 0))
                                                     .where(ChunkRow.submission_id == c.submission_id)) or 0
                new = _chunk_row(c, 0)
                row = existing.get(c.id)
                if row is None:
                    new.seq = seqs[c.submission_id]
                    seqs[c.submission_id] += 1
                    s.add(new)
                elif (row.text, row.meta, row.kind) != (new.text, new.meta, new.kind):
                    row.text, row.meta, row.kind, row.embedded = new.text, new.meta, new.kind, False
        return len(chunks)

    def get_chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        """Chunks by id, in the order asked (unknown ids are skipped)."""
        if not ids:
            return []
        with self.session() as s:
            rows = {r.id: r for r in s.scalars(select(ChunkRow).where(ChunkRow.id.in_(list(ids)),
                                                                      self.in_scope(ChunkRow.submission_id)))}
        return [_stored(rows[i]) for i in ids if i in rows]

    def chunks_for_submission(self, submission_id: str) -> list[StoredChunk]:
        with self.session() as s:
            rows = s.scalars(select(ChunkRow).where(ChunkRow.submission_id == submission_id,
                                                    self.in_scope(ChunkRow.submission_id)).order_by(ChunkRow.seq))
            return [_stored(r) for r in rows]

    def chunk_counts(self, submission_id: str) -> tuple[int, int]:
        """(chunks, of which embedded) of a submission."""
        with self.session() as s:  # one query: every submission page asks
            total, embedded = s.execute(select(func.count(), func.sum(case((ChunkRow.embedded.is_(True), 1), else_=0)))
                                        .where(ChunkRow.submission_id == submission_id,
                                               self.in_scope(ChunkRow.submission_id))).one()
        return total or 0, embedded or 0

    def chunks_pending_embedding(self, limit: int | None = None,
                                 submission_ids: Sequence[str] | None = None) -> list[StoredChunk]:
        """Chunks not yet embedded (of ``submission_ids`` only, when given)."""
        q = select(ChunkRow).where(ChunkRow.embedded.is_(False)).order_by(ChunkRow.submission_id, ChunkRow.seq)
        if submission_ids is not None:
            q = q.where(ChunkRow.submission_id.in_(list(submission_ids)))
        if limit is not None:
            q = q.limit(limit)
        with self.session() as s:
            return [_stored(r) for r in s.scalars(q)]

    def mark_embedded(self, ids: Iterable[str], embedded: bool = True) -> None:
        ids = list(ids)
        with self.session() as s:
            for start in range(0, len(ids), _IN_BATCH):
                s.execute(update(ChunkRow).where(ChunkRow.id.in_(ids[start:start + _IN_BATCH])).values(embedded=embedded))

    def chunk_index(self) -> list[tuple[str, str, bool]]:
        """Every chunk as ``(chunk id, submission id, embedded)``: what ``ziping doctor`` compares
        with the full-text index and the vector store."""
        with self.session() as s:
            return [(cid, sid, bool(emb)) for cid, sid, emb in
                    s.execute(select(ChunkRow.id, ChunkRow.submission_id, ChunkRow.embedded))]


def finding_of(r: FindingRow) -> Finding:
    """A stored finding as the checker made it."""
    return Finding(rule=r.rule, severity=r.severity, message=r.message,  # type: ignore[arg-type]
                   location=from_dict(Location, r.location or {}), evidence=r.evidence,
                   suggestion=r.suggestion, source=r.source, submission_id=r.submission_id, id=r.id,
                   occurrences=[from_dict(Occurrence, o) for o in r.occurrences or []],
                   decision=r.decision or "open", decision_reason=r.decision_reason,  # type: ignore[arg-type]
                   decision_comment=r.decision_comment, decided_by=r.decided_by,
                   decided_at=r.decided_at.isoformat() if r.decided_at else None,
                   resolved=r.resolved_at is not None, version=r.version or 1)


def _stamp(s: Session, submission_id: str, rules_version: str | None, now: datetime, fresh: bool = False) -> None:
    """Record (or, without a version, forget) which rules made the findings just saved (``fresh``:
    the submission's row was made in this transaction, so there is nothing to forget)."""
    if not fresh:
        s.execute(delete(CheckRow).where(CheckRow.submission_id == submission_id))
    if rules_version:
        s.add(CheckRow(submission_id=submission_id, rules_version=rules_version, checked_at=now))


# what a new check rewrites on a finding it makes again (the decision columns are the reviewer's)
_CHECK_COLUMNS = ("seq", "evaluation_idx", "rule", "severity", "message", "location", "evidence", "suggestion",
                  "source", "occurrences")
_DECISION_RESET = {"decision": "open", "decision_reason": None, "decision_comment": None, "decided_by": None,
                   "decided_at": None}


def _replace_findings(s: Session, submission_id: str, findings: Sequence[Finding], now: datetime,
                      fresh: bool = False) -> None:
    """Put a new check's findings over the stored ones without losing a reviewer's work.

    A finding is the same one when its id is (the checker's id is rule + field, see
    :func:`assistant.checker._finish`) and its evidence is unchanged: it keeps its decision. When
    the evidence changed (the value was corrected or resubmitted) the decision no longer speaks for
    it and goes back to 待定. A stored finding the check no longer makes is marked resolved, not
    deleted: the audit trail and the decisions on it stay. ``fresh``: the submission's row was
    made in this transaction, so it has no stored findings to look up."""
    old = {} if fresh else {r.id: r for r in s.scalars(select(FindingRow).where(FindingRow.submission_id == submission_id))}
    made: set[str] = set()
    for row in _finding_rows(submission_id, findings, now):
        if row.id in made:  # two findings with one id: keep the checker's order, give the later its own
            row.id = f"{row.id}:{row.seq}"
        made.add(row.id)
        prev = old.get(row.id)
        if prev is None:
            s.add(row)
            continue
        changed = prev.evidence != row.evidence
        for column in _CHECK_COLUMNS:
            setattr(prev, column, getattr(row, column))
        prev.resolved_at = None
        if changed and prev.decision != "open":
            for column, value in _DECISION_RESET.items():
                setattr(prev, column, value)
            prev.version = (prev.version or 1) + 1
    gone = [r for fid, r in old.items() if fid not in made]
    for n, r in enumerate(gone, start=len(made)):
        r.seq = n
        if r.resolved_at is None:
            r.resolved_at = now


def _review_row(s: Session, sub: Submission, now: datetime, fresh: bool = False) -> None:
    """Make or refresh the submission's review row: its certainty follows what was read, unless a
    reviewer confirmed the read (a confirmation survives reading the file again). ``fresh``: the
    submission's row was made in this transaction, so it has none yet."""
    review = None if fresh else s.get(SubmissionReviewRow, sub.id)
    if review is None:
        s.add(SubmissionReviewRow(submission_id=sub.id, certainty=certainty_of(sub), updated_at=now))
        return
    certainty = certainty_of(sub, confirmed=review.certainty_confirmed_by is not None)
    if certainty != review.certainty:
        review.certainty, review.version, review.updated_at = certainty, review.version + 1, now


def _finding_rows(submission_id: str, findings: Iterable[Finding], now: datetime) -> list[FindingRow]:
    rows = []
    for n, f in enumerate(findings):
        m = _EVAL_IDX.match(f.location.field or "")
        rows.append(FindingRow(
            id=f.id or f"{submission_id}:F{n}", submission_id=submission_id, seq=n,
            evaluation_idx=int(m.group(1)) if m else None, rule=f.rule, severity=f.severity,
            message=f.message, location=to_dict(f.location), evidence=f.evidence,
            suggestion=f.suggestion, source=f.source, created_at=now,
            occurrences=to_dict(f.occurrences) or None, decision="open", version=1,
        ))
    return rows
