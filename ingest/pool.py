"""Reading and recognising a batch's files on every core (a process pool); storing stays here.

Reading a file (pdfplumber, python-docx, OCR), recognising its forms, checking them, chunking them
and segmenting the chunks for the full-text index (:mod:`ingest.prepare`) is CPU work on one file
that needs no store, so a batch hands it to ``Settings.ingest_workers`` processes (default: the
machine's cores) while the calling process does what touches the stores — corrections, the linked
forms and the single-writer saves — one file at a time, in the batch's order. A batch with a single
file to read, or one worker, is read by a pool of one process: nothing can stop a read in the
calling process, and the time limit below holds in every topology (the CLI on one file, a batch
with ``ZIPING_INGEST_WORKERS=1``, the server's job worker). That process is started once a batch
and reads all its files. Measured on ``ziping ingest`` of one form (5 runs each, alternated, load
~10 on 2 cores): 14.8–17.0 s read in the calling process, 12.5–16.6 s in a forked one; started from
the forkserver it cost 2.6 s more (the server's interpreter imports the reading stack again).

A worker returns a :class:`~assistant.model.Submission` or a :class:`ReadFailure` carrying the
same Chinese reason the pipeline gives in-process, so a bad file fails alone whichever process read
it. Workers are forked from the calling process when it runs a single thread (the CLI), else
started from the ``forkserver`` (the server has threads, Chroma and the embedder loaded; a fork
could inherit a lock another thread holds), and read the page caps from the caller's settings. A worker that dies (the
OOM killer, a crash in a native library) fails the files it and its pool held with a clear reason,
and a new pool reads the batch's remaining files. Workers end within a second of
the calling process when it is killed. Only :data:`WINDOW` files per worker are read ahead, so
memory stays bounded however large the batch. A file still being read ``Settings.read_timeout``
seconds (``ZIPING_READ_TIMEOUT``, 300) after the batch came to it fails with a Chinese reason, and
the pool is replaced: a hung parser holds its process, not the batch.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ingest.errors import IngestError
from ingest.extract import extract_or_hold
from ingest.prepare import Defaults, Prepared, prepare
from ingest.readers.caps import PageCaps

__all__ = ["WINDOW", "Read", "ReadFailure", "ReadJob", "default_workers", "pool_workers", "read_ahead", "read_file",
           "start_reading_server", "timed_out"]

WINDOW = 2  # files read ahead per worker: enough to keep every core busy, little held in memory
OWNER_POLL_S = 1.0  # how often a worker looks whether the process that made its pool is alive
T = TypeVar("T")


@dataclass(frozen=True)
class ReadJob:
    """What a worker needs to read one file (plain values: they cross a process boundary)."""

    path: Path
    name: str
    max_bytes: int | None = None
    defaults: Defaults = Defaults()  # the batch's fill-ins and profile, for :func:`ingest.prepare.prepare`


@dataclass(frozen=True)
class ReadFailure:
    """A file that could not be read, with the reason a reviewer reads."""

    reason: str


Read = Prepared | ReadFailure


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def pool_workers(configured: int) -> int:
    """How many reading processes a batch gets: ``configured``, or one per core when it is 0."""
    return configured if configured > 0 else default_workers()


def read_file(job: ReadJob) -> Read:
    """Read and recognise one file and prepare what the writer stores of it (:func:`prepare`:
    findings, chunks, index words); every error becomes a :class:`ReadFailure` (never raised)."""
    try:
        return prepare(extract_or_hold(job.path, name=job.name, max_bytes=job.max_bytes), job.defaults)
    except IngestError as err:
        return ReadFailure(str(err))
    except Exception as exc:  # noqa: BLE001 — one bad file must never stop the batch
        return ReadFailure(internal_error(exc))


def internal_error(exc: BaseException) -> str:
    return f"内部错误 / internal error: {type(exc).__name__}: {exc}"


def _worker_start(caps: dict[str, str], owner: int, nice: int = 0) -> None:
    """In each worker: the caller's page caps (readers look them up in the settings, so they are
    set as the environment the settings read), LibreOffice stopped when the worker ends (a pool's
    workers leave without running ``atexit``), and an end of its own when the process that made
    the pool is gone (``kill -9``): a worker would otherwise go on reading what was queued, then
    wait for work for good. ``nice`` lowers its CPU priority below the caller's."""
    if nice > 0:
        os.nice(nice)
    os.environ.update(caps)
    from assistant.settings import get_settings

    get_settings.cache_clear()
    multiprocessing.util.Finalize(None, _stop_converter, exitpriority=10)
    threading.Thread(target=_watch_owner, args=(owner,), name="ziping-pool-owner", daemon=True).start()


