"""Durable jobs: every ingest, embedding, re-check and draft job is a row of the records database.

A job is queued by whoever asks for the work (an upload, a finished ingest that wants vectors, an
operator) and taken by a worker: the server's own thread on SQLite, one or more ``ziping worker``
processes on PostgreSQL. The row says what to do (``kind``, ``payload``), where it stands
(``state``: ``queued`` → ``running`` → ``done`` | ``failed``; ``progress`` of ``total``;
``version``, bumped by every change, which the job event stream follows) and who holds it
(``worker``, ``lease_until``). ``job_files`` holds the files of an ingest job and the outcome of
each (``seq`` is the upload's number, ``member`` the file's number inside an uploaded archive, 0
for the upload itself), or the drafts of a draft job (``name`` is the draft's key; ``drafted``
when its version is saved).

Taking a job (:meth:`JobStore.claim`) selects the oldest queued row — ``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so workers on several machines never wait for or take each other's row — and marks
it running with a lease only while the row is still queued (SQLite has one writer at a time and no
row locks: that conditional UPDATE is its atomic claim). A worker renews its lease while it works
(every write of its progress renews it too); a worker that dies stops renewing, and
:meth:`JobStore.requeue_expired` puts its job back in the queue, or fails it once it has been
tried ``max_attempts`` times. Writes by a worker that lost its lease are refused
(:class:`LeaseLost`), so a job is never run by two workers at once. Times are the workers' UTC
clocks: keep the machines' clocks in sync (NTP) when workers run on several machines.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from assistant.stores.records import Base

__all__ = ["FINISHED", "UNFINISHED", "Job", "JobFile", "JobKind", "JobState", "JobStore", "LeaseLost",
           "job_files_table", "jobs_table"]

JobKind = Literal["ingest", "embed", "recheck", "draft"]
JobState = Literal["queued", "running", "done", "failed"]
UNFINISHED: tuple[str, ...] = ("queued", "running")
FINISHED: tuple[str, ...] = ("done", "failed")
TERMINAL_STAGES: tuple[str, ...] = ("indexed", "failed", "skipped", "drafted")
MAX_ATTEMPTS = 3

jobs_table = Table(
    "jobs", Base.metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("state", String(16), nullable=False, index=True),
    Column("owner", String(64), nullable=False, index=True),  # who queued it
    Column("parent_id", String(32), index=True),  # the job whose end queued this one (an ingest's embedding)
    Column("payload", JSON),  # what to do: the kind's options
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False, default=MAX_ATTEMPTS),
    Column("progress", Integer, nullable=False, default=0),
    Column("total", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("worker", String(128)),  # who runs (or last ran) it
    Column("lease_until", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

job_files_table = Table(
    "job_files", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(32), ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("member", Integer, nullable=False, default=0),
    Column("name", String(1024), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("status", String(16)),
    Column("reason", Text),
    Column("code", String(64)),
    Column("submission_id", String(64)),
    Column("findings", Integer),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("job_id", "seq", "member"),
)

_FILE_FIELDS = ("stage", "status", "reason", "code", "submission_id", "findings")


class LeaseLost(RuntimeError):
    """The worker no longer holds the job (its lease expired and the job went back to the queue)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes; every time stored here is UTC
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class JobFile:
    """One file of an ingest job and what became of it."""

    seq: int
    name: str
    stage: str = "queued"  # queued → parsed → checked → indexed | failed | skipped
    member: int = 0
    status: str | None = None  # the pipeline's file status once handled (ok, needs_review, failed, skipped)
    reason: str | None = None
    code: str | None = None
    submission_id: str | None = None
    findings: int | None = None
    updated_at: datetime = field(default_factory=_now)

    @property
    def finished(self) -> bool:
        return self.stage in TERMINAL_STAGES


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    state: str
    owner: str
    payload: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    parent_id: str | None = None
    attempts: int = 0
    max_attempts: int = MAX_ATTEMPTS
    progress: int = 0
    total: int = 0
    version: int = 0
    error: str | None = None
    worker: str | None = None
    lease_until: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    files: tuple[JobFile, ...] = ()

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


