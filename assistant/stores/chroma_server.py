"""The embedded default's Chroma server: ``ziping serve`` runs ``chroma run`` on ``<data_dir>/chroma``
as its child, and every serving process, the job worker and any CLI command run meanwhile talk to
it over HTTP.

Why: chromadb's embedded client (``PersistentClient``) is a Rust binding that holds the GIL for the
whole of an upsert — a thread sleeping 1 ms got one tick during a 33–100 ms upsert of 1–40 vectors,
and one upsert of 10 vectors under load took 3.8 s — so every upload's vector write froze every
request of the server. An HTTP call releases the GIL, and a persistent client is not process-safe
anyway, which several serving processes need. The server's files are the persistent client's: the
same directory opens either way.

The child's pid and URL are kept in ``<data_dir>/chroma-server.json`` with its owner's pid: a CLI
command reads it to use the running child (:func:`running_url`) instead of opening the directory
a second time, and a server starting after a killed one stops a child left behind before it starts
its own. The child also gets ``SIGTERM`` when its owner dies (``PR_SET_PDEATHSIG``), so a
``kill -9`` of the server leaves no Chroma holding the directory.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.settings import Settings

STATE_FILE = "chroma-server.json"
LOG_FILE = "chroma-server.log"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20
_PR_SET_PDEATHSIG = 1

__all__ = ["ChromaChild", "ChromaServerError", "answers", "chroma_bin", "chroma_env", "die_with_parent", "free_port", "running_url", "serving",
           "start_chroma", "stop_process"]


class ChromaServerError(RuntimeError):
    """The Chroma child could not start (message in Chinese, then English)."""


@dataclass
class ChromaChild:
    """A running ``chroma run`` child: its pid, URL and the server process that owns it."""

    pid: int
    url: str
    owner: int
    path: str


def chroma_bin() -> Path | None:
    """The ``chroma`` console script next to this interpreter (the venv's), else on PATH."""
    here = Path(sys.executable).parent / "chroma"
    if here.exists():
        return here
    found = shutil.which("chroma")
    return Path(found) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_env() -> dict[str, str]:
    return {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_TELEMETRY": "False"}


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether a Chroma server answers its heartbeat at ``url``."""
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=timeout) as r:  # noqa: S310 (loopback)
            return r.status == 200
    except OSError:
        return False


def die_with_parent(parent: int | None = None, sig: int = signal.SIGTERM) -> None:
    """This process gets ``sig`` when the process that started it dies (Linux; elsewhere nothing).
    With ``parent``: exit at once if that parent is already gone."""
    with contextlib.suppress(OSError, AttributeError, ctypes.ArgumentError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def start_chroma(path: Path, log: Path, *, port: int | None = None, owned: bool = False
                 ) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``chroma run --path PATH`` on loopback and wait until it answers: (process, URL)."""
    exe = chroma_bin()
    if exe is None:
        raise ChromaServerError("找不到 chroma 命令（pip install chromadb） / chroma CLI not found")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    path.mkdir(parents=True, exist_ok=True)
    out = log.open("ab")
    try:
        proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=chroma_env(), start_new_session=True,
                                preexec_fn=die_with_parent if owned else None)  # noqa: PLW1509
    finally:
        out.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise ChromaServerError(f"向量库服务（chroma run）未能启动 / chroma run did not start: {tail}")
            time.sleep(0.2)
    except BaseException:  # not started, or the caller stopped meanwhile (Ctrl+C): no child left
        stop_process(proc.pid)
        raise
    return proc, url


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_process(pid: int, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM the process group ``pid`` leads (``chroma run`` is started in a session of its own),
    SIGKILL after ``timeout``; returns once it is gone (reaped, if it is our child)."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            if not _alive(pid):
                return
            time.sleep(0.1)


def _state_path(settings: Settings) -> Path:
    return settings.data_dir / STATE_FILE


def _read_state(settings: Settings) -> ChromaChild | None:
    try:
        return ChromaChild(**json.loads(_state_path(settings).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _is_chroma(pid: int) -> bool:
    try:
        return b"chroma" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return _alive(pid)  # no /proc: trust the pid file


def running_url(settings: Settings) -> str | None:
    """The URL of the Chroma child a running ``ziping serve`` keeps on this data directory, if
    there is one and it answers."""
    child = _read_state(settings)
    if child is None or not _alive(child.owner) or not answers(child.url):
        return None
    return child.url


def _clear_stale(settings: Settings) -> None:
    """Stop a child a killed server left behind (it would hold the directory); refuse when
    another server still runs on this data directory."""
    child = _read_state(settings)
    if child is None:
        return
    if child.owner != os.getpid() and _alive(child.owner) and answers(child.url):
        raise ChromaServerError(f"另一个 ziping serve（进程 {child.owner}）正在使用数据目录 {settings.data_dir} / "
                                "another ziping serve is using this data directory")
    if _alive(child.pid) and _is_chroma(child.pid):
        stop_process(child.pid)
    _state_path(settings).unlink(missing_ok=True)


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Run the Chroma child on ``settings.chroma_dir`` for as long as the block: yields its URL."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _clear_stale(settings)
    proc, url = start_chroma(settings.chroma_dir, settings.data_dir / LOG_FILE, owned=True)
    child = ChromaChild(pid=proc.pid, url=url, owner=os.getpid(), path=str(settings.chroma_dir.resolve()))
    state = _state_path(settings)
    tmp = state.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(child)), encoding="utf-8")
    tmp.replace(state)
    try:
        yield url
    finally:
        stop_process(proc.pid)
        with contextlib.suppress(OSError):
            if (_read_state(settings) or child).pid == child.pid:
                state.unlink(missing_ok=True)
