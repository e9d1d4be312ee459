"""The job worker: takes durable jobs (:mod:`assistant.stores.jobs`) from the records database and
runs them — ingest an upload, embed an ingest's chunks, re-check stored submissions, draft review
letters and annual drafts for many submissions (each as the next version in the draft store).

One :class:`JobRunner` is one worker: the server's thread on SQLite, or a ``ziping worker``
process (several, on several machines, on PostgreSQL; they then need the same data directory —
uploads and originals — and a Chroma server). A worker takes the oldest queued job, renews its
lease from a heartbeat thread while it works, writes every file's stage to the job's row as it
goes, and records the outcome. What a killed worker leaves is safe to run again: an ingest job
skips the files whose outcome is already recorded (and the pipeline skips content already
stored), an embedding job embeds the chunks still without vectors.

An ingest job ends when its files' records, findings and full text are stored; unless vectors
are deferred, it queues an ``embed`` job for its submissions in the same transaction, so records
are ready before vectors and any worker can do the embedding.

Upload folders (``<data_dir>/uploads/<job id>/<n>/<name>``) belong to their job: the job's end
removes its folder (the pipeline keeps its own copy of every original), and :func:`sweep_uploads`
removes the folders no unfinished job owns.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path, PurePosixPath
from typing import Any

from assistant.settings import Settings
from assistant.stores import Stores
from assistant.stores.jobs import UNFINISHED, Job, JobFile, JobStore, LeaseLost
from ingest.collect import InputFile, Rejected, collect_inputs
from ingest.pipeline import IngestOptions, ingest_one, read_job
from ingest.pool import Read, pool_workers, read_ahead
from ingest.readers.caps import PageCaps
from ingest.scratch import UNPACK_PREFIX, scratch_dir, scratch_root, sweep

LEASE_S = 60.0  # a worker silent this long is taken for dead and its job goes back to the queue
POLL_S = 1.0

__all__ = ["LEASE_S", "POLL_S", "JobRunner", "draft_payload", "ingest_payload", "options_of", "sweep_uploads", "upload_root",
           "worker_name"]


def upload_root(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def sweep_uploads(settings: Settings, jobs: JobStore) -> list[Path]:
    """Remove upload folders that no unfinished job owns and no live process is filling (a folder
    handed to its job has no lock file: it goes a minute after its job has ended)."""
    live = {j.id for j in jobs.list(UNFINISHED, limit=None, with_files=False)}
    return sweep(upload_root(settings), keep=lambda p: p.name in live, max_unlocked_age_s=60)


def worker_name() -> str:
    """``host:pid:random``: unique per runner, and tells a later process on the same host whether
    the worker's process is still alive."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(worker: str | None) -> bool:
    """Whether ``worker`` ran in a process of this host that no longer exists."""
    host, _, rest = (worker or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:80] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def ingest_payload(options: IngestOptions, uploads: list[tuple[int, str, str]]) -> dict[str, Any]:
    """An ingest job's payload: its options and its uploads as (number, name, path in the folder)."""
    return {"options": {"year": options.year, "unit": options.unit, "force": options.force,
                        "defer_vectors": options.defer_vectors, "profile": options.profile,
                        "max_bytes": options.max_bytes, "max_archive_bytes": options.max_archive_bytes,
                        "replaces": options.replaces, "actor": options.actor, "bureau": options.bureau},
            "uploads": [{"seq": seq, "name": name, "path": path} for seq, name, path in uploads]}


def options_of(payload: dict[str, Any]) -> IngestOptions:
    return IngestOptions(**(payload.get("options") or {}))


class _Heartbeat:
    """Renews a job's lease every third of it while the job runs; notes when the lease is lost."""

    def __init__(self, store: JobStore, job_id: str, worker: str, lease_s: float) -> None:
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(store, job_id, worker, lease_s),
                                        name=f"ziping-heartbeat-{job_id}", daemon=True)
        self._thread.start()

    def _beat(self, store: JobStore, job_id: str, worker: str, lease_s: float) -> None:
        while not self._stop.wait(lease_s / 3):
            try:
                if not store.heartbeat(job_id, worker, lease_s):
                    self.lost = True
                    return
            except Exception:  # noqa: BLE001 — a database hiccup: the next beat tries again
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


