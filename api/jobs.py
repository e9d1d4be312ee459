"""Background ingest jobs: uploads are saved, checked by content, then ingested one at a time.

An upload request becomes a :class:`Job`. Its files are written under
``<data_dir>/uploads/<job id>/<n>/<safe name>``, sniffed by content (:func:`ingest.readers.sniff.sniff`)
and queued; one worker thread (:class:`JobManager`) runs the jobs in order, so there is a single
writer for the vector store. Each file goes through the pipeline's stages — ``queued`` →
``parsed`` → ``checked`` → ``indexed`` (or ``failed`` with the reason, or ``skipped`` when the
same content is already stored) — and, unless vectors are deferred, the job embeds the new
chunks at the end (state ``embedding``). Every change bumps the job's ``version`` and wakes the
waiters of :meth:`JobManager.wait`, which is what the server-sent-events route streams.

Jobs live in memory (the last :data:`KEEP_JOBS`); what they produced is in the stores. The upload
folder is removed when a job ends: the pipeline keeps its own copy of every original. Upload
folders and unpacked archives (``<data_dir>/tmp/unpack-*``) are :class:`ingest.scratch.Scratch`
folders: a server killed mid-job leaves them behind, and the next start removes them.
"""

from __future__ import annotations

import itertools
import queue
import re
import secrets
import shutil
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from assistant.settings import Settings
from assistant.stores import Stores
from ingest.collect import InputFile, Rejected, collect_inputs
from ingest.errors import FileTooLarge, IngestError
from ingest.pipeline import IngestOptions, ingest_one
from ingest.readers.sniff import sniff
from ingest.scratch import UNPACK_PREFIX, Scratch, scratch_dir, scratch_root, sweep

KEEP_JOBS = 200
CHUNK = 1 << 20
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def _now() -> datetime:
    return datetime.now(UTC)


