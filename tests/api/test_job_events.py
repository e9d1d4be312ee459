"""The job event stream refuses an unknown or someone else's job before it starts streaming."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.settings import Settings


@pytest.fixture
def client(tmp_path) -> TestClient:
    app = create_app(Settings(data_dir=tmp_path))
    with TestClient(app) as client:
        client.app_state = app.state
        yield client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/api/v1/jobs/0123456789ab/events", "/api/v1/jobs/0123456789ab"])
def test_unknown_job_is_a_404_with_a_chinese_message_and_no_traceback(client, path, caplog):
    headers = _auth(client.app_state.users.add("reviewer1", "reviewer")[1])
    with caplog.at_level(logging.ERROR):
        r = client.get(path, headers=headers)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    assert error["code"] == "not_found" and error["message"] == "没有这个任务"
    assert not [rec for rec in caplog.records if rec.exc_info], "no traceback is logged"


def test_someone_elses_job_stream_is_a_404(client):
    users = client.app_state.users
    owner = _auth(users.add("owner", "reviewer")[1])
    other = _auth(users.add("other", "reviewer")[1])
    job = client.post("/api/v1/submissions", headers=owner, files=[("files", ("a.txt", b"x"))],
                      data={"defer_vectors": "true"}).json()
    assert client.get(f"/api/v1/jobs/{job['id']}/events", headers=other).status_code == 404
    with client.stream("GET", f"/api/v1/jobs/{job['id']}/events", headers=owner) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        assert "event: done" in "".join(r.iter_text())