def _watch_owner(owner: int) -> None:
    while True:
        time.sleep(OWNER_POLL_S)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            _stop_converter()
            os._exit(1)
        except PermissionError:  # alive (another user's process cannot be ours, but say alive)
            continue


def _stop_converter() -> None:
    from ingest.readers import convert

    if convert._shared is not None:  # noqa: SLF001 — only started when a legacy file was read
        convert._shared.stop()  # noqa: SLF001


def read_ahead(items: Iterable[T], job_of: Callable[[T], ReadJob | None], *, workers: int,
               max_page_pixels: int, timeout: float | None = None, page_caps: PageCaps | None = None,
               read: Callable[[ReadJob], Read] = read_file, nice: int = 0) -> Iterator[tuple[T, Read | None]]:
    """Each item with what reading it gave, in the items' order: its prepared read or failure, or
    None when ``job_of`` says there is nothing to read (a file already stored, a refused upload).

    The next files are read in the pool while the caller handles this one; ``job_of`` is asked in
    order, just before an item's file is sent to the pool, so it may look at the stores. With a
    ``timeout`` every file is read in the pool — a pool of one for one worker or one file to read —
    and a file the pool has not read ``timeout`` seconds after the caller started waiting for it
    fails with :func:`timed_out`'s reason: the pool's processes are killed (a worker cannot be
    interrupted mid-file), a new pool reads the files the old one held, and the batch goes on.
    Without one, a single worker or a single file reads in this process. A pool whose worker
    died (the OOM killer) fails the files it held and a new pool reads the rest. Abandoning the
    iterator (a job told to stop) cancels what was not started and waits for what was. ``read``
    is what a worker runs on each file (tests give a slow one); the page caps are the caller's, and
    ``nice`` is how much lower than the caller's the pool's processes run (``Settings.read_nice``)."""
    source = iter(items)
    head: list[tuple[T, ReadJob | None]] = []
    wanted = 2 if workers > 1 else 1  # files to read before a pool is worth its start
    while sum(job is not None for _, job in head) < wanted:
        item = next(source, _END)
        if item is _END:
            break
        head.append((item, job_of(item)))  # type: ignore[arg-type]
    to_read = sum(job is not None for _, job in head)
    if to_read == 0 or (timeout is None and (workers <= 1 or to_read < 2)):  # nothing to share: read here
        for item, job in head:
            yield item, (read(job) if job is not None else None)
        for item in source:
            job = job_of(item)
            yield item, (read(job) if job is not None else None)
        return
    size = workers if to_read >= 2 else 1
    caps = {"ZIPING_MAX_PAGE_PIXELS": str(max_page_pixels)}
    if page_caps is not None:
        caps |= {"ZIPING_MAX_PAGE_CHARS": str(page_caps.chars), "ZIPING_MAX_PAGE_PATHS": str(page_caps.paths)}
    # the converter's settings are read from the environment, which a forkserver child does not share
    caps |= {name: os.environ[name] for name in ("ZIPING_SOFFICE", "ZIPING_CONVERT_TIMEOUT") if name in os.environ}

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(size, mp_context=_context(), initializer=_worker_start,
                                   initargs=(caps, os.getpid(), nice))

    pending: deque[_Sent[T]] = deque()
    pool = new_pool()

    def send(sent: _Sent[T]) -> None:
        nonlocal pool
        if sent.job is not None:
            try:
                sent.future = pool.submit(read, sent.job)
            except BrokenProcessPool:  # a worker died: the files it held fail, a new pool reads the rest
                _kill(pool)
                pool = new_pool()
                try:
                    sent.future = pool.submit(read, sent.job)
                except BrokenProcessPool:  # no process can be started: the file fails, not the batch
                    sent.future = Future()
                    sent.future.set_result(ReadFailure(_DIED))
        pending.append(sent)

    try:
        for item, job in head:
            send(_Sent(item, job))
        while True:
            while len(pending) < size * WINDOW:
                item = next(source, _END)
                if item is _END:
                    break
                send(_Sent(item, job_of(item)))  # type: ignore[arg-type, arg-type]
            if not pending:
                return
            sent = pending.popleft()
            if sent.future is None:
                yield sent.item, None
                continue
            try:
                outcome = _outcome(sent.future, timeout)
            except FutureTimeout:
                outcome = ReadFailure(timed_out(timeout or 0))
                _kill(pool)
                pool = new_pool()
                held = [s for s in pending if s.future is not None and not _kept(s.future)]
                for s in held:  # read again by the new pool, in order
                    s.future = pool.submit(read, s.job)  # type: ignore[arg-type]
            yield sent.item, outcome
    finally:
        for sent in pending:
            if sent.future is not None:
                sent.future.cancel()
        pool.shutdown(wait=True)


