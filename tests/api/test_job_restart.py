"""Jobs outlive the server: a server killed (or stopped) in the middle of a batch comes back, shows
every job, and finishes the batch — every file stored once, none lost."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from assistant.stores.jobs import JobStore
from assistant.stores.records import RecordStore
from assistant.stores.users import UserStore
from tests.api.support import wait_job
from tests.support.jobs import free_port, report_text, ziping

FILES = 40


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _batch(first: int, n: int = FILES) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (f"报告{k}.md", report_text(k).encode())) for k in range(first, first + n)]


def _token(data_dir: Path) -> str:
    records = RecordStore(Settings(data_dir=data_dir).sqlalchemy_url)
    try:
        return UserStore(records.engine).add("审核员", "reviewer")[1]
    finally:
        records.close()


def _finished_once(client: TestClient, headers: dict[str, str], job_id: str) -> dict:
    """The job, finished, with each of its files stored exactly once."""
    job = wait_job(client, headers, job_id, timeout=300)
    assert job["state"] == "done" and job["total"] == job["done"] == FILES, job
    # a file stored just before the kill, whose outcome had not been written yet, is found stored
    # on the retry (skipped, with its submission): either way it is there, once
    assert all(f["stage"] in ("indexed", "skipped") and f["submission_id"] for f in job["files"]), job["files"]
    assert len({f["submission_id"] for f in job["files"]}) == FILES
    return job


@pytest.mark.slow  # a real server process, killed and restarted (≈ 40 s on a busy machine)
def test_a_server_killed_mid_batch_loses_no_job_and_the_next_start_finishes_it(tmp_path):
    data_dir = tmp_path / "data"
    headers = _auth(_token(data_dir))
    port = free_port()
    server = ziping(["serve", "--port", str(port)], {"ZIPING_DATA_DIR": str(data_dir)}, tmp_path / "logs")
    base = f"http://127.0.0.1:{port}"
    try:
        server.wait_for("serving on")
        with httpx.Client(base_url=base, timeout=30) as http:
            deadline = time.monotonic() + 60
            while not _up(http):
                assert time.monotonic() < deadline, server.stderr()
                time.sleep(0.1)
            small = http.post("/api/v1/submissions", headers=headers, files=_batch(1000, 1),
                              data={"defer_vectors": "true"}).json()
            batch = http.post("/api/v1/submissions", headers=headers, files=_batch(0),
                              data={"defer_vectors": "true"})
            assert batch.status_code == 202, batch.text
            job_id = batch.json()["id"]
            deadline = time.monotonic() + 120
            while (done := http.get(f"/api/v1/jobs/{job_id}", headers=headers).json()["done"]) < 2:
                assert time.monotonic() < deadline, server.stderr()
                time.sleep(0.02)
        server.kill()
    finally:
        if server.proc.poll() is None:
            server.kill()
    assert 2 <= done < FILES, "killed in the middle of the batch"
    left = JobStore(RecordStore(Settings(data_dir=data_dir).sqlalchemy_url).engine).get(job_id)
    assert left.state == "running" and (data_dir / "uploads" / job_id).exists()

    app = create_app(Settings(data_dir=data_dir))
    with TestClient(app) as client:
        listed = {j["id"] for j in client.get("/api/v1/jobs", headers=headers).json()}
        assert {small["id"], job_id} <= listed, "every job is still there after the restart"
        job = _finished_once(client, headers, job_id)
        assert job["attempts"] == 2
        assert client.get("/api/v1/submissions", headers=headers).json()["total"] == FILES + 1
    assert not (data_dir / "uploads" / job_id).exists(), "the finished job's upload folder is removed"


def _up(http: httpx.Client) -> bool:
    try:
        return http.get("/healthz").status_code == 200
    except httpx.TransportError:
        return False


def test_a_server_stopped_mid_batch_gives_the_job_back_and_a_new_instance_finishes_it(tmp_path):
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir)
    first = create_app(settings)
    with TestClient(first) as client:
        headers = _auth(first.state.users.add("审核员", "reviewer")[1])
        r = client.post("/api/v1/submissions", headers=headers, files=_batch(100), data={"defer_vectors": "true"})
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        deadline = time.monotonic() + 120
        while client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()["done"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    # the first instance has shut down: its worker stopped after the file it was on
    jobs = JobStore(RecordStore(settings.sqlalchemy_url).engine)
    stopped = jobs.get(job_id)
    assert stopped.state == "queued" and stopped.attempts == 0
    assert 1 <= sum(f.finished for f in stopped.files) < FILES

    second = create_app(settings)
    with TestClient(second) as client:
        job = _finished_once(client, headers, job_id)
        assert all(f["stage"] == "indexed" for f in job["files"])  # a clean stop redoes nothing
        assert job["attempts"] == 1


def test_the_api_only_queues_when_its_worker_is_off(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings, ApiSettings(start_worker=False))
    with TestClient(app) as client:
        headers = _auth(app.state.users.add("审核员", "reviewer")[1])
        job = client.post("/api/v1/submissions", headers=headers, files=_batch(200, 2),
                          data={"defer_vectors": "true"}).json()
        time.sleep(0.5)
        now = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).json()
        assert now["state"] == "queued" and now["done"] == 0 and now["kind"] == "ingest"
        assert [f["stage"] for f in now["files"]] == ["queued", "queued"]
        assert (settings.data_dir / "uploads" / job["id"] / "1" / "报告200.md").exists()
        # a worker elsewhere (here: one run in this process) takes it from the same database
        app.state.jobs.runner.run(once=True)
        assert client.get(f"/api/v1/jobs/{job['id']}", headers=headers).json()["state"] == "done"
