"""Upload jobs for the API: uploads are saved, checked by content and queued as durable jobs.

An upload request becomes an :class:`Upload`: its files are written under
``<data_dir>/uploads/<job id>/<n>/<safe name>`` (a :class:`ingest.scratch.Scratch` folder while the
request writes it) and sniffed by content (:func:`ingest.readers.sniff.sniff`); :meth:`JobManager.submit`
then queues it as a row of the jobs table (:mod:`assistant.stores.jobs`) and hands the folder to
the job. The API only queues: a worker (:class:`ingest.jobs.JobRunner`) runs the job — this
server's own thread when ``start_worker`` is on (the default; the one worker on SQLite), and/or
``ziping worker`` processes on PostgreSQL. Each file goes through the pipeline's stages —
``queued`` → ``parsed`` → ``checked`` → ``indexed`` (or ``failed`` with the reason, or ``skipped``
when the same content is already stored) — written to the job's row as they happen.

What a route shows of a job (:func:`job_view`) is read from the store, so a restarted server shows
every job and its worker resumes the unfinished ones. An ingest job's embedding is its own job;
the view folds it into the upload's job (state ``embedding`` until its vectors are made, the
number embedded), which is what a reviewer waiting for their upload wants to follow.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.stores import Stores
from assistant.stores.jobs import Job, JobFile, JobStore, new_job_id
from ingest.errors import FileTooLarge, IngestError
from ingest.jobs import LEASE_S, JobRunner, ingest_payload, sweep_uploads, upload_root
from ingest.pipeline import IngestOptions
from ingest.readers.sniff import sniff
from ingest.scratch import UNPACK_PREFIX, Scratch, scratch_root, sweep

CHUNK = 1 << 20
WATCH_S = 0.2  # how often a watcher of a job looks at its row (workers may be other processes)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


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
class UploadedFile:
    """One file of an upload being received: accepted (``path`` set) or refused with the reason."""

    name: str
    path: Path | None
    stage: str = "queued"
    status: str | None = None
    reason: str | None = None
    code: str | None = None


@dataclass
class Upload:
    """An upload request's files, until :meth:`JobManager.submit` makes it a job."""

    id: str
    owner: str
    folder: Path
    options: IngestOptions
    scratch: Scratch = field(repr=False)  # owns ``folder`` until the job does
    files: list[UploadedFile] = field(default_factory=list)


def job_view(job: Job, children: list[Job] | None = None) -> dict[str, Any]:
    """A job as the API shows it (:class:`api.schemas.JobOut`): an ingest job with its embedding
    job folded in — ``embedding`` while the vectors are made, ``failed`` when that fails."""
    embed = next((c for c in children or [] if c.kind == "embed"), None)
    state, error, finished_at, version = job.state, job.error, job.finished_at, job.version
    if job.state == "done" and embed is not None:
        version += embed.version
        if embed.state in ("queued", "running"):
            state, finished_at = "embedding", None
        else:
            state, error, finished_at = embed.state, embed.error, embed.finished_at
    files = [{"name": f.name, "stage": f.stage, "status": f.status, "reason": f.reason, "code": f.code,
              "submission_id": f.submission_id, "findings": f.findings, "updated_at": f.updated_at}
             for f in job.files]
    if job.kind == "ingest":
        total, done = len(files), sum(1 for f in job.files if f.finished)
    else:
        total, done = job.total, job.progress
    embedded = embed.progress if embed is not None else job.progress if job.kind == "embed" else 0
    return {"id": job.id, "kind": job.kind, "state": state, "owner": job.owner, "created_at": job.created_at,
            "finished_at": finished_at, "defer_vectors": bool((job.payload.get("options") or {}).get("defer_vectors")),
            "total": total, "done": done, "embedded": embedded, "version": version, "attempts": job.attempts,
            "error": error, "files": files}