def _context() -> multiprocessing.context.BaseContext:
    """How a pool's processes start: forked from this process when it runs a single thread (the
    CLI reading a batch: nothing to import again, and no other thread can hold a lock the child
    would need), else from the ``forkserver`` (the server has threads, and Chroma's native ones
    once the vectors are touched), which imports this module once and forks each worker from it."""
    if _threads() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingest.pool"])
    return context


def start_reading_server() -> None:
    """Start now, in a process with threads (a server), the ``forkserver`` its reading processes
    come from, which imports the reading stack once: left to the first upload, that import took
    both cores for seconds while reviewers' requests waited. A single-threaded process forks its
    readers and needs none."""
    if _threads() > 1:
        _context()
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _threads() -> int:
    """The threads of this process, native ones included."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # not Linux: say several, the safe answer
        return 2


@dataclass
class _Sent(Generic[T]):
    """An item on its way through the pool: its job (None: nothing to read) and the pool's future
    (None: to be read in the calling process, the pool being broken)."""

    item: T
    job: ReadJob | None
    future: Future[Read] | None = None


def timed_out(seconds: float) -> str:
    return (f"读取超时：超过 {seconds:g} 秒仍未读完，已停止读取该文件（文件可能过大或结构异常），"
            f"请检查后单独重新上传 / reading did not finish within {seconds:g} s")


def _kept(future: Future[Read]) -> bool:
    """A future that holds its file's outcome (read before its pool was killed)."""
    return future.done() and not future.cancelled() and not isinstance(future.exception(), BrokenProcessPool)


def _kill(pool: ProcessPoolExecutor) -> None:
    """End a pool whose worker hangs: its processes are killed, since shutting it down would wait
    for the file it is stuck on. The files the other workers held are read again by a new pool."""
    processes = list((pool._processes or {}).values())  # noqa: SLF001 — no public way to stop a busy worker
    for process in processes:
        process.kill()
    for process in processes:
        process.join(5)
    pool.shutdown(wait=False, cancel_futures=True)


_END = object()
_DIED = "读取进程意外退出（可能内存不足或文件触发了解析库崩溃），请单独重新上传该文件 / the reading process died"


def _outcome(future: Future[Read], timeout: float | None) -> Read:
    try:
        return future.result(timeout)
    except FutureTimeout:
        raise  # the caller replaces the pool
    except BrokenProcessPool:
        return ReadFailure(_DIED)
    except Exception as exc:  # noqa: BLE001 — e.g. a result that could not be sent back
        return ReadFailure(internal_error(exc))