def _job(row: Any, files: Sequence[JobFile] = ()) -> Job:
    m = row._mapping
    return Job(id=m["id"], kind=m["kind"], state=m["state"], owner=m["owner"], payload=dict(m["payload"] or {}),
               created_at=_utc(m["created_at"]), updated_at=_utc(m["updated_at"]),  # type: ignore[arg-type]
               parent_id=m["parent_id"], attempts=m["attempts"], max_attempts=m["max_attempts"],
               progress=m["progress"], total=m["total"], version=m["version"], error=m["error"],
               worker=m["worker"], lease_until=_utc(m["lease_until"]), started_at=_utc(m["started_at"]),
               finished_at=_utc(m["finished_at"]), files=tuple(files))


def _file(row: Any) -> JobFile:
    m = row._mapping
    return JobFile(seq=m["seq"], member=m["member"], name=m["name"], stage=m["stage"], status=m["status"],
                   reason=m["reason"], code=m["code"], submission_id=m["submission_id"], findings=m["findings"],
                   updated_at=_utc(m["updated_at"]))  # type: ignore[arg-type]


def new_job_id() -> str:
    return secrets.token_hex(6)


class JobStore:
    """The job queue on the records store's engine (whose migrations made the tables)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # queueing -----------------------------------------------------------------------------------

    def enqueue(self, kind: str, owner: str, payload: dict[str, Any] | None = None,
                files: Iterable[JobFile] = (), *, job_id: str | None = None, parent_id: str | None = None,
                total: int = 0, state: str = "queued", max_attempts: int = MAX_ATTEMPTS) -> Job:
        """Add a job (``state="done"`` for one that has nothing left to do, as an upload whose every
        file was refused) with its files; returns it as stored."""
        job_id = job_id or new_job_id()
        with self.engine.begin() as conn:
            self._insert(conn, job_id, kind, owner, payload, files, parent_id, total, state, max_attempts)
        found = self.get(job_id)
        assert found is not None
        return found

    def _insert(self, conn: Connection, job_id: str, kind: str, owner: str, payload: dict[str, Any] | None,
                files: Iterable[JobFile], parent_id: str | None, total: int, state: str, max_attempts: int) -> None:
        now = _now()
        conn.execute(insert(jobs_table).values(
            id=job_id, kind=kind, state=state, owner=owner, parent_id=parent_id, payload=payload or {},
            attempts=0, max_attempts=max_attempts, progress=0, total=total, version=0, created_at=now,
            updated_at=now, finished_at=now if state in FINISHED else None))
        rows = [{"job_id": job_id, "seq": f.seq, "member": f.member, "name": f.name,
                 **{k: getattr(f, k) for k in _FILE_FIELDS}, "updated_at": now} for f in files]
        if rows:
            conn.execute(insert(job_files_table), rows)

    # reading ------------------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs_table).where(jobs_table.c.id == job_id)).first()
            if row is None:
                return None
            return _job(row, self._files(conn, [job_id]).get(job_id, []))

    def version(self, job_id: str) -> int | None:
        """The job's version (cheap: for watching a job), None when there is no such job."""
        with self.engine.connect() as conn:
            return conn.execute(select(jobs_table.c.version).where(jobs_table.c.id == job_id)).scalar()

    def children(self, job_id: str) -> list[Job]:
        """The jobs queued by ``job_id``'s end (its embedding), oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(jobs_table).where(jobs_table.c.parent_id == job_id)
                                .order_by(jobs_table.c.created_at)).all()
        return [_job(r) for r in rows]

    def list(self, state: str | Sequence[str] | None = None, *, owner: str | None = None,
             kind: str | None = None, top_level: bool = False, limit: int | None = 50,
             with_files: bool = True) -> list[Job]:
        """Jobs, newest first: of a state (or states), an owner, a kind; ``top_level`` leaves out
        the jobs another job queued."""
        q = select(jobs_table)
        if state is not None:
            q = q.where(jobs_table.c.state.in_([state] if isinstance(state, str) else list(state)))
        if owner is not None:
            q = q.where(jobs_table.c.owner == owner)
        if kind is not None:
            q = q.where(jobs_table.c.kind == kind)
        if top_level:
            q = q.where(jobs_table.c.parent_id.is_(None))
        q = q.order_by(jobs_table.c.created_at.desc(), jobs_table.c.id.desc())
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
            files = self._files(conn, [r.id for r in rows]) if with_files else {}
        return [_job(r, files.get(r.id, [])) for r in rows]

    def _files(self, conn: Connection, ids: Sequence[str]) -> dict[str, list[JobFile]]:
        out: dict[str, list[JobFile]] = {}
        for start in range(0, len(ids), 500):
            rows = conn.execute(select(job_files_table).where(job_files_table.c.job_id.in_(ids[start:start + 500]))
                                .order_by(job_files_table.c.job_id, job_files_table.c.seq, job_files_table.c.member))
            for r in rows:
                out.setdefault(r.job_id, []).append(_file(r))
        return out

    # taking and holding a job -------------------------------------------------------------------

    def claim(self, worker: str, lease_s: float, kinds: Sequence[str] | None = None) -> Job | None:
        """Take the oldest queued job (of ``kinds``) for ``worker`` with a lease of ``lease_s`` seconds;
        None when the queue is empty. Jobs whose worker died are put back in the queue first."""
        self.requeue_expired()
        for _ in range(5):  # on SQLite another process may take the row between select and update
            now = _now()
            with self.engine.begin() as conn:
                q = select(jobs_table.c.id).where(jobs_table.c.state == "queued")
                if kinds:
                    q = q.where(jobs_table.c.kind.in_(list(kinds)))
                q = q.order_by(jobs_table.c.created_at, jobs_table.c.id).limit(1)
                job_id = conn.execute(q.with_for_update(skip_locked=True)).scalar()
                if job_id is None:
                    return None
                taken = conn.execute(
                    update(jobs_table).where(jobs_table.c.id == job_id, jobs_table.c.state == "queued")
                    .values(state="running", worker=worker, attempts=jobs_table.c.attempts + 1,
                            lease_until=now + timedelta(seconds=lease_s), heartbeat_at=now, started_at=now,
                            updated_at=now, version=jobs_table.c.version + 1, error=None)).rowcount
            if taken:
                return self.get(job_id)
        return None

    def heartbeat(self, job_id: str, worker: str, lease_s: float) -> bool:
        """Renew ``worker``'s lease on a running job; False when it no longer holds it."""
        now = _now()
        with self.engine.begin() as conn:
            return bool(conn.execute(
                update(jobs_table).where(*self._held(job_id, worker))
                .values(lease_until=now + timedelta(seconds=lease_s), heartbeat_at=now)).rowcount)

    @staticmethod
    def _held(job_id: str, worker: str) -> tuple[Any, ...]:
        return jobs_table.c.id == job_id, jobs_table.c.worker == worker, jobs_table.c.state == "running"

    def _touch(self, conn: Connection, job_id: str, worker: str, lease_s: float, **values: Any) -> None:
        """Change a held job (bumping its version and renewing the lease) or raise :class:`LeaseLost`."""
        now = _now()
        values = {"version": jobs_table.c.version + 1, "updated_at": now, "heartbeat_at": now,
                  "lease_until": now + timedelta(seconds=lease_s), **values}
        done = conn.execute(update(jobs_table).where(*self._held(job_id, worker)).values(**values)).rowcount
        if not done:
            raise LeaseLost(job_id)

    def set_progress(self, job_id: str, worker: str, lease_s: float, *, progress: int | None = None,
                     total: int | None = None) -> None:
        values = {k: v for k, v in (("progress", progress), ("total", total)) if v is not None}
        with self.engine.begin() as conn:
            self._touch(conn, job_id, worker, lease_s, **values)

    def set_file(self, job_id: str, worker: str, lease_s: float, seq: int, member: int = 0,
                 **changes: Any) -> None:
        """Record a file's stage or outcome (``stage``, ``status``, ``reason``, ``code``,
        ``submission_id``, ``findings``)."""
        unknown = set(changes) - set(_FILE_FIELDS)
        if unknown:
            raise ValueError(f"unknown file fields: {sorted(unknown)}")
        with self.engine.begin() as conn:
            self._touch(conn, job_id, worker, lease_s)
            conn.execute(update(job_files_table).where(
                job_files_table.c.job_id == job_id, job_files_table.c.seq == seq, job_files_table.c.member == member)
                .values(updated_at=_now(), **changes))

    def expand_file(self, job_id: str, worker: str, lease_s: float, seq: int, members: Sequence[JobFile]) -> None:
        """Replace upload ``seq`` (an archive) by its members, numbered from 1, in the job's files."""
        now = _now()
        with self.engine.begin() as conn:
            self._touch(conn, job_id, worker, lease_s)
            conn.execute(delete(job_files_table).where(job_files_table.c.job_id == job_id,
                                                       job_files_table.c.seq == seq))
            rows = [{"job_id": job_id, "seq": seq, "member": n, "name": f.name,
                     **{k: getattr(f, k) for k in _FILE_FIELDS}, "updated_at": now}
                    for n, f in enumerate(members, start=1)]
            if rows:
                conn.execute(insert(job_files_table), rows)

    def finish(self, job_id: str, worker: str, state: str = "done", error: str | None = None, *,
               then: tuple[str, dict[str, Any]] | None = None) -> Job | None:
        """End a held job; ``then`` = (kind, payload) queues its follow-up (owned by the same user)
        in the same transaction, so a worker that dies here leaves either both or neither. Returns
        the follow-up job."""
        if state not in FINISHED:
            raise ValueError(f"not a final state: {state}")
        now = _now()
        child_id = f"{job_id}-{then[0][:1]}" if then else None  # one follow-up per job, however often retried
        with self.engine.begin() as conn:
            self._touch(conn, job_id, worker, 0, state=state, error=error, finished_at=now, lease_until=None)
            if then is not None and child_id is not None:
                owner = conn.execute(select(jobs_table.c.owner).where(jobs_table.c.id == job_id)).scalar()
                exists = conn.execute(select(jobs_table.c.id).where(jobs_table.c.id == child_id)).scalar()
                if exists is None:
                    self._insert(conn, child_id, then[0], owner or "", then[1], (), job_id, 0, "queued", MAX_ATTEMPTS)
        return self.get(child_id) if child_id else None

    def release(self, job_id: str, worker: str) -> bool:
        """Give a held job back to the queue (a worker stopping between files); the attempt is not
        counted against the job."""
        with self.engine.begin() as conn:
            return bool(conn.execute(update(jobs_table).where(*self._held(job_id, worker)).values(
                state="queued", worker=None, lease_until=None, attempts=jobs_table.c.attempts - 1,
                version=jobs_table.c.version + 1, updated_at=_now())).rowcount)

    def requeue(self, job_id: str, worker: str, reason: str) -> bool:
        """Put back a running job whose worker is known to be gone (or fail it when out of attempts)."""
        with self.engine.begin() as conn:
            return self._requeue(conn, and_(*self._held(job_id, worker)), reason) > 0

    def requeue_expired(self, now: datetime | None = None) -> int:
        """Put every running job whose lease has expired back in the queue — or fail it when it has
        been tried ``max_attempts`` times; returns how many."""
        now = now or _now()
        cond = and_(jobs_table.c.state == "running",
                    or_(jobs_table.c.lease_until.is_(None), jobs_table.c.lease_until < now))
        with self.engine.connect() as conn:  # the usual answer, without taking SQLite's write lock
            if conn.execute(select(jobs_table.c.id).where(cond).limit(1)).first() is None:
                return 0
        with self.engine.begin() as conn:
            return self._requeue(conn, cond, "执行任务的进程已中断 / the worker stopped without finishing the job")

    @staticmethod
    def _requeue(conn: Connection, cond: Any, reason: str) -> int:
        now = _now()
        failed = conn.execute(update(jobs_table).where(cond, jobs_table.c.attempts >= jobs_table.c.max_attempts)
                              .values(state="failed", finished_at=now, lease_until=None, updated_at=now,
                                      error=f"已尝试多次仍未完成：{reason}",
                                      version=jobs_table.c.version + 1)).rowcount
        queued = conn.execute(update(jobs_table).where(cond, jobs_table.c.attempts < jobs_table.c.max_attempts)
                              .values(state="queued", lease_until=None, updated_at=now, error=reason,
                                      version=jobs_table.c.version + 1)).rowcount
        return failed + queued
