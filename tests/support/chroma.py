"""A throwaway Chroma server for the test session: ``chroma run`` from the chromadb package, on
loopback, on a free port, in a temporary directory, telemetry off; stopped and deleted at the end.

``ZIPING_TEST_CHROMA_URL`` points the tests at an existing server instead. Each test that uses
the server works in a collection of its own (see :func:`fresh_collection`), so tests sharing the
one server per session never see each other's vectors.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

START_TIMEOUT_S = 60


def chroma_bin() -> Path | None:
    """The ``chroma`` console script next to this interpreter (the venv's), else on PATH."""
    here = Path(sys.executable).parent / "chroma"
    if here.exists():
        return here
    found = shutil.which("chroma")
    return Path(found) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:  # noqa: S310 (loopback)
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def temporary_chroma() -> Iterator[str]:
    """Start ``chroma run`` and yield its URL (``http://127.0.0.1:<port>``)."""
    exe = chroma_bin()
    if exe is None:
        raise RuntimeError("chroma CLI not found (pip install chromadb)")
    root = Path(tempfile.mkdtemp(prefix="ziping-chroma-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_TELEMETRY": "False"}
    log = (root / "log").open("wb")
    proc = subprocess.Popen([str(exe), "run", "--path", str(root / "data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not start: {(root / 'log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def fresh_collection() -> str:
    """A collection name no other test uses (the server lives for the whole session)."""
    return f"ziping_test_{uuid.uuid4().hex[:12]}"
