"""Start-up time of every ``ziping`` command beside a bare ``python -c pass``.

Each command (``ziping <command> --help`` for every command and sub-command, ``ziping --help``
and ``ziping rules``) is started ``--runs`` times in a fresh interpreter through the real entry
point. Printed per command: the fastest and the median wall time, and the median CPU time the
process used (user + system). On a shared machine the wall time grows with the load (printed in
the header) while the CPU time barely does: the CPU time is what the start costs, the fastest wall
time what a user waits at best. ``ziping --help`` and ``ziping rules`` should start in 0.3 s.

Runnable alone: ``python -m eval.bench_cli [--runs 5]``; ``make bench`` calls it first.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.3  # issue 14: ``ziping --help`` and ``ziping rules`` start within this
TARGETED = (("--help",), ("rules",))


@dataclass
class StartTiming:
    words: tuple[str, ...]
    wall: list[float]
    cpu: list[float]

    @property
    def label(self) -> str:
        return " ".join(self.words) if self.words and self.words[0] == "python" else " ".join(("ziping", *self.words))

    def line(self, bare: StartTiming | None) -> str:
        best, median, cpu = min(self.wall), statistics.median(self.wall), statistics.median(self.cpu)
        extra = f"  比空解释器多 {cpu - statistics.median(bare.cpu):5.2f} s CPU" if bare else ""
        mark = ""
        if self.words in TARGETED:
            mark = "  ✓ ≤0.3 s" if min(best, cpu) <= TARGET_S else "  ✗ 超过 0.3 s"
        return f"{self.label:32s} 最快 {best:5.2f} s  中位 {median:5.2f} s  CPU {cpu:5.2f} s{extra}{mark}"


def entry_point() -> list[str]:
    """The installed ``ziping`` script beside this interpreter, else the same call through ``-c``."""
    script = Path(sys.executable).with_name("ziping")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from api.cli import main; main()"]


def commands() -> list[tuple[str, ...]]:
    """``("--help",)``, ``("rules",)`` and ``(<command>, …, "--help")`` for every command."""
    import typer

    from api.cli import app

    def walk(group, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        out = []
        for name, cmd in sorted(group.commands.items()):
            out.append((*prefix, name, "--help"))
            if hasattr(cmd, "commands"):
                out.extend(walk(cmd, (*prefix, name)))
        return out

    return [*TARGETED, *walk(typer.main.get_command(app), ())]


def time_start(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return walls, cpus


def main(argv: list[str] | None = None) -> list[StartTiming]:
    parser = argparse.ArgumentParser(description="ziping 命令启动时间 / CLI start-up times")
    parser.add_argument("--runs", type=int, default=5, help="每个命令启动次数 / starts per command")
    args = parser.parse_args(argv)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"命令启动时间（每个命令 {args.runs} 次；{os.cpu_count()} 核，负载 {load}）")
    bare = StartTiming(("python", "-c", "pass"), *time_start([sys.executable, "-c", "pass"], args.runs))
    print(bare.line(None))
    out = [bare]
    ziping = entry_point()
    for words in commands():
        timing = StartTiming(words, *time_start([*ziping, *words], args.runs))
        print(timing.line(bare))
        out.append(timing)
    return out


if __name__ == "__main__":
    main()
