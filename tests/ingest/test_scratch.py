"""Scratch folders of killed runs are removed at the next start; live runs' folders are not.

The killed run is real: a child process makes a scratch folder and is killed with SIGKILL, so no
``finally`` of it runs — what an OOM kill or ``kill -9`` leaves behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import open_stores
from ingest.pipeline import IngestOptions, ingest_paths
from ingest.scratch import LOCK_NAME, UNLOCKED_MAX_AGE_S, scratch_dir, scratch_root, sweep

REPO = Path(__file__).resolve().parents[2]
_OWNER = ("import sys, time\nfrom pathlib import Path\nfrom ingest.scratch import Scratch\n"
          "s = Scratch.claim(Path(sys.argv[1])) if sys.argv[2] == 'claim' else Scratch.new(Path(sys.argv[1]))\n"
          "(s.path / 'member.docx').write_bytes(b'x')\nprint(s.path, flush=True)\ntime.sleep(120)\n")


class Owner:
    """A child process owning one scratch folder until it is killed."""

    def __init__(self, root: Path, how: str = "new") -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _OWNER, str(root), how], cwd=REPO,
                                     stdout=subprocess.PIPE, text=True)
        self.path = Path(self.proc.stdout.readline().strip())

    def kill(self) -> Path:
        self.proc.kill()  # SIGKILL: the child's cleanup never runs
        self.proc.wait(10)
        self.proc.stdout.close()
        return self.path


@pytest.fixture
def owners():
    started: list[Owner] = []
    yield lambda root, how="new": started.append(Owner(root, how)) or started[-1]
    for owner in started:
        if owner.proc.poll() is None:
            owner.kill()


def test_folder_of_a_killed_process_is_swept_and_a_live_ones_is_kept(tmp_path: Path, owners):
    root = tmp_path / "tmp"
    live, dead = owners(root), owners(root)
    leftover = dead.kill()
    assert (leftover / "member.docx").exists() and (leftover / LOCK_NAME).exists()
    assert sweep(root, "unpack-") == [leftover]
    assert not leftover.exists() and live.path.exists()
    with scratch_dir(root) as mine:  # this process's own folder is live too
        assert sweep(root, "unpack-") == [] and mine.exists()
    assert not mine.exists()
    live.kill()
    assert sweep(root, "unpack-") == [live.path]


def test_folder_without_a_lock_is_swept_only_when_old(tmp_path: Path):
    old, new = tmp_path / "unpack-old", tmp_path / "unpack-new"
    for folder in (old, new):
        (folder / "a").mkdir(parents=True)
    past = time.time() - UNLOCKED_MAX_AGE_S - 60
    os.utime(old, (past, past))
    assert sweep(tmp_path, "unpack-") == [old]
    assert new.exists()


def test_cli_pipeline_unpacks_under_the_data_dir_and_sweeps_leftovers(tmp_path: Path, owners, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data")
    leftover = owners(scratch_root(settings.data_dir)).kill()
    # an earlier version's folder in the system temp dir, a day old
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "systmp"))
    legacy = tmp_path / "systmp" / "ziping-unpack-abc123"
    legacy.mkdir(parents=True)
    os.utime(legacy, (time.time() - UNLOCKED_MAX_AGE_S - 60,) * 2)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("坏文件.docx", b"not a docx")
    stores = open_stores(settings)
    try:
        report = ingest_paths([archive], stores, IngestOptions(defer_vectors=True))
    finally:
        stores.close()
    assert [f.status for f in report.files] == ["failed"]
    assert not leftover.exists() and not legacy.exists()
    assert list(scratch_root(settings.data_dir).iterdir()) == []  # its own folder is gone too


def test_server_start_removes_upload_and_unpack_folders_of_a_killed_server(tmp_path: Path, owners):
    from api.jobs import JobManager

    settings = Settings(data_dir=tmp_path / "data")
    upload = owners(settings.data_dir / "uploads" / "0123456789ab", "claim").kill()
    unpack = owners(scratch_root(settings.data_dir)).kill()
    live = owners(scratch_root(settings.data_dir))  # e.g. a CLI ingest on the same data dir
    stores = open_stores(settings)
    try:
        jobs = JobManager(stores, settings)
        assert not upload.exists() and not unpack.exists() and live.path.exists()
        job = jobs.new_job("reviewer")
        assert (job.folder / LOCK_NAME).exists()
        assert sweep(jobs.upload_root) == []  # a job of this server is live
        jobs.discard(job)
        assert not job.folder.exists()
    finally:
        stores.close()