def safe_name(name: str | None, default: str = "upload") -> str:
    """A file name safe to write: the last path part, NFC, no control or reserved characters,
    no leading dots, at most 120 characters (the extension kept)."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/")).split("/")[-1]
    base = _UNSAFE.sub("_", base).strip().strip(".")
    base = re.sub(r"\s+", " ", base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = re.sub(r"[^0-9A-Za-z]", "", ext)[:10].lower()
    stem = stem.strip(" ._")[:110] or default
    return f"{stem}.{ext}" if ext else stem


@dataclass
class FileState:
    name: str
    path: Path | None
    stage: str = "queued"
    status: str | None = None
    reason: str | None = None
    code: str | None = None
    submission_id: str | None = None
    findings: int | None = None
    updated_at: datetime = field(default_factory=_now)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "stage": self.stage, "status": self.status, "reason": self.reason,
                "code": self.code, "submission_id": self.submission_id, "findings": self.findings,
                "updated_at": self.updated_at}


@dataclass
class Job:
    id: str
    owner: str
    folder: Path
    options: IngestOptions
    state: str = "queued"
    created_at: datetime = field(default_factory=_now)
    finished_at: datetime | None = None
    files: list[FileState] = field(default_factory=list)
    embedded: int = 0
    version: int = 0
    error: str | None = None
    scratch: Scratch | None = field(default=None, repr=False)  # owns ``folder`` until the job ends

    def drop_folder(self) -> None:
        if self.scratch is not None:
            self.scratch.close()
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def to_dict(self) -> dict[str, Any]:
        done = sum(1 for f in self.files if f.stage in ("indexed", "failed", "skipped"))
        return {"id": self.id, "state": self.state, "owner": self.owner, "created_at": self.created_at,
                "finished_at": self.finished_at, "defer_vectors": self.options.defer_vectors,
                "total": len(self.files), "done": done, "embedded": self.embedded, "version": self.version,
                "error": self.error, "files": [f.to_dict() for f in self.files]}


class UploadRejected(Exception):
    def __init__(self, status: int, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message, self.message_en = status, code, message, message_en


class JobManager:
    """Owns the upload folder, the job table and the one worker thread (see the module docstring)."""

    def __init__(self, stores: Stores, settings: Settings) -> None:
        self.stores = stores
        self.settings = settings
        self.upload_root = settings.data_dir / "uploads"
        self.upload_root.mkdir(parents=True, exist_ok=True)
        self.scratch_root = scratch_root(settings.data_dir)
        # jobs live in memory: upload folders and unpacked archives of a killed server are orphans
        sweep(self.upload_root)
        sweep(self.scratch_root, UNPACK_PREFIX)
        self.write_lock = threading.RLock()  # held while anything writes the stores' vectors
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._cond = threading.Condition()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._counter = itertools.count(1)

    # lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="ziping-ingest", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    # creating jobs ------------------------------------------------------------------------------

    def new_job(self, owner: str, *, defer_vectors: bool = False, force: bool = False,
                year: int | None = None, unit: str | None = None, replaces: str | None = None) -> Job:
        job_id = secrets.token_hex(6)
        folder = self.upload_root / job_id
        folder.mkdir(parents=True, exist_ok=False)
        scratch = Scratch(folder)
        options = IngestOptions(year=year, unit=unit, force=force, defer_vectors=defer_vectors,
                                profile=self.settings.profile, max_bytes=self.max_file_bytes,
                                max_archive_bytes=self.settings.max_archive_mb * 2**20, replaces=replaces)
        return Job(id=job_id, owner=owner, folder=folder, options=options, scratch=scratch)

    @property
    def max_file_bytes(self) -> int:
        return self.settings.max_upload_mb * 2**20

    def upload_path(self, job: Job, name: str | None) -> tuple[str, Path]:
        """(safe name, where to write it) for the next file of ``job``."""
        safe = safe_name(name)
        target = job.folder / str(len(job.files) + 1) / safe
        target.parent.mkdir(parents=True, exist_ok=True)
        return safe, target

    def cap_for(self, name: str) -> int:
        """Size cap of one upload: archives may be larger than single files."""
        if name.lower().endswith(".zip"):
            return max(self.max_file_bytes, self.settings.max_archive_mb * 2**20)
        return self.max_file_bytes

    def accept(self, job: Job, name: str, path: Path) -> FileState:
        """Check a saved upload by content and add it to ``job`` (queued, or failed with the reason)."""
        state = FileState(name=name, path=path)
        try:
            if path.stat().st_size > self.cap_for(name):
                raise FileTooLarge(f"上限 {self.cap_for(name) // 2**20} MB", file=name)
            sniff(path, name=name)
        except IngestError as err:
            state.stage, state.status, state.code, state.reason = "failed", "failed", err.code, str(err)
            state.path = None
            path.unlink(missing_ok=True)
        job.files.append(state)
        return state

    def reject_too_large(self, job: Job, name: str) -> FileState:
        err = FileTooLarge(f"上限 {self.cap_for(name) // 2**20} MB", file=name)
        state = FileState(name=name, path=None, stage="failed", status="failed", code=err.code, reason=str(err))
        job.files.append(state)
        return state

    def submit(self, job: Job) -> None:
        """Queue ``job`` (its accepted files) for the worker; jobs with nothing to do end at once."""
        with self._cond:
            self._jobs[job.id] = job
            self._trim()
            if any(f.path is not None for f in job.files):
                self._queue.put(job)
            else:
                self._finish(job, "done")
            self._cond.notify_all()

    def discard(self, job: Job) -> None:
        job.drop_folder()

    # reading jobs -------------------------------------------------------------------------------

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._cond:
            job = self._jobs.get(job_id)
            return job.to_dict() if job else None

    def owner_of(self, job_id: str) -> str | None:
        with self._cond:
            job = self._jobs.get(job_id)
            return job.owner if job else None

    def list(self, owner: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        with self._cond:
            jobs = [j for j in reversed(self._jobs.values()) if owner is None or j.owner == owner]
            return [j.to_dict() for j in jobs[:limit]]

    def wait(self, job_id: str, after_version: int, timeout: float) -> dict[str, Any] | None:
        """The job once its version is above ``after_version`` (or at timeout, unchanged)."""
        with self._cond:
            self._cond.wait_for(lambda: (j := self._jobs.get(job_id)) is None or j.version > after_version
                                or j.finished, timeout=timeout)
            job = self._jobs.get(job_id)
            return job.to_dict() if job else None

    def idle(self) -> bool:
        with self._cond:
            return all(j.finished for j in self._jobs.values())

    # the worker ---------------------------------------------------------------------------------

    def _changed(self, job: Job, fs: FileState | None = None, **changes: Any) -> None:
        with self._cond:
            target: Any = fs if fs is not None else job
            for key, value in changes.items():
                setattr(target, key, value)
            if fs is not None:
                fs.updated_at = _now()
            job.version += 1
            self._cond.notify_all()

    def _finish(self, job: Job, state: str, error: str | None = None) -> None:
        job.state, job.error, job.finished_at = state, error, _now()
        job.version += 1

    def _trim(self) -> None:
        while len(self._jobs) > KEEP_JOBS:
            oldest = next((k for k, j in self._jobs.items() if j.finished), None)
            if oldest is None:
                return
            del self._jobs[oldest]

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._run(job)
            except Exception as exc:  # noqa: BLE001 — a broken job must not stop the worker
                with self._cond:
                    self._finish(job, "failed", f"内部错误 / internal error: {type(exc).__name__}: {exc}")
                    self._cond.notify_all()
            finally:
                job.drop_folder()

    def _run(self, job: Job) -> None:
        self._changed(job, state="running")
        chunks = 0
        with scratch_dir(self.scratch_root) as tmp:
            for fs in list(job.files):
                if fs.path is None:
                    continue
                for state, item in self._expand(job, fs, Path(tmp)):
                    if isinstance(item, Rejected):
                        self._changed(job, state, stage="failed", status="failed", code=item.error.code,
                                      reason=str(item.error))
                        continue
                    with self.write_lock:
                        result = ingest_one(item, self.stores, job.options,
                                            lambda stage, s=state: self._changed(job, s, stage=stage))
                    chunks += result.chunks
                    stage = {"failed": "failed", "skipped": "skipped"}.get(result.status, "indexed")
                    self._changed(job, state, stage=stage, status=result.status, reason=result.reason,
                                  code="ingest_failed" if result.status == "failed" else None,
                                  submission_id=result.submission_id,
                                  findings=result.findings if result.status != "failed" else None)
        if chunks and not job.options.defer_vectors:
            self._changed(job, state="embedding")
            with self.write_lock:
                self.stores.sync_vectors(progress=lambda n: self._changed(job, embedded=n))
        with self._cond:
            self._finish(job, "done")
            self._cond.notify_all()

    def _expand(self, job: Job, fs: FileState, tmp: Path) -> list[tuple[FileState, InputFile | Rejected]]:
        """The inputs of one upload: itself, or the members of a zip (which replace it in the list)."""
        assert fs.path is not None
        items = list(collect_inputs([fs.path], tmp / str(next(self._counter)),
                                    max_archive_bytes=job.options.max_archive_bytes))
        if len(items) == 1 and isinstance(items[0], InputFile) and items[0].path == fs.path:
            return [(fs, items[0])]
        prefix = str(fs.path)
        states = []
        for item in items:
            member = item.name[len(prefix):].lstrip("/") if item.name.startswith(prefix) else item.name
            name = f"{fs.name}/{PurePosixPath(member).as_posix()}" if member else fs.name
            states.append((FileState(name=name, path=None), item))
        with self._cond:
            at = job.files.index(fs)
            job.files[at:at + 1] = [s for s, _ in states]
            if not states:
                fs.stage, fs.status, fs.reason = "failed", "failed", "压缩包内没有文件 / the archive is empty"
                job.files.insert(at, fs)
            job.version += 1
            self._cond.notify_all()
        return states
