"""Reading a batch in a pool of processes (ingest/pool.py) stores what reading in-process stores."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import Stores, open_stores
from assistant.stores.fulltext import index_terms
from eval.extraction import label_files
from ingest.pipeline import IngestOptions, IngestReport, ingest_paths
from ingest.pool import ReadFailure, ReadJob, read_ahead, read_file
from ingest.scratch import UNPACK_PREFIX, scratch_root


def _batch(synth_corpus: Path, tmp_path: Path) -> list[Path]:
    """The corpus's digital files, one of them twice (inside a zip too), and three bad inputs."""
    digital = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] != "scanned_pdf")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.docx").write_bytes(b"")
    (bad / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (bad / "renamed.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 512)
    with zipfile.ZipFile(tmp_path / "again.zip", "w") as z:
        z.write(digital[0], "inner/" + digital[0].name)
        z.write(digital[1], digital[1].name)
    return [*digital, bad, tmp_path / "again.zip"]


def _ingest(paths: list[Path], data_dir: Path, workers: int) -> tuple[Stores, IngestReport]:
    stores = open_stores(Settings(data_dir=data_dir, ingest_workers=workers))
    return stores, ingest_paths(paths, stores, IngestOptions(defer_vectors=True))


def _records(stores: Stores) -> dict[str, object]:
    """Everything stored of each submission, but the times it was stored at."""
    out: dict[str, object] = {}
    for summary in stores.records.list_submissions():
        sub = stores.records.get_submission(summary.id)
        assert sub is not None
        findings = sorted((f.rule, f.id or "", f.message) for f in stores.records.get_findings(summary.id))
        chunks = sorted((c.id, c.text) for c in stores.records.chunks_for_submission(summary.id))
        terms = sorted(stores.fulltext.terms([summary.id]).items())  # the index's words of each chunk
        out[summary.id] = (sub.to_dict(), findings, chunks, terms)
    return out


def _outcomes(report: IngestReport) -> list[tuple[str, str, str | None, str | None, int, int]]:
    return [(f.name.split("/")[-1], f.status, f.reason, f.submission_id, f.findings, f.chunks) for f in report.files]


def test_a_batch_read_by_two_processes_stores_the_same_as_one(synth_corpus: Path, tmp_path: Path):
    paths = _batch(synth_corpus, tmp_path)
    alone, alone_report = _ingest(paths, tmp_path / "one", workers=1)
    pooled, pooled_report = _ingest(paths, tmp_path / "two", workers=2)

    assert _outcomes(pooled_report) == _outcomes(alone_report)
    assert _records(pooled) == _records(alone)
    # the words the reading processes made for the index are the ones the index would make itself
    for sid, (_sub, _findings, chunks, terms) in _records(pooled).items():
        assert [cid for cid, _ in terms] == [cid for cid, _ in chunks], sid
        assert dict(terms) == {cid: index_terms(text) for cid, text in chunks}
    statuses = [f.status for f in pooled_report.files]
    assert statuses.count("failed") == 3  # each bad file fails alone, with its reason
    assert statuses.count("skipped") == 2  # the zip's copies are stored once
    reasons = {Path(f.name).name: f.reason or "" for f in pooled_report.files if f.status == "failed"}
    assert "文件为空" in reasons["empty.docx"] and "损坏" in reasons["corrupt.docx"]
    assert "格式与扩展名不符" in reasons["renamed.pdf"]
    originals = {p.name for p in (tmp_path / "two" / "files").iterdir()}
    assert originals == {p.name for p in (tmp_path / "one" / "files").iterdir()}
    # the unpacked zip's scratch folder is gone with its run
    assert not list(scratch_root(tmp_path / "two").glob(f"{UNPACK_PREFIX}*"))


def test_read_ahead_keeps_order_reads_nothing_it_is_told_to_skip_and_reports_failures(synth_corpus: Path,
                                                                                       tmp_path: Path):
    files = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("docx_table", "xlsx_table"))[:3]
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    items = [files[0], empty, files[1], files[2]]
    skip = files[1]
    asked: list[Path] = []

    def job_of(path: Path) -> ReadJob | None:
        asked.append(path)
        return None if path == skip else ReadJob(path, path.name)

    got = list(read_ahead(items, job_of, workers=2, max_page_pixels=40_000_000))
    assert [item for item, _ in got] == items and asked == items
    outcomes = dict(got)
    assert outcomes[skip] is None
    assert isinstance(outcomes[empty], ReadFailure) and "文件为空" in outcomes[empty].reason
    for path in (files[0], files[2]):
        assert outcomes[path].submission.to_dict() == read_file(ReadJob(path, path.name)).submission.to_dict()  # type: ignore[union-attr]
        # the reading process made the index's words: the writer does not segment the text again
        chunks = outcomes[path].chunks  # type: ignore[union-attr]
        assert chunks and all(c.terms == index_terms(c.text) for c in chunks)


@pytest.mark.slow
def test_legacy_files_are_converted_in_the_reading_processes(synth_corpus: Path, tmp_path: Path):
    from ingest.readers.convert import Converter, soffice_path
    from tests.conftest import require_system

    require_system("libreoffice-writer-nogui / libreoffice-calc-nogui", soffice_path() is not None)
    files = {lab["kind"]: p for p, lab in label_files(synth_corpus)}
    batch = tmp_path / "batch"
    batch.mkdir()
    office = Converter()
    try:
        office.convert(office.convert(files["docx_table"], tmp_path / "a.odt"), batch / "a.doc")
        office.convert(files["xlsx_table"], batch / "b.xls")
        office.convert(files["xlsx_table"], batch / "c.xls")
        (batch / "d.wps").write_bytes((batch / "a.doc").read_bytes()[:1536])  # cut off: cannot be converted
    finally:
        office.stop()
    alone, alone_report = _ingest([batch], tmp_path / "one", workers=1)
    pooled, pooled_report = _ingest([batch], tmp_path / "two", workers=2)
    assert _outcomes(pooled_report) == _outcomes(alone_report)
    assert _records(pooled) == _records(alone)
    assert [f.status for f in pooled_report.files].count("failed") == 1
    assert pooled_report.files[0].evaluations == 1  # the .doc was converted and read in a worker


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def test_the_reading_processes_end_when_the_batch_process_is_killed(synth_corpus: Path, tmp_path: Path):
    """``kill -9`` of an ingest leaves no reading process behind working on, or waiting for, files."""
    import signal
    import subprocess
    import sys
    import time

    files = [str(p) for p, lab in label_files(synth_corpus) if lab["kind"] in ("pdf_table", "report_pdf")]
    script = tmp_path / "batch.py"
    script.write_text(
        "import sys\nfrom pathlib import Path\nfrom ingest.pool import ReadJob, read_ahead\n"
        "if __name__ == '__main__':\n"
        "    files = [Path(p) for p in sys.argv[1:]] * 50\n"
        "    for _item, _read in read_ahead(files, lambda p: ReadJob(p, p.name), workers=2, max_page_pixels=40_000_000):\n"
        "        print('read', flush=True)\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), *files], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "read"
        helpers = _descendants(proc.pid)
        assert len(helpers) >= 2  # the pool's workers (and the forkserver) are running
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in helpers):
            time.sleep(0.2)
        left = [pid for pid in helpers if Path(f"/proc/{pid}").exists()
                and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        assert left == [], "reading processes outlived the killed batch"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_dead_reading_process_fails_its_files_and_the_batch_goes_on(synth_corpus: Path):
    """A worker killed mid-batch (the OOM killer): the files the pool held fail with the reason, the
    rest of the batch is read, and nothing is raised."""
    import os
    import signal

    from tests.support.slow_read import read_slowly

    files = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("docx_table", "xlsx_table"))
    items = [files[n % len(files)] for n in range(12)]
    asked = 0

    def job_of(path: Path) -> ReadJob:
        nonlocal asked
        asked += 1
        if asked == 6:  # the pool is busy: kill one of its workers
            os.kill(max(_descendants(os.getpid())), signal.SIGKILL)
        return ReadJob(path, path.name)

    # each read takes a second, so the files sent before the kill are still held by the pool when
    # it happens (a fast read could have finished them all, and then no file fails)
    got = list(read_ahead(items, job_of, workers=2, max_page_pixels=40_000_000, read=read_slowly))
    assert [item for item, _ in got] == items
    failed = [n for n, (_, read) in enumerate(got) if isinstance(read, ReadFailure)]
    assert failed and all("读取进程意外退出" in got[n][1].reason for n in failed)  # type: ignore[union-attr]
    assert not isinstance(got[-1][1], ReadFailure) and got[-1][1].submission.evaluations  # type: ignore[union-attr]


def test_a_corrected_file_read_again_by_the_pool_is_checked_and_chunked_as_corrected(synth_corpus: Path,
                                                                                     tmp_path: Path):
    """The reading processes check and chunk what they read; a reviewer's correction, which only the
    stores know, makes the writer check and chunk again, and the index follows the new chunks."""
    from assistant.review.corrections import CorrectionRequest, correct
    from tests.ingest.test_review_reading import planted_score

    path, labels = planted_score(synth_corpus)
    defect = next(d for d in labels["defects"] if d["rule"] == "CALC-IND-001")
    field, right = defect["location"]["field"], re.search(r"应为([0-9.]+)", defect["note"]).group(1)  # type: ignore[union-attr]
    other = next(p for p, lab in label_files(synth_corpus) if lab["kind"] == "xlsx_table")
    got = {}
    for workers in (1, 2):
        stores = open_stores(Settings(data_dir=tmp_path / str(workers), ingest_workers=workers))
        sid = ingest_paths([path], stores, IngestOptions(defer_vectors=True)).files[0].submission_id
        assert sid is not None
        before = {c.text for c in stores.records.chunks_for_submission(sid)}
        correct(stores.records, CorrectionRequest(sid, field, right, "张审核"))
        report = ingest_paths([path, other], stores, IngestOptions(defer_vectors=True, force=True))
        assert [f.status for f in report.files] == ["ok", "ok"], report.to_dict()
        assert not any(f.rule == "CALC-IND-001" and f.location.field == field for f in stores.records.get_findings(sid))
        chunks = stores.records.chunks_for_submission(sid)
        assert {c.text for c in chunks} != before  # the corrected score is in the chunks
        assert stores.fulltext.terms([sid]) == {c.id: index_terms(c.text) for c in chunks}
        got[workers] = _records(stores)
    assert got[2] == got[1]


@pytest.mark.slow  # waits out a 30 s timeout
def test_a_file_read_past_the_timeout_fails_alone_and_its_process_is_replaced(synth_corpus: Path, tmp_path: Path):
    """A reading process stuck on a file: after the timeout the file fails with the reason, the stuck
    process is killed, and a new pool reads the rest, each as it is read in-process."""
    import shutil
    import time

    from tests.support.slow_read import read_or_hang

    files = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("docx_table", "xlsx_table"))[:4]
    hang = Path(shutil.copyfile(files[0], tmp_path / "hang.docx"))
    items = [files[0], hang, files[1], files[2], files[3]]
    before = _descendants(os.getpid())  # what earlier tests left running (a converter, the forkserver)
    start = time.monotonic()
    # the timeout counts from when the batch waits for the file: the first one waits for the pool
    # to start too, which takes seconds on a loaded machine
    got = list(read_ahead(items, lambda p: ReadJob(p, p.name), workers=2, max_page_pixels=40_000_000,
                          timeout=30, read=read_or_hang))
    assert time.monotonic() - start < 120  # not the hour the stuck process would sleep
    assert [item for item, _ in got] == items
    outcomes = dict(got)
    assert isinstance(outcomes[hang], ReadFailure) and "读取超时" in outcomes[hang].reason
    assert "30 秒" in outcomes[hang].reason
    for path in (files[0], *files[1:4]):
        read = outcomes[path]
        assert not isinstance(read, ReadFailure), read
        assert read.submission.to_dict() == read_file(ReadJob(path, path.name)).submission.to_dict()  # type: ignore[union-attr]
    # the pools are gone, the stuck worker with them: what is left is multiprocessing's forkserver
    running = [pid for pid in _descendants(os.getpid()) - before if Path(f"/proc/{pid}").exists()
               and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in running}
    assert all(b"forkserver" in cmd or b"resource_tracker" in cmd for cmd in left.values()), left


