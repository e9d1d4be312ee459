"""Helpers of the job tests: small distinct reports, a free port, ``ziping`` processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def report_text(n: int) -> str:
    """A short 自评报告 in Markdown, different for every ``n`` (so each is its own submission)."""
    return (f"# 第{n}号项目绩效自评报告\n\n## 一、基本情况\n\n第{n}号项目按计划实施，资金到位率100%。\n\n"
            f"## 二、绩效目标完成情况\n\n群众满意度{80 + n % 20}%。\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    """A ``ziping`` command running in its own process, its output in files."""

    proc: subprocess.Popen
    out: Path
    err: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stderr() + self.stdout():
            assert self.proc.poll() is None, f"exited {self.proc.returncode}: {self.stderr()[-2000:]}"
            assert time.monotonic() < deadline, f"no {text!r} in {timeout} s: {self.stderr()[-2000:]}"
            time.sleep(0.1)

    def kill(self) -> None:
        """``kill -9``: no clean-up of any kind runs."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self, timeout: float = 60.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


def ziping(args: list[str], env: dict[str, str], logs: Path) -> Process:
    """Start ``ziping ARGS`` with ``env`` added to the environment; output under ``logs``."""
    logs.mkdir(parents=True, exist_ok=True)
    stem = f"{args[0]}-{time.monotonic_ns()}"
    out, err = logs / f"{stem}.out", logs / f"{stem}.err"
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=out.open("wb"), stderr=err.open("wb"))
    return Process(proc, out, err)