class _Stopping(Exception):
    """The worker was asked to stop between two files."""


class JobRunner:
    """One worker over ``stores`` (see the module docstring)."""

    def __init__(self, stores: Stores, *, jobs: JobStore | None = None, worker: str | None = None,
                 lease_s: float = LEASE_S, kinds: tuple[str, ...] | None = None,
                 write_lock: Any = None, stop: threading.Event | None = None,
                 on_change: Callable[[str], Any] | None = None) -> None:
        self.stores = stores
        self.settings = stores.settings
        self.jobs = jobs or JobStore(stores.records.engine)
        self.worker = worker or worker_name()
        self.lease_s = lease_s
        self.kinds = kinds
        # held while anything writes the vectors (the server's delete route takes it too)
        self.write_lock = write_lock if write_lock is not None else threading.RLock()
        self.stop_event = stop or threading.Event()
        self.wake = threading.Event()  # set by whoever queues a job in this process: no poll delay
        # told the job id after each change this worker writes (watchers in this process need
        # not wait for their next look at the row)
        self.on_change = on_change or (lambda _job_id: None)
        self._counter = itertools.count(1)

    # the loop -----------------------------------------------------------------------------------

    def recover(self) -> int:
        """Put back at once the running jobs whose worker was a process of this host that is gone
        (a server or worker killed and restarted here); others wait for their lease to expire."""
        found = 0
        for job in self.jobs.list("running", limit=None, with_files=False):
            if _dead_here(job.worker) and self.jobs.requeue(job.id, job.worker or "",
                                                            "服务重启，任务继续执行 / resumed after a restart"):
                found += 1
        return found

    def run(self, poll_s: float = POLL_S, *, once: bool = False,
            on_job: Callable[[Job], Any] | None = None) -> int:
        """Take and run jobs until :attr:`stop_event` is set (or, with ``once``, until the queue is
        empty), telling ``on_job`` each job as it ended; returns how many jobs ran."""
        self.recover()
        ran = 0
        while not self.stop_event.is_set():
            ended = self.run_once()
            if ended is not None:
                ran += 1
                if on_job is not None:
                    on_job(ended)
                continue
            if once:
                break
            self.wake.wait(poll_s)
            self.wake.clear()
        return ran

    def run_once(self) -> Job | None:
        """Take one job and run it; the job as it ended (None when the queue was empty)."""
        job = self.jobs.claim(self.worker, self.lease_s, self.kinds)
        if job is None:
            return None
        beat = _Heartbeat(self.jobs, job.id, self.worker, self.lease_s)
        try:
            self._run(job, beat)
        except (LeaseLost, _Stopping):
            pass  # another worker has it now, or it went back to the queue for the next start
        except Exception as exc:  # noqa: BLE001 — a broken job must not stop the worker
            with contextlib.suppress(LeaseLost):
                self.jobs.finish(job.id, self.worker, "failed", f"内部错误 / internal error: {type(exc).__name__}: {exc}")
        finally:
            beat.stop()
            self.on_change(job.id)
        ended = self.jobs.get(job.id)
        if ended is not None and ended.finished and ended.kind == "ingest":
            shutil.rmtree(upload_root(self.settings) / job.id, ignore_errors=True)
        return ended

    def _run(self, job: Job, beat: _Heartbeat) -> None:
        run = {"ingest": self._ingest, "embed": self._embed, "recheck": self._recheck,
               "draft": self._draft}.get(job.kind)
        if run is None:
            self.jobs.finish(job.id, self.worker, "failed", f"未知的任务类型 / unknown job kind: {job.kind}")
            return
        run(job, beat)

    def _check(self, job: Job, beat: _Heartbeat) -> None:
        """Between two steps: give the job back when stopping, give up when the lease is gone."""
        if beat.lost:
            raise LeaseLost(job.id)
        if self.stop_event.is_set():
            self.jobs.release(job.id, self.worker)
            raise _Stopping(job.id)

    # ingest -------------------------------------------------------------------------------------

    def _ingest(self, job: Job, beat: _Heartbeat) -> None:
        options = options_of(job.payload)
        with scratch_dir(scratch_root(self.settings.data_dir), UNPACK_PREFIX) as tmp:
            todo = self._pending(job, options, Path(tmp))
            # the next files are read in a pool of processes while this thread stores the current one
            reads = read_ahead(todo, lambda entry: read_job(entry[2], self.stores, options),
                               workers=pool_workers(self.settings.ingest_workers),
                               max_page_pixels=self.settings.max_page_pixels, timeout=self.settings.read_timeout,
                               page_caps=PageCaps.of(self.settings), nice=self.settings.read_nice)
            with closing(reads):
                for (seq, member, item), read in reads:
                    self._check(job, beat)
                    self._ingest_item(job, seq, member, item, options, read)
        ended = self.jobs.get(job.id)
        assert ended is not None
        sids = sorted({f.submission_id for f in ended.files if f.stage == "indexed" and f.submission_id})
        then = ("embed", {"submission_ids": sids}) if sids and not options.defer_vectors else None
        # every file has its outcome: the uploads are no longer needed (the pipeline kept the
        # originals), and whoever sees the job done finds them gone
        shutil.rmtree(upload_root(self.settings) / job.id, ignore_errors=True)
        self.jobs.finish(job.id, self.worker, "done", then=then)

    def _pending(self, job: Job, options: IngestOptions,
                 tmp: Path) -> Iterator[tuple[int, int, InputFile | Rejected]]:
        """The job's files still without an outcome, as (upload number, member number, input), in
        order; an upload gone from the folder is recorded as failed, an archive is expanded into
        its members as it comes up."""
        folder = upload_root(self.settings) / job.id
        done_files = {(f.seq, f.member) for f in job.files if f.finished}
        for upload in job.payload.get("uploads", []):
            seq, name = upload["seq"], upload["name"]
            rows = [f for f in job.files if f.seq == seq]
            if rows and all(f.finished for f in rows):
                continue  # handled before a restart
            path = folder / upload["path"]
            if not path.exists():
                self._file(job, seq, 0, stage="failed", status="failed", code="upload_missing",
                           reason="上传的文件已不在服务器上，请重新上传 / the uploaded file is gone")
                continue
            for member, item in self._expand(job, seq, name, path, options, tmp):
                if (seq, member) not in done_files:
                    yield seq, member, item

    def _file(self, job: Job, seq: int, member: int, **changes: Any) -> None:
        self.jobs.set_file(job.id, self.worker, self.lease_s, seq, member, **changes)
        self.on_change(job.id)

    def _progress(self, job: Job, **values: int) -> None:
        self.jobs.set_progress(job.id, self.worker, self.lease_s, **values)
        self.on_change(job.id)

    def _ingest_item(self, job: Job, seq: int, member: int, item: InputFile | Rejected,
                     options: IngestOptions, read: Read | None = None) -> None:
        if isinstance(item, Rejected):
            self._file(job, seq, member, stage="failed", status="failed", code=item.error.code, reason=str(item.error))
            return
        stage: Callable[[str], None] = lambda s: self._file(job, seq, member, stage=s)  # noqa: E731
        with self.write_lock:
            result = ingest_one(item, self.stores, options, stage, read=read)
        self._file(job, seq, member, stage={"failed": "failed", "skipped": "skipped"}.get(result.status, "indexed"),
                   status=result.status, reason=result.reason,
                   code="ingest_failed" if result.status == "failed" else None, submission_id=result.submission_id,
                   findings=result.findings if result.status != "failed" else None)

    def _expand(self, job: Job, seq: int, name: str, path: Path, options: IngestOptions,
                tmp: Path) -> list[tuple[int, InputFile | Rejected]]:
        """The inputs of one upload as (member number, input): itself (member 0), or the members of a
        zip (1, 2, …), which replace it in the job's files."""
        items = list(collect_inputs([path], tmp / str(next(self._counter)), max_archive_bytes=options.max_archive_bytes))
        if len(items) == 1 and isinstance(items[0], InputFile) and items[0].path == path:
            return [(0, items[0])]
        if not items:
            self._file(job, seq, 0, stage="failed", status="failed", reason="压缩包内没有文件 / the archive is empty")
            return []
        prefix = str(path)
        members = []
        for item in items:
            inner = item.name[len(prefix):].lstrip("/") if item.name.startswith(prefix) else item.name
            members.append(JobFile(seq=seq, name=f"{name}/{PurePosixPath(inner).as_posix()}" if inner else name))
        known = {f.member for f in job.files if f.seq == seq}
        if known != set(range(1, len(members) + 1)):  # not expanded yet (a retry finds the members there)
            self.jobs.expand_file(job.id, self.worker, self.lease_s, seq, members)
            self.on_change(job.id)
        return list(enumerate(items, start=1))

    # embedding and re-checking ------------------------------------------------------------------

    def _embed(self, job: Job, beat: _Heartbeat) -> None:
        ids = job.payload.get("submission_ids")
        def progress(n: int) -> None:
            self._progress(job, progress=n)
            self._check(job, beat)  # a stopping worker gives the rest back; what is embedded stays marked

        with self.write_lock:
            self.stores.sync_vectors(progress=progress, submission_ids=ids)
        self.jobs.finish(job.id, self.worker, "done")

    def _recheck(self, job: Job, beat: _Heartbeat) -> None:
        from assistant.checker.recheck import recheck, targets

        profile = job.payload.get("profile") or self.settings.profile
        wanted, _unknown = targets(self.stores.records, profile, job.payload.get("submission_ids") or [],
                                   every=bool(job.payload.get("every")), year=job.payload.get("year"))
        self._progress(job, progress=0, total=len(wanted))
        recheck(self.stores.records, wanted, profile, lambda done, _total: self._progress(job, progress=done))
        self.jobs.finish(job.id, self.worker, "done")

    # drafting -----------------------------------------------------------------------------------

    def _draft(self, job: Job, beat: _Heartbeat) -> None:
        """Draft every item of the job (review letters, annual drafts) as its next version in the
        draft store — what the drafts routes show and export. An item drafted before a restart is
        not drafted again (and an unchanged draft adds no version anyway)."""
        from assistant.drafting import DraftStore, revise

        # drafted as the user who queued it sees the records: their bureau's (an admin's: all)
        records = self.stores.records.within(job.payload.get("bureau"), job.payload.get("home"))
        drafts = DraftStore(records)
        items = job.payload.get("items") or []
        editor = job.payload.get("editor") or job.owner
        done = sum(1 for f in job.files if f.finished)
        for f in job.files:
            if f.finished:
                continue
            self._check(job, beat)
            item = items[f.seq - 1]
            try:
                version = revise(records, drafts, item["key"], editor=editor, params=item.get("params"))
            except KeyError:
                self._file(job, f.seq, f.member, stage="failed", status="failed", code="not_found",
                           reason="材料不存在或已删除，无法起草 / the submission is gone")
            except ValueError as err:
                self._file(job, f.seq, f.member, stage="failed", status="failed", code="bad_draft",
                           reason=f"无法生成稿件：{err} / cannot build the draft")
            else:
                self._file(job, f.seq, f.member, stage="drafted", status="ok", reason=f"第{version.version}版")
            done += 1
            self._progress(job, progress=done)
        self.jobs.finish(job.id, self.worker, "done")


def draft_payload(items: list[tuple[str, dict[str, Any]]], editor: str, *, bureau: str | None = None,
                  home: str | None = None) -> tuple[dict[str, Any], list[JobFile]]:
    """A draft job's payload and files: one per (draft key, build parameters), in order; ``bureau``
    and ``home``: the records view of the user who queued it (:meth:`RecordStore.within`)."""
    payload = {"editor": editor, "items": [{"key": key, "params": params} for key, params in items],
               "bureau": bureau, "home": home}
    files = [JobFile(seq=n, name=key, submission_id=key.split(":", 1)[1] if key.startswith("review:") else None)
             for n, (key, _params) in enumerate(items, start=1)]
    return payload, files
