"""A file whose reading never ends fails with 读取超时 after ``ZIPING_READ_TIMEOUT`` seconds in every
topology, not only in a pool of several processes (ingest/pool.py): ``ziping ingest`` on one file and
the server's job worker here; a batch read with one worker and with two in tests/ingest/test_pool.py. The batch goes on and nothing stored is
harmed. The slow file is real: a PDF page drawing 3,000,000 characters (minutes of pdfplumber on
any machine) with the page's character cap raised so that it is laid out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import open_stores
from assistant.stores.jobs import JobStore
from eval.big_inputs import slow_pdf
from eval.extraction import label_files
from ingest.jobs import JobRunner
from tests.ingest.test_job_runner import queue_upload

pytestmark = pytest.mark.slow  # each waits out a timeout

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 8  # seconds: the slow page takes minutes, a synthetic form well under a second
UNCAPPED = 10**8  # ZIPING_MAX_PAGE_CHARS high enough for the slow page to be laid out


def _digital(synth_corpus: Path) -> list[Path]:
    return sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("docx_table", "xlsx_table"))


def test_cli_ingest_of_one_slow_file_times_out(tmp_path: Path):
    slow = slow_pdf(tmp_path / "slow.pdf", glyphs=3_000_000)
    env = {**os.environ, "ZIPING_DATA_DIR": str(tmp_path / "data"), "ZIPING_READ_TIMEOUT": str(TIMEOUT),
           "ZIPING_MAX_PAGE_CHARS": str(UNCAPPED)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(slow), "--defer-vectors", "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    took = time.monotonic() - start
    assert done.returncode == 1, done.stdout + done.stderr  # nothing was stored
    (only,) = json.loads(done.stdout)["files"]
    assert only["status"] == "failed" and "读取超时" in only["reason"] and f"{TIMEOUT} 秒" in only["reason"], only
    assert took < 120, took  # the interpreter's start, the pool's and the timeout: not the minutes of the read
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    assert stores.records.list_submissions() == []


def test_the_servers_job_worker_times_out_on_a_slow_upload_and_finishes_the_job(synth_corpus: Path, tmp_path: Path):
    """The job worker as the server runs it (one reading process per core): a job whose one file is
    the slow one (read in the worker's own process before), then a job of two."""
    digital = _digital(synth_corpus)
    slow = slow_pdf(tmp_path / "slow.pdf", glyphs=3_000_000)
    settings = Settings(data_dir=tmp_path / "data", read_timeout=TIMEOUT, max_page_chars=UNCAPPED)
    stores = open_stores(settings)
    try:
        jobs = JobStore(stores.records.engine)
        job_id = queue_upload(jobs, settings, [("slow.pdf", slow.read_bytes())])
        ended = JobRunner(stores, jobs=jobs).run_once()
        assert ended is not None and ended.id == job_id and ended.state == "done"
        (only,) = ended.files
        assert only.stage == "failed" and "读取超时" in (only.reason or ""), only
        job_id = queue_upload(jobs, settings, [(digital[0].name, digital[0].read_bytes()),
                                               ("slow.pdf", slow.read_bytes())])
        ended = JobRunner(stores, jobs=jobs).run_once()
        assert ended is not None and ended.id == job_id and ended.state == "done"
        by_name = {f.name: f for f in ended.files}
        assert by_name["slow.pdf"].stage == "failed" and "读取超时" in (by_name["slow.pdf"].reason or "")
        assert by_name[digital[0].name].stage == "indexed"
        assert len(stores.records.list_submissions()) == 1
    finally:
        stores.close()
