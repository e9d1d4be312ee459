"""Scratch folders (unpacked archives, uploads waiting for their job) that a killed run cannot leak.

A ``finally`` removes a folder when its run ends, but a run killed with ``kill -9``, by the OOM
killer or a power cut never gets there: its ``ziping-unpack-*`` folders stayed in the temp dir
for good. So every scratch folder lives under a known root (``<data_dir>/tmp`` for unpacked
archives) and holds a lock file that its process keeps ``flock``-ed for as long as it uses the
folder. The kernel drops such a lock when the process dies, however it dies, and a pid can be
reused but a lock cannot be inherited, so :func:`sweep` — run when a CLI ingest or the server
starts — removes exactly the folders whose lock it can take: their owner is gone. Folders from
before this scheme (no lock file) are removed once older than :data:`UNLOCKED_MAX_AGE_S`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".owner.lock"
UNPACK_PREFIX = "unpack-"
LEGACY_TEMP_PREFIX = "ziping-unpack-"  # what earlier versions left in the system temp dir
UNLOCKED_MAX_AGE_S = 24 * 3600  # a folder without a lock file this old belongs to no live run


def scratch_root(data_dir: Path) -> Path:
    return data_dir / "tmp"


class Scratch:
    """A folder owned by this process until :meth:`close` (which removes it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # locked under a temporary name, then renamed into place: a sweeper that sees the lock
        # file always finds it locked (flock follows the inode through the rename)
        pending = path / f"{LOCK_NAME}.{os.getpid()}"
        self._fd: int | None = os.open(pending, os.O_CREAT | os.O_WRONLY, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        os.replace(pending, path / LOCK_NAME)

    @classmethod
    def new(cls, root: Path, prefix: str = UNPACK_PREFIX) -> Scratch:
        root.mkdir(parents=True, exist_ok=True)
        return cls(Path(tempfile.mkdtemp(prefix=prefix, dir=root)))

    @classmethod
    def claim(cls, path: Path) -> Scratch:
        """Own a folder this process has just made (created if missing)."""
        path.mkdir(parents=True, exist_ok=True)
        return cls(path)

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()

    def release(self) -> None:
        """Stop owning the folder but keep it (an upload handed to its durable job, whose end
        removes it): the lock file goes, so only a sweep's ``keep`` spares the folder."""
        if self._fd is not None:
            (self.path / LOCK_NAME).unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None


@contextmanager
def scratch_dir(root: Path, prefix: str = UNPACK_PREFIX) -> Iterator[Path]:
    scratch = Scratch.new(root, prefix)
    try:
        yield scratch.path
    finally:
        scratch.close()


def sweep(root: Path, prefix: str = "", *, max_unlocked_age_s: float = UNLOCKED_MAX_AGE_S,
          keep: Callable[[Path], bool] | None = None) -> list[Path]:
    """Remove the folders under ``root`` named ``prefix*`` whose owning process is gone (and that
    ``keep`` does not claim, e.g. the upload folder of a job still queued); return them."""
    removed = [p for p in abandoned(root, prefix, max_unlocked_age_s=max_unlocked_age_s)
               if not (keep is not None and keep(p))]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def abandoned(root: Path, prefix: str = "", *, max_unlocked_age_s: float = UNLOCKED_MAX_AGE_S) -> list[Path]:
    """The folders under ``root`` named ``prefix*`` whose owning process is gone (nothing removed)."""
    return [p for p in _candidates(root, prefix) if _abandoned(p, max_unlocked_age_s)]


def in_use(root: Path, prefix: str = "") -> list[Path]:
    """The folders under ``root`` named ``prefix*`` that a live process holds."""
    return [p for p in _candidates(root, prefix) if held(p / LOCK_NAME)]


def held(lock: Path) -> bool:
    """Whether a live process holds ``flock`` on this file (a missing file is not held)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:  # cannot tell: count it as held, so nothing of a live run is removed
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops the lock we may have taken
    return False


def _candidates(root: Path, prefix: str) -> list[Path]:
    try:
        return sorted(p for p in root.iterdir() if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def legacy_temp_root() -> Path:
    return Path(tempfile.gettempdir())


def sweep_legacy_temp() -> list[Path]:
    """Earlier versions unpacked into ``<temp dir>/ziping-unpack-*`` without a lock file."""
    return sweep(legacy_temp_root(), LEGACY_TEMP_PREFIX)


def _abandoned(path: Path, max_unlocked_age_s: float) -> bool:
    lock = path / LOCK_NAME
    if not lock.exists():
        try:
            return time.time() - path.stat().st_mtime > max_unlocked_age_s
        except OSError:
            return False
    return not held(lock)
