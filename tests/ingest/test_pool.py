"""Reading a batch in a pool of processes (ingest/pool.py) stores what reading in-process stores."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import Stores, open_stores
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
        out[summary.id] = (sub.to_dict(), findings, chunks, sorted(stores.fulltext.chunk_ids([summary.id])))
    return out


def _outcomes(report: IngestReport) -> list[tuple[str, str, str | None, str | None, int, int]]:
    return [(f.name.split("/")[-1], f.status, f.reason, f.submission_id, f.findings, f.chunks) for f in report.files]


def test_a_batch_read_by_two_processes_stores_the_same_as_one(synth_corpus: Path, tmp_path: Path):
    paths = _batch(synth_corpus, tmp_path)
    alone, alone_report = _ingest(paths, tmp_path / "one", workers=1)
    pooled, pooled_report = _ingest(paths, tmp_path / "two", workers=2)

    assert _outcomes(pooled_report) == _outcomes(alone_report)
    assert _records(pooled) == _records(alone)
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
        assert outcomes[path].to_dict() == read_file(ReadJob(path, path.name)).to_dict()  # type: ignore[union-attr]


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

    files = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("docx_table", "xlsx_table"))
    items = [files[n % len(files)] for n in range(12)]
    asked = 0

    def job_of(path: Path) -> ReadJob:
        nonlocal asked
        asked += 1
        if asked == 6:  # the pool is busy: kill one of its workers
            os.kill(max(_descendants(os.getpid())), signal.SIGKILL)
        return ReadJob(path, path.name)

    got = list(read_ahead(items, job_of, workers=2, max_page_pixels=40_000_000))
    assert [item for item, _ in got] == items
    failed = [n for n, (_, read) in enumerate(got) if isinstance(read, ReadFailure)]
    assert failed and all("读取进程意外退出" in got[n][1].reason for n in failed)  # type: ignore[union-attr]
    assert not isinstance(got[-1][1], ReadFailure) and got[-1][1].evaluations  # type: ignore[union-attr]
