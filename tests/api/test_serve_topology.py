"""``ziping serve`` on the embedded default, as an operator starts it: a Chroma server child on the
data directory that every process talks to, two serving processes of which exactly one runs the
jobs, commands run meanwhile going through the child, and nothing left behind by a ``kill -9``."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import httpx
import pytest

from api.auth import RateLimiter
from assistant.settings import Settings
from assistant.stores.chroma_server import STATE_FILE, answers
from assistant.stores.jobs import JobStore
from assistant.stores.records import RecordStore
from assistant.stores.users import UserStore
from assistant.stores.vectors import _client
from tests.support.jobs import Process, free_port, report_text, ziping

pytestmark = pytest.mark.slow  # real server processes (≈ 1–2 min on a busy machine)

READY_S = 240


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(x) for x in text.split()}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    # a zombie (exited, not yet reaped) counts as gone
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _serving_pids(server: Process) -> set[int]:
    return {p for p in _children(server.pid) if "multiprocessing.spawn" in _cmdline(p)}


def _state(data_dir: Path) -> dict:
    return json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))


def _start(data_dir: Path, logs: Path, *args: str) -> tuple[Process, str]:
    port = free_port()
    server = ziping(["serve", "--port", str(port), *args], {"ZIPING_DATA_DIR": str(data_dir)}, logs)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_S
    while True:
        assert server.proc.poll() is None, f"exited {server.proc.returncode}: {server.stderr()[-2000:]}"
        assert time.monotonic() < deadline, f"not ready in {READY_S} s: {server.stderr()[-2000:]}"
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return server, url


class Served:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        records = RecordStore(Settings(data_dir=self.data).sqlalchemy_url)
        try:
            self.token = UserStore(records.engine).add("审核员", "reviewer")[1]
        finally:
            records.close()
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.server, self.url = _start(self.data, root / "logs")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    s = Served(tmp_path_factory.mktemp("serve"))
    try:
        yield s
    finally:
        s.server.stop()


def _collection(url: str):
    host, port = url.removeprefix("http://").split(":")
    return chromadb.HttpClient(host=host, port=int(port)).get_collection("ziping_chunks")


def _wait_job(http: httpx.Client, job_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"/api/v1/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def test_serve_runs_a_chroma_server_child_on_the_data_directory(served):
    state = _state(served.data)
    assert state["owner"] == served.server.pid
    assert state["pid"] in _children(served.server.pid)
    cmd = _cmdline(state["pid"])
    assert " run " in cmd and str((served.data / "chroma").resolve()) in cmd
    assert answers(state["url"])
    ready = httpx.get(f"{served.url}/readyz", timeout=10).json()
    assert ready["checks"]["chroma"]["detail"] == "server"  # the serving processes use the child
    assert len(_serving_pids(served.server)) == 2  # two cores here: two serving processes by default


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_the_job_worker_has_started_its_helpers_before_the_first_upload(served):
    """Warmed before the first job (api.warmup): the reading processes' forkserver and the
    embedding child (lower priority, model loaded) run under exactly one serving process — the one
    running the jobs — before anything was uploaded; the other serving process has neither."""
    deadline = time.monotonic() + READY_S  # /readyz answered from the first process ready: the worker's may still warm
    while True:
        helpers = {p: sorted(_children(p)) for p in _serving_pids(served.server)}
        with_helpers = [p for p, kids in helpers.items() if kids]
        forkservers = [k for p in with_helpers for k in helpers[p] if "forkserver" in _cmdline(k)]
        embedders = [k for f in forkservers for k in _children(f) if _alive(k) and _nice(k) == 10]
        if embedders or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(with_helpers) == 1, helpers
    assert len(forkservers) == 1, [_cmdline(k) for k in helpers[with_helpers[0]]]
    assert len(embedders) == 1


def test_one_process_runs_the_jobs_and_the_other_answers_from_the_vectors_it_wrote(served):
    body = report_text(31).replace("群众满意度", "候鸟迁徙监测站的红外相机电池续航不足，群众满意度")
    with httpx.Client(base_url=served.url, headers=served.headers, timeout=60) as http:
        r = http.post("/api/v1/submissions", files=[("files", ("报告31.md", body.encode()))])
        assert r.status_code == 202, r.text
        job = _wait_job(http, r.json()["id"])
    assert job["state"] == "done" and job["embedded"] > 0, job
    sid = job["files"][0]["submission_id"]

    records = RecordStore(Settings(data_dir=served.data).sqlalchemy_url)
    try:
        jobs = JobStore(records.engine)
        ran = [jobs.get(job["id"]), *jobs.children(job["id"])]
    finally:
        records.close()
    pids = {int(j.worker.split(":")[1]) for j in ran}
    serving = _serving_pids(served.server)
    assert len(pids) == 1 and pids <= serving, (pids, serving)  # the ingest and its embedding: one worker
    (worker,) = pids
    assert (served.data / "worker.lock").exists()

    # the worker wrote the vectors through the Chroma child
    stored = _collection(_state(served.data)["url"]).get(where={"submission_id": sid})
    assert len(stored["ids"]) == job["embedded"]

    # with the worker's process stopped, only the other one can take a new connection: it answers
    os.kill(worker, signal.SIGSTOP)
    try:
        with httpx.Client(base_url=served.url, headers=served.headers, timeout=60) as http:
            asked = http.post("/api/v1/ask", json={"question": "红外相机电池续航不足的是哪个项目？"})
    finally:
        os.kill(worker, signal.SIGCONT)
    assert asked.status_code == 200, asked.text
    assert sid in {c["submission_id"] for c in asked.json()["citations"]}


def test_a_command_run_while_serving_goes_through_the_chroma_child(served):
    settings = Settings(data_dir=served.data)
    client, persistent = _client(settings)
    assert not persistent  # not a second PersistentClient on the directory the child holds
    collection = _collection(_state(served.data)["url"])
    before = collection.count()
    folder = served.root / "cli"
    folder.mkdir()
    (folder / "报告32.md").write_text(report_text(32), encoding="utf-8")
    ingest = ziping(["ingest", str(folder / "报告32.md"), "--json"], {"ZIPING_DATA_DIR": str(served.data)},
                    served.root / "logs")
    assert ingest.proc.wait(300) == 0, ingest.stderr()[-2000:]
    assert collection.count() > before


def test_a_killed_server_leaves_no_child_and_the_next_start_takes_the_directory(served):
    """Runs last: it kills the module's server."""
    chroma = _state(served.data)["pid"]
    serving = _serving_pids(served.server)
    assert serving and _alive(chroma)
    served.server.kill()
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in {chroma, *serving}) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in {chroma, *serving})

    # the next start finds the dead owner's file, starts its own child, and a stop ends that child
    server, url = _start(served.data, served.root / "logs", "--workers", "1")
    try:
        state = _state(served.data)
        assert state["owner"] == server.pid and state["pid"] != chroma and answers(state["url"])
    finally:
        assert server.stop() == 0
    assert not _alive(state["pid"])
    assert not (served.data / STATE_FILE).exists()


def test_an_in_process_chroma_refuses_several_serving_processes(tmp_path):
    proc = ziping(["serve", "--port", str(free_port()), "--workers", "2"],
                  {"ZIPING_DATA_DIR": str(tmp_path / "data"), "ZIPING_EMBEDDED_CHROMA_SERVER": "false"},
                  tmp_path / "logs")
    assert proc.proc.wait(120) == 2
    assert "只能由一个服务进程打开" in proc.stderr()
    assert not (tmp_path / "data" / STATE_FILE).exists()


def test_shared_rate_limits_are_one_bucket_per_user_across_processes(tmp_path):
    burst = 3
    # two limiters on one folder stand for two serving processes: the file is the bucket
    a = RateLimiter(0.001, burst, shared=tmp_path)
    b = RateLimiter(0.001, burst, shared=tmp_path)
    taken = [a.take("审核员") if k % 2 else b.take("审核员") for k in range(burst)]
    assert taken == [None] * burst
    assert a.take("审核员") is not None and b.take("审核员") is not None
    assert a.take("另一人") is None  # per user
