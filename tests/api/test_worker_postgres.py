"""``ziping worker`` on PostgreSQL: two worker processes share one queue (each job done exactly
once), and a job whose worker was killed is taken again by the other once its lease expires."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from assistant.stores.jobs import Job, JobStore
from assistant.stores.records import RecordStore
from tests.support.jobs import Process, report_text, ziping
from tests.support.postgres import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def database(postgres_url) -> Iterator[str]:
    with fresh_database(postgres_url, "zp_workers_") as url:
        yield url


def _queue(settings: Settings, batches: list[range]) -> list[str]:
    """Upload each batch through the API (whose own worker is off: it only queues); the job ids."""
    app = create_app(settings, ApiSettings(start_worker=False))
    ids = []
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {app.state.users.add('审核员', 'reviewer')[1]}"}
        for numbers in batches:
            files = [("files", (f"报告{n}.md", report_text(n).encode())) for n in numbers]
            r = client.post("/api/v1/submissions", headers=headers, files=files, data={"defer_vectors": "true"})
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
    return ids


def _wait_done(jobs: JobStore, ids: list[str], workers: list[Process], timeout: float = 300) -> list[Job]:
    deadline = time.monotonic() + timeout
    while True:
        found = [jobs.get(i) for i in ids]
        if all(j is not None and j.finished for j in found):
            return found  # type: ignore[return-value]
        for w in workers:
            assert w.proc.poll() is None, w.stderr()[-3000:]
        assert time.monotonic() < deadline, [(j.id, j.state) for j in found if j]
        time.sleep(0.2)


def test_two_workers_share_one_queue_and_do_each_job_exactly_once(tmp_path: Path, database: str):
    settings = Settings(data_dir=tmp_path / "data", database_url=database)
    env = {"ZIPING_DATA_DIR": str(settings.data_dir), "ZIPING_DATABASE_URL": database}
    records = RecordStore(database)  # migrates the new database before two processes open it
    workers = [ziping(["worker", "--poll", "0.2"], env, tmp_path / "logs") for _ in range(2)]
    try:
        for w in workers:
            w.wait_for("worker started")
        ids = _queue(settings, [range(k * 3, k * 3 + 3) for k in range(12)])
        ended = _wait_done(JobStore(records.engine), ids, workers)
    finally:
        codes = [w.stop() for w in workers]
    assert codes == [0, 0], [w.stderr()[-2000:] for w in workers]
    assert all(j.state == "done" and j.attempts == 1 for j in ended)
    # a job run twice would show its files as "skipped" (already stored) the second time
    assert all(f.stage == "indexed" for j in ended for f in j.files), [(f.name, f.stage, f.reason) for j in ended for f in j.files if f.stage != "indexed"][:5]
    assert len(records.list_submissions()) == 36
    by_worker = {j.worker for j in ended}
    assert len(by_worker) == 2, "both workers took jobs from the one queue"
    # each worker reported the jobs it ran; together they ran every job once
    reported = [m.group(1) for w in workers for m in re.finditer(r"^任务 (\w+)（入库）：完成", w.stdout(), re.M)]
    assert sorted(reported) == sorted(ids)
    records.close()


def test_a_killed_workers_job_is_retried_by_the_other_after_its_lease(tmp_path: Path, database: str):
    settings = Settings(data_dir=tmp_path / "data", database_url=database)
    env = {"ZIPING_DATA_DIR": str(settings.data_dir), "ZIPING_DATABASE_URL": database}
    records = RecordStore(database)
    jobs = JobStore(records.engine)
    workers = [ziping(["worker", "--poll", "0.2", "--lease", "2"], env, tmp_path / "logs") for _ in range(2)]
    try:
        for w in workers:
            w.wait_for("worker started")
        (job_id,) = _queue(settings, [range(500, 530)])
        deadline = time.monotonic() + 120
        while True:
            job = jobs.get(job_id)
            if sum(f.finished for f in job.files) >= 2:
                break
            assert time.monotonic() < deadline, [w.stderr()[-2000:] for w in workers]
            time.sleep(0.05)
        holder = next(w for w in workers if f":{w.pid}:" in (job.worker or ""))
        survivor = next(w for w in workers if w is not holder)
        holder.kill()  # kill -9: its lease is no longer renewed
        (ended,) = _wait_done(jobs, [job_id], [survivor])
    finally:
        for w in workers:
            if w.proc.poll() is None:
                w.stop()
    assert ended.state == "done" and ended.attempts == 2 and f":{survivor.pid}:" in ended.worker
    assert all(f.stage in ("indexed", "skipped") and f.submission_id for f in ended.files)
    assert len({f.submission_id for f in ended.files}) == 30 == len(records.list_submissions())
    records.close()
