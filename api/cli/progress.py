"""A small stderr progress bar (no third-party dependency), quiet when output is not a terminal."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """``with ProgressBar(total, label) as bar: bar.update(done, total)``."""

    def __init__(self, total: int, label: str, *, enabled: bool = True, width: int = 30):
        self.total = max(total, 1)
        self.label = label
        self.width = width
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.monotonic()

    def update(self, done: int, total: int | None = None, note: str = "") -> None:
        if total:
            self.total = max(total, 1)
        if not self.enabled:
            return
        filled = int(self.width * done / self.total)
        elapsed = time.monotonic() - self.started
        bar = "█" * filled + "·" * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{self.total} {elapsed:5.1f}s {note[:30]:<30}")
        sys.stderr.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