@pytest.mark.slow  # waits out a 30 s timeout
@pytest.mark.parametrize("workers", [1, 2], ids=["one-worker", "two-workers"])  # one worker: a pool of one
def test_a_slow_file_in_a_batch_times_out_and_harms_nothing_stored(synth_corpus: Path, tmp_path: Path, workers: int):
    """A crafted few-KB PDF whose one page draws 3,000,000 characters keeps a parser busy for minutes
    (300,000 took 16 s on a quiet machine and 170 s under load, so ten times that outlasts the
    timeout anywhere): with a short timeout it fails with the reason, the other files of the batch
    are stored, and what an earlier batch stored is untouched. The page's character cap, which
    refuses such a page at once, is raised here so that the page is laid out: the timeout is
    what holds a file slow in some way no cap counts."""
    from eval.big_inputs import slow_pdf

    digital = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("docx_table", "xlsx_table"))
    slow = slow_pdf(tmp_path / "slow.pdf", glyphs=3_000_000)
    stores = open_stores(Settings(data_dir=tmp_path / "data", ingest_workers=workers, read_timeout=30,
                                  max_page_chars=10**8))
    first = ingest_paths([digital[0]], stores, IngestOptions(defer_vectors=True)).files[0]
    stored_before = _records(stores)
    report = ingest_paths([digital[1], slow, digital[2], digital[0]], stores, IngestOptions(defer_vectors=True))
    outcomes = {Path(f.name).name: f for f in report.files}
    assert outcomes["slow.pdf"].status == "failed" and "读取超时" in (outcomes["slow.pdf"].reason or "")
    assert outcomes[digital[1].name].status == outcomes[digital[2].name].status == "ok"
    assert outcomes[digital[0].name].status == "skipped"
    after = _records(stores)
    assert after[first.submission_id] == stored_before[first.submission_id]  # type: ignore[index]
    assert len(after) == 3  # the slow file left nothing behind


def test_a_single_threaded_caller_forks_its_readers_and_one_with_threads_uses_the_forkserver():
    """The CLI (one thread) forks: nothing to import again for a single file. A process with another
    thread (the server; Chroma's native threads) starts its readers from the forkserver instead."""
    import subprocess
    import sys

    script = ("import threading, time\nfrom ingest.pool import _context\n"
              "print(_context().get_start_method())\n"
              "threading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
              "print(_context().get_start_method())\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout.split()
    assert out == ["fork", "forkserver"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_reading_processes_run_at_the_lower_priority_asked(synth_corpus: Path, workers: int):
    """Reading is batch work: the pool's processes run ``nice`` below the caller (a server's requests
    come first), with one worker as with several."""
    import os

    from tests.support.slow_read import read_niceness

    files = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("docx_table", "xlsx_table"))[:3]
    mine = os.nice(0)
    got = list(read_ahead(files, lambda p: ReadJob(p, p.name), workers=workers, max_page_pixels=40_000_000,
                          timeout=60, read=read_niceness, nice=7))
    assert [read.reason for _, read in got] == [str(min(19, mine + 7))] * 3  # type: ignore[union-attr]