class JobManager:
    """The server's side of the jobs: receiving uploads, queueing them, showing jobs, and the
    server's own worker thread (see the module docstring)."""

    def __init__(self, stores: Stores, settings: Settings, *, lease_s: float = LEASE_S) -> None:
        self.stores = stores
        self.settings = settings
        self.store = JobStore(stores.records.engine)
        self.upload_root = upload_root(settings)
        self.upload_root.mkdir(parents=True, exist_ok=True)
        self.scratch_root = scratch_root(settings.data_dir)
        # upload folders of a killed server that no queued job owns, and its unpacked archives
        sweep_uploads(settings, self.store)
        sweep(self.scratch_root, UNPACK_PREFIX)
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._changes = 0  # changes made by this process's worker, for watchers to wait on
        self.runner = JobRunner(stores, jobs=self.store, lease_s=lease_s, stop=self._stop, on_change=self._notify)
        self.write_lock = self.runner.write_lock  # held while anything writes the stores' vectors
        self._thread: threading.Thread | None = None

    # lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Start this server's worker: it first takes back the jobs a killed process left running."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self.runner.run, name="ziping-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the worker after the file it is on; its job goes back to the queue for the next start."""
        if self._thread is not None:
            self._stop.set()
            self.runner.wake.set()
            self._thread.join(timeout)
            self._thread = None

    # receiving an upload ------------------------------------------------------------------------

    def new_job(self, owner: str, *, defer_vectors: bool = False, force: bool = False,
                year: int | None = None, unit: str | None = None, replaces: str | None = None,
                bureau: str | None = None) -> Upload:
        job_id = new_job_id()
        folder = self.upload_root / job_id
        folder.mkdir(parents=True, exist_ok=False)
        options = IngestOptions(year=year, unit=unit, force=force, defer_vectors=defer_vectors,
                                profile=self.settings.profile, max_bytes=self.max_file_bytes,
                                max_archive_bytes=self.settings.max_archive_mb * 2**20, replaces=replaces,
                                actor=owner, bureau=bureau)
        return Upload(id=job_id, owner=owner, folder=folder, options=options, scratch=Scratch(folder))

    @property
    def max_file_bytes(self) -> int:
        return self.settings.max_upload_mb * 2**20

    def upload_path(self, upload: Upload, name: str | None) -> tuple[str, Path]:
        """(safe name, where to write it) for the next file of ``upload``."""
        safe = safe_name(name)
        target = upload.folder / str(len(upload.files) + 1) / safe
        target.parent.mkdir(parents=True, exist_ok=True)
        return safe, target

    def cap_for(self, name: str) -> int:
        """Size cap of one upload: archives may be larger than single files."""
        if name.lower().endswith(".zip"):
            return max(self.max_file_bytes, self.settings.max_archive_mb * 2**20)
        return self.max_file_bytes

    def accept(self, upload: Upload, name: str, path: Path) -> UploadedFile:
        """Check a saved upload by content and add it to ``upload`` (queued, or failed with the reason)."""
        state = UploadedFile(name=name, path=path)
        try:
            if path.stat().st_size > self.cap_for(name):
                raise FileTooLarge(f"上限 {self.cap_for(name) // 2**20} MB", file=name)
            sniff(path, name=name)
        except IngestError as err:
            state.stage, state.status, state.code, state.reason = "failed", "failed", err.code, str(err)
            state.path = None
            path.unlink(missing_ok=True)
        upload.files.append(state)
        return state

    def reject_too_large(self, upload: Upload, name: str) -> UploadedFile:
        err = FileTooLarge(f"上限 {self.cap_for(name) // 2**20} MB", file=name)
        state = UploadedFile(name=name, path=None, stage="failed", status="failed", code=err.code, reason=str(err))
        upload.files.append(state)
        return state

    def submit(self, upload: Upload) -> dict[str, Any]:
        """Queue ``upload`` as a job (one with nothing to do is done at once); the job as shown."""
        files, uploads = [], []
        for seq, f in enumerate(upload.files, start=1):
            files.append(JobFile(seq=seq, name=f.name, stage=f.stage, status=f.status, reason=f.reason, code=f.code))
            if f.path is not None:
                uploads.append((seq, f.name, f.path.relative_to(upload.folder).as_posix()))
        job = self.store.enqueue("ingest", upload.owner, ingest_payload(upload.options, uploads), files,
                                 job_id=upload.id, state="queued" if uploads else "done")
        if uploads:
            upload.scratch.release()  # the folder is the job's now: its end removes it
            self.runner.wake.set()
        else:
            upload.scratch.close()
        return job_view(job)

    def discard(self, upload: Upload) -> None:
        upload.scratch.close()

    # reading jobs -------------------------------------------------------------------------------

    def get(self, job_id: str) -> dict[str, Any] | None:
        job = self.store.get(job_id)
        return job_view(job, self.store.children(job_id)) if job is not None else None

    def owner_of(self, job_id: str) -> str | None:
        job = self.store.get(job_id)
        return job.owner if job is not None else None

    def list(self, owner: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        return [job_view(j, self.store.children(j.id))
                for j in self.store.list(owner=owner, top_level=True, limit=limit)]

    def _notify(self, _job_id: str) -> None:
        with self._changed:
            self._changes += 1
            self._changed.notify_all()

    def wait(self, job_id: str, after_version: int, timeout: float) -> dict[str, Any] | None:
        """The job once its version is above ``after_version`` or it has finished (or at timeout,
        unchanged); None when there is no such job. Woken by this server's worker at once, and
        looks at the row every :data:`WATCH_S` for workers in other processes."""
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                seen = self._changes
            view = self.get(job_id)
            if view is None or view["version"] > after_version or view["state"] in ("done", "failed"):
                return view
            left = deadline - time.monotonic()
            if left <= 0:
                return view
            with self._changed:
                self._changed.wait_for(lambda seen=seen: self._changes != seen, timeout=min(WATCH_S, left))

    def idle(self) -> bool:
        """Whether no job is queued or running."""
        return not self.store.list(("queued", "running"), limit=1, with_files=False)


__all__ = ["CHUNK", "JobManager", "Upload", "UploadedFile", "job_view", "safe_name"]
