"""``ziping worker [--once] [--poll S] [--lease S]``: run queued jobs (uploads, embedding, re-checks).

The API only queues jobs (rows of the records database, :mod:`assistant.stores.jobs`); a worker
takes them one at a time and runs them (:class:`ingest.jobs.JobRunner`). On SQLite the server's
own thread is the one worker; on PostgreSQL any number of ``ziping worker`` processes, on this
machine or others, share the queue (``FOR UPDATE SKIP LOCKED``: each job is taken once). Workers
on other machines need the same data directory (uploads, originals) and a Chroma server.

SIGTERM or Ctrl+C stops the worker after the file it is on; its job goes back to the queue. A
worker killed outright stops renewing its lease, and after ``--lease`` seconds its job is taken
again by another worker (at once by the next worker started on the same machine).
"""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from api.cli.jobs import KIND_NAMES as _KINDS

_STATES = {"done": "完成", "failed": "失败", "queued": "已放回队列", "running": "执行中"}


def worker(
    once: Annotated[bool, typer.Option("--once", help="处理完队列中的任务后退出（不等待新任务） / exit when the queue is empty")] = False,
    poll: Annotated[float, typer.Option("--poll", min=0.05, help="队列为空时每隔多少秒查看一次 / seconds between looks at an empty queue")] = 1.0,
    lease: Annotated[float, typer.Option("--lease", min=1.0, help="租约秒数：执行进程无响应超过此时长，其任务交给其他进程重试 / seconds before a silent worker's job is retried")] = 60.0,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="只处理这些类型：ingest（入库）、embed（向量化）、recheck（重新预审）、draft（批量起草），可重复 / only these job kinds")] = None,
) -> None:
    """执行队列中的任务（上传入库、向量化、重新预审） / run queued jobs."""
    unknown = [k for k in kind or [] if k not in _KINDS]
    if unknown:
        typer.echo(f"错误 / error: 未知的任务类型 / unknown job kind: {'、'.join(unknown)}"
                   f"（可选：{'、'.join(_KINDS)}）", err=True)
        raise typer.Exit(2)
    from assistant.settings import get_settings
    from assistant.stores import open_stores
    from assistant.stores.jobs import Job
    from ingest.jobs import JobRunner
    from ingest.scratch import UNPACK_PREFIX, scratch_root, sweep

    stop = threading.Event()
    settings = get_settings()
    stores = open_stores(settings)
    sweep(scratch_root(settings.data_dir), UNPACK_PREFIX)  # archives unpacked by killed runs
    runner = JobRunner(stores, lease_s=lease, kinds=tuple(kind) if kind else None, stop=stop)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: (stop.set(), runner.wake.set()))

    def tell(job: Job) -> None:
        what = _KINDS.get(job.kind, job.kind)
        line = f"任务 {job.id}（{what}）：{_STATES.get(job.state, job.state)}"
        if job.kind == "ingest":
            line += f"，{sum(1 for f in job.files if f.finished)}/{len(job.files)} 个文件"
        if job.error:
            line += f"；{job.error}"
        typer.echo(line)

    typer.echo(f"任务执行进程已启动 / worker started: {runner.worker}", err=True)
    try:
        ran = runner.run(poll, once=once, on_job=tell)
    finally:
        stores.close()
    typer.echo(f"任务执行进程已退出，共执行 {ran} 个任务 / worker stopped after {ran} jobs", err=True)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
