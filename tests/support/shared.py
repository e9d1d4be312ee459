"""Where the team's shared material (``seeds/`` with the real published seed report) lives.

It is not part of the repository: a clone has no ``../shared``. CI checks it out beside the repo,
so tests that read it run there; elsewhere they skip and say why. ``ZIPING_SHARED_DIR`` points
at another copy (or at an empty folder, to see what a plain clone runs).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "ZIPING_SHARED_DIR"
DEFAULT = Path(__file__).resolve().parents[2].parent / "shared"


def shared_dir() -> Path:
    return Path(os.environ[ENV]) if os.environ.get(ENV) else DEFAULT


def seed_reports() -> list[Path]:
    """The real seed reports (``seeds/*.txt``), or none when the shared folder is absent."""
    return sorted((shared_dir() / "seeds").glob("*.txt"))


def missing_reason(what: str) -> str:
    return (f"{shared_dir() / what} 不存在 / not found: this material is not in the repository "
            f"(CI checks out ../shared beside it; set {ENV} to a copy to run this test)")
