"""Queueing a job from the command line (``ziping recheck --queue``, ``ziping embed --queue``)."""

from __future__ import annotations

import getpass
import json
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from assistant.stores.records import RecordStore

KIND_NAMES = {"ingest": "入库", "embed": "向量化", "recheck": "重新预审", "draft": "批量起草"}


def cli_owner() -> str:
    """Who queued a job from the command line: the login name (the API's jobs name their user)."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


def queue_job(records: RecordStore, kind: str, payload: dict[str, Any], *, as_json: bool = False) -> str:
    """Queue a ``kind`` job on the records database and say so; its id."""
    from assistant.stores.jobs import JobStore

    job = JobStore(records.engine).enqueue(kind, cli_owner(), payload)
    if as_json:
        typer.echo(json.dumps({"job": job.id, "kind": kind, "state": job.state}, ensure_ascii=False))
    else:
        typer.echo(f"已加入任务队列：任务 {job.id}（{KIND_NAMES.get(kind, kind)}），"
                   "由 ziping worker 或运行中的服务执行 / queued for the workers")
    return job.id
