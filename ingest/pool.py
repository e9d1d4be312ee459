"""Reading and recognising a batch's files on every core (a process pool); storing stays here.

Reading a file (pdfplumber, python-docx, OCR) and recognising its forms is pure CPU work on one
file, so a batch hands it to ``Settings.ingest_workers`` processes (default: the machine's cores)
while the calling process does what touches the stores — corrections, checking, chunking and the
single-writer saves — one file at a time, in the batch's order. A batch of one file, or a pool of
one, or a batch with a single file to read, reads in this process as before.

A worker returns a :class:`~assistant.model.Submission` or a :class:`ReadFailure` carrying the
same Chinese reason the pipeline gives in-process, so a bad file fails alone whichever process read
it. Workers start from the ``forkserver`` (never ``fork``: the server has threads, Chroma and the
embedder loaded) and read the page-pixel cap from the caller's settings. A worker that dies (the
OOM killer, a crash in a native library) fails the files it and its pool held with a clear reason,
and the batch's remaining files are read in the calling process. Workers end within a second of
the calling process when it is killed. Only :data:`WINDOW` files per worker are read ahead, so
memory stays bounded however large the batch.
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
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from assistant.model import Submission
from ingest.errors import IngestError
from ingest.extract import extract_or_hold

__all__ = ["WINDOW", "ReadFailure", "ReadJob", "default_workers", "pool_workers", "read_ahead", "read_file"]

WINDOW = 2  # files read ahead per worker: enough to keep every core busy, little held in memory
OWNER_POLL_S = 1.0  # how often a worker looks whether the process that made its pool is alive
T = TypeVar("T")


@dataclass(frozen=True)
class ReadJob:
    """What a worker needs to read one file (plain values: they cross a process boundary)."""

    path: Path
    name: str
    max_bytes: int | None = None


@dataclass(frozen=True)
class ReadFailure:
    """A file that could not be read, with the reason a reviewer reads."""

    reason: str


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def pool_workers(configured: int) -> int:
    """How many reading processes a batch gets: ``configured``, or one per core when it is 0."""
    return configured if configured > 0 else default_workers()


def read_file(job: ReadJob) -> Submission | ReadFailure:
    """Read and recognise one file; every error becomes a :class:`ReadFailure` (never raised)."""
    try:
        return extract_or_hold(job.path, name=job.name, max_bytes=job.max_bytes)
    except IngestError as err:
        return ReadFailure(str(err))
    except Exception as exc:  # noqa: BLE001 — one bad file must never stop the batch
        return ReadFailure(internal_error(exc))


def internal_error(exc: BaseException) -> str:
    return f"内部错误 / internal error: {type(exc).__name__}: {exc}"


def _worker_start(max_page_pixels: int, owner: int) -> None:
    """In each worker: the caller's pixel cap (readers look it up in the settings), LibreOffice
    stopped when the worker ends (a pool's workers leave without running ``atexit``), and an end
    of its own when the process that made the pool is gone (``kill -9``): a worker would otherwise
    go on reading what was queued, then wait for work for good."""
    os.environ["ZIPING_MAX_PAGE_PIXELS"] = str(max_page_pixels)
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
               max_page_pixels: int) -> Iterator[tuple[T, Submission | ReadFailure | None]]:
    """Each item with what reading it gave, in the items' order: its submission or failure, or None
    when ``job_of`` says there is nothing to read (a file already stored, a refused upload).

    With more than one worker the next files are read in the pool while the caller handles this
    one; ``job_of`` is asked in order, just before an item's file is sent to the pool, so it may
    look at the stores. Abandoning the iterator (a job told to stop) cancels what was not started
    and waits for what was (a worker cannot be interrupted mid-file)."""
    source = iter(items)
    head: list[tuple[T, ReadJob | None]] = []
    while workers > 1 and sum(job is not None for _, job in head) < 2:
        item = next(source, _END)
        if item is _END:
            break
        head.append((item, job_of(item)))  # type: ignore[arg-type]
    if workers <= 1 or sum(job is not None for _, job in head) < 2:  # nothing to share: read here
        for item, job in head:
            yield item, (read_file(job) if job is not None else None)
        for item in source:
            job = job_of(item)
            yield item, (read_file(job) if job is not None else None)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingest.pool"])
    pending: deque[tuple[T, Future[Submission | ReadFailure] | ReadJob | None]] = deque()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                             initargs=(max_page_pixels, os.getpid())) as pool:

        def send(item: T, job: ReadJob | None) -> None:
            if job is None:
                pending.append((item, None))
                return
            try:
                pending.append((item, pool.submit(read_file, job)))
            except BrokenProcessPool:  # a worker died: the files it held fail, the rest are read here
                pending.append((item, job))

        try:
            for item, job in head:
                send(item, job)
            while True:
                while len(pending) < workers * WINDOW:
                    item = next(source, _END)
                    if item is _END:
                        break
                    send(item, job_of(item))  # type: ignore[arg-type]
                if not pending:
                    return
                item, read = pending.popleft()
                if isinstance(read, ReadJob):
                    yield item, read_file(read)
                else:
                    yield item, (_outcome(read) if read is not None else None)
        finally:
            for _item, read in pending:
                if isinstance(read, Future):
                    read.cancel()


_END = object()


def _outcome(future: Future[Submission | ReadFailure]) -> Submission | ReadFailure:
    try:
        return future.result()
    except BrokenProcessPool:
        return ReadFailure("读取进程意外退出（可能内存不足或文件触发了解析库崩溃），请单独重新上传该文件 / "
                           "the reading process died")
    except Exception as exc:  # noqa: BLE001 — e.g. a result that could not be sent back
        return ReadFailure(internal_error(exc))
