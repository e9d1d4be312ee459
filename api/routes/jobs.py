"""``/api/v1/jobs``: ingest jobs made by uploads — status as JSON, progress as server-sent events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent

from api.deps import CurrentUser, JobsDep
from api.jobs import JobManager
from api.schemas import JobOut, errors, not_found
from api.users import User

router = APIRouter(prefix="/jobs", tags=["jobs"])

KEEPALIVE_S = 10.0


def _visible(jobs: JobManager, job_id: str, user: User) -> None:
    owner = jobs.owner_of(job_id)
    if owner is None or (owner != user.name and not user.is_admin):
        raise not_found("这个任务", "job")


def visible_job(job_id: str, jobs: JobsDep, user: CurrentUser) -> str:
    """The job id once the job is known to exist and be the user's. A dependency, because the
    events route is a generator: a check in its body runs only after the 200 and the stream's
    headers are sent, so an unknown id ended as an empty stream and a logged traceback."""
    _visible(jobs, job_id, user)
    return job_id


@router.get("", response_model=list[JobOut], summary="最近的任务（管理员看全部） / recent jobs",
            responses=errors(401))
def list_jobs(jobs: JobsDep, user: CurrentUser,
              limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[JobOut]:
    return [JobOut.model_validate(j) for j in jobs.list(None if user.is_admin else user.name, limit)]


@router.get("/{job_id}", response_model=JobOut, summary="任务状态与逐文件进度 / job status",
            responses=errors(401, 404))
def get_job(job_id: str, jobs: JobsDep, user: CurrentUser) -> JobOut:
    _visible(jobs, job_id, user)
    snapshot = jobs.get(job_id)
    if snapshot is None:
        raise not_found("这个任务", "job")
    return JobOut.model_validate(snapshot)


@router.get("/{job_id}/events", response_class=EventSourceResponse,
            summary="任务进度（server-sent events） / job progress as SSE",
            description="每次进度变化发送一个 `progress` 事件（数据同 `GET /jobs/{id}`），任务结束时发送 `done` 事件后关闭；"
                        "空闲时每 10 秒发送注释行保持连接。浏览器请用 fetch 读取流（需带 Authorization 头）。",
            responses=errors(401, 404))
def job_events(job_id: Annotated[str, Depends(visible_job)], jobs: JobsDep) -> Iterator[ServerSentEvent]:
    version = -1
    while True:
        snapshot = jobs.wait(job_id, version, timeout=KEEPALIVE_S)
        if snapshot is None:
            return
        finished = snapshot["state"] in ("done", "failed")
        if snapshot["version"] == version and not finished:
            yield ServerSentEvent(comment="keep-alive")
            continue
        version = snapshot["version"]
        data = JobOut.model_validate(snapshot).model_dump(mode="json")
        yield ServerSentEvent(event="done" if finished else "progress", data=data, id=str(version))
        if finished:
            return
