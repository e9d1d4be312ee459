"""Upload limits: a file over ``ZIPING_MAX_UPLOAD_MB`` and a body over the request cap are refused
with 413, whether the body declares its length or streams it chunked; uploads past the per-user
rate get 429 with ``Retry-After``. Every refusal is a Chinese message, and nothing is left behind
in the data directory's upload folder."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from tests.api.support import served

NOTE = "项目名称：学生资助补助经费\n预算执行率：95%\n"


def chinese_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and re.search(r"[\u4e00-\u9fff]", error["message"]), error
    return error["message"]


def leftovers(data_dir: Path) -> list[Path]:
    uploads = data_dir / "uploads"
    return [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []


def test_defaults_are_sensible():
    settings, api = Settings(), ApiSettings()
    assert settings.max_upload_mb == 50 and settings.max_archive_mb >= settings.max_upload_mb
    assert 10 <= api.upload_per_minute <= 600 and 1 <= api.upload_burst <= 100


def test_a_file_over_the_cap_gets_413_in_chinese(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, max_upload_mb=1, max_archive_mb=1), ApiSettings(start_worker=False))
    with TestClient(app) as client:
        _, token = app.state.users.add("li", "reviewer")
        auth = {"Authorization": f"Bearer {token}"}
        big = ("绩效" * 200_000).encode()  # 1.2 MB: under the request cap, over the file cap
        message = chinese_error(client.post("/api/v1/submissions", headers=auth, files=[("files", ("大.txt", big))]),
                                413, "file_too_large")
        assert "大.txt" in message and "1 MB" in message
        assert leftovers(tmp_path) == []


def test_a_chunked_body_without_a_length_is_cut_off_at_the_cap(tmp_path):
    """The hole this found: the cap was checked on the declared Content-Length only, so a chunked
    upload was spooled to disk in full by the form parser before any route saw its size. Sent to
    a real server (the test client reads a streamed body whole before the app sees it)."""
    settings = Settings(data_dir=tmp_path, max_upload_mb=1, max_archive_mb=1)  # request cap: 2 MB
    with seeded_user(settings) as token, served(settings) as url:
        sent, response = _stream_chunked(url, "/api/v1/submissions", token, "multipart/form-data; boundary=b",
                                         b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n')
        assert response is not None and response.status == 413
        body = json.loads(response.read())
        assert body["error"]["code"] == "file_too_large" and "上限" in body["error"]["message"]
        # ``sent`` is what the client got into its socket before the server closed it: the 2 MB the
        # server read plus what the loopback socket buffers held (tcp_rmem/tcp_wmem, several MB and
        # load-dependent: 8 MB + the head was seen). A server that read the body whole takes all 64 MB.
        assert sent <= 32 * 2**20, f"{sent // 2**20} MB were taken before the refusal"
        assert leftovers(tmp_path) == []
        # the same cap holds for any route with a body
        _, response = _stream_chunked(url, "/api/v1/ask", token, "application/json", b'{"question": "')
        assert response is not None and response.status == 413


def _stream_chunked(url: str, path: str, token: str, content_type: str, head: bytes) -> tuple[int, object]:
    """POST 64 MB chunked (no Content-Length); (bytes the server took, its response or None)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", content_type)
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    sent = 0
    block = b"a" * 2**20
    try:
        for piece in (head, *([block] * 64)):
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        conn.send(b"0\r\n\r\n")
    except OSError:  # the server answered and closed the connection: what is wanted
        pass
    try:
        return sent, conn.getresponse()
    except OSError:
        return sent, None


@contextmanager
def seeded_user(settings: Settings) -> Iterator[str]:
    from api.users import UserStore
    from assistant.stores import open_stores

    stores = open_stores(settings)
    try:
        token = UserStore(stores.records.engine).add("li", "reviewer")[1]
    finally:
        stores.close()
    yield token


def test_uploads_past_the_rate_get_429_with_retry_after(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), ApiSettings(start_worker=False, upload_per_minute=1, upload_burst=2))
    with TestClient(app) as client:
        _, li = app.state.users.add("li", "reviewer")
        _, wang = app.state.users.add("wang", "reviewer")

        def upload(token: str):
            return client.post("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"},
                               files=[("files", ("说明.txt", NOTE.encode()))])

        assert [upload(li).status_code for _ in range(2)] == [202, 202]
        r = upload(li)
        message = chinese_error(r, 429, "rate_limited")
        assert "上传" in message and int(r.headers["Retry-After"]) >= 1
        assert upload(wang).status_code == 202, "the bucket is per user"
        jobs = client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {li}"}).json()
        assert len(jobs) == 2, "the refused upload queued nothing"
