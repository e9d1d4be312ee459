"""``ziping doctor``: drift between the records, the full text, the vectors and the data directory is
found, reported (Chinese and JSON, exit 1) and repaired — on the embedded vector store and on a
real Chroma server. The drift is made by hand, one of each kind, on real ingested files."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.settings import get_settings
from assistant.stores import StoredChunk, open_stores
from eval.extraction import label_files
from ingest.doctor import diagnose, repair
from ingest.pipeline import IngestOptions, ingest_paths
from ingest.scratch import LOCK_NAME, scratch_dir, scratch_root
from tests.assistant.answer.ask_support import BigramEmbeddings


@pytest.fixture
def ingested(synth_corpus: Path, tmp_path: Path, stores_backend, monkeypatch, request):
    """Two real files ingested with vectors; the system temp dir is the test's own (the doctor
    also looks there for what old versions left). The CLI test embeds with the product's own
    embedder (its repair runs in the CLI), the others with a quick stand-in."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "systmp"))
    (tmp_path / "systmp").mkdir()
    settings = stores_backend(tmp_path / "data")
    stores = open_stores(settings, embeddings=None if "cli" in request.node.name else BigramEmbeddings())
    files = [p for p, lab in label_files(synth_corpus) if lab["kind"] in ("report_docx", "docx_table")][:2]
    report = ingest_paths(files, stores, IngestOptions())
    assert report.embedded == sum(f.chunks for f in report.files) > 0
    yield stores, [f.submission_id for f in report.files], files
    stores.close()


def _plant_drift(stores, a: str, b: str) -> dict[str, object]:
    """One of each kind of drift; returns what was planted."""
    a_chunks = stores.records.chunks_for_submission(a)
    b_chunks = stores.records.chunks_for_submission(b)
    stores.fulltext.delete_submission(b)  # killed between the records commit and the full text
    ghost = StoredChunk(id="ghost00000000000:section:0", submission_id="ghost00000000000", kind="section",
                        text="没有记录的片段，预算执行率100%。", metadata={})
    stores.fulltext.add([ghost])
    assert "ghost00000000000:section:0" in [cid for cid, _ in stores.fulltext.search("没有记录的片段", k=100)]
    stores.vectors.delete([a_chunks[0].id, a_chunks[1].id])  # vectors lost
    stores.records.mark_embedded([b_chunks[0].id], False)  # waiting for its vector
    stores.vectors.add([ghost])
    files = stores.settings.files_dir
    (files / "ghost00000000000.pdf").write_bytes(b"%PDF-1.4 orphan")
    (files / f".{b}.docx.partial").write_bytes(b"half")
    original_a = next(files.glob(f"{a}.*"))
    kept = original_a.read_bytes()
    original_a.unlink()
    leftover = scratch_root(stores.settings.data_dir) / "unpack-killed"
    leftover.mkdir(parents=True)
    (leftover / LOCK_NAME).write_text("12345\n")  # its owner died: nobody holds the lock
    (leftover / "member.docx").write_bytes(b"x")
    legacy = Path(tempfile.gettempdir()) / "ziping-unpack-old"
    legacy.mkdir()
    os.utime(legacy, (0, 0))  # from before lock files, days old
    return {"a_missing": {a_chunks[0].id, a_chunks[1].id}, "b_waiting": b_chunks[0].id, "b_all": len(b_chunks),
            "original_a": original_a, "kept": kept, "leftover": leftover, "legacy": legacy}


def test_doctor_finds_each_drift_repairs_it_and_finds_nothing_after(ingested):
    stores, (a, b), _files = ingested
    clean = diagnose(stores)
    assert clean.drift == [] and clean.clean and clean.busy == []
    assert clean.totals.chunks == clean.totals.fulltext == clean.totals.vectors > 0
    planted = _plant_drift(stores, a, b)

    with scratch_dir(scratch_root(stores.settings.data_dir)) as live:  # a running ingest's folder
        report = diagnose(stores)
        assert str(live) in report.busy
        assert all(d.path != str(live) for d in report.drift)
    by_kind = {}
    for d in report.drift:
        by_kind.setdefault(d.kind, []).append(d)
    assert sorted(by_kind) == ["fulltext_missing", "fulltext_orphan", "original_missing", "original_orphan",
                               "partial_file", "scratch_leftover", "vector_missing", "vector_orphan"]
    [ft_missing] = by_kind["fulltext_missing"]
    assert ft_missing.submission_id == b and len(ft_missing.chunk_ids) == planted["b_all"]
    assert [(d.submission_id, d.chunk_ids) for d in by_kind["fulltext_orphan"]] == [
        ("ghost00000000000", ["ghost00000000000:section:0"])]
    missing = {d.submission_id: set(d.chunk_ids) for d in by_kind["vector_missing"]}
    assert missing == {a: planted["a_missing"], b: {planted["b_waiting"]}}
    assert [d.chunk_ids for d in by_kind["vector_orphan"]] == [["ghost00000000000:section:0"]]
    assert [d.submission_id for d in by_kind["original_missing"]] == [a]
    assert {d.path for d in by_kind["scratch_leftover"]} == {str(planted["leftover"]), str(planted["legacy"])}
    assert not report.clean
    assert "有 " in ft_missing.message and "个片段不在全文索引中" in ft_missing.message

    repair(stores, report)
    assert [d.kind for d in report.remaining] == ["original_missing"]  # only the file itself can restore it
    done = {r.kind: r for r in report.repaired}
    assert done["vector_missing"].count == 3 and done["fulltext_missing"].count == planted["b_all"]
    assert not done["original_missing"].done and "ziping ingest" in done["original_missing"].message
    assert not planted["leftover"].exists() and not planted["legacy"].exists()
    assert not (stores.settings.files_dir / "ghost00000000000.pdf").exists()
    # the repaired stores answer again
    assert set(stores.fulltext.chunk_ids([b])) == {c.id for c in stores.records.chunks_for_submission(b)}
    assert stores.vectors.count() == len(stores.records.chunk_index())
    assert "ghost00000000000:section:0" not in [cid for cid, _ in stores.fulltext.search("没有记录的片段", k=100)]

    planted["original_a"].write_bytes(planted["kept"])
    assert diagnose(stores).drift == []


def test_doctor_cli_reports_in_chinese_and_json_and_exits_1_until_repaired(ingested, monkeypatch):
    stores, (a, b), files = ingested
    settings = stores.settings
    for key, value in (("ZIPING_DATA_DIR", settings.data_dir), ("ZIPING_CHROMA_URL", settings.chroma_url),
                       ("ZIPING_CHROMA_COLLECTION", settings.chroma_collection),
                       ("ZIPING_DATABASE_URL", settings.database_url)):
        if value is not None:
            monkeypatch.setenv(key, str(value))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        ok = runner.invoke(app, ["doctor"])
        assert ok.exit_code == 0, ok.output
        assert "没有发现问题" in ok.stdout and "材料 2 份" in ok.stdout

        stores.fulltext.delete_submission(b)
        stores.vectors.delete([stores.records.chunks_for_submission(a)[0].id])
        found = runner.invoke(app, ["doctor", "--json"])
        assert found.exit_code == 1
        data = json.loads(found.stdout)
        assert data["clean"] is False and data["counts"] == {"fulltext_missing": 1, "vector_missing": 1}
        assert {d["submission_id"] for d in data["drift"]} == {a, b} and "repaired" not in data
        text = runner.invoke(app, ["doctor"])
        assert text.exit_code == 1 and "发现 2 处不一致" in text.stdout and "ziping doctor --repair" in text.stdout

        fixed = runner.invoke(app, ["doctor", "--repair"])
        assert fixed.exit_code == 0, fixed.output
        assert "已重新生成 1 个片段的向量" in fixed.stdout and "修复后复查：三个库一致" in fixed.stdout
        again = runner.invoke(app, ["doctor", "--json"])
        assert again.exit_code == 0 and json.loads(again.stdout)["drift"] == []
    finally:
        get_settings.cache_clear()


def test_a_queued_jobs_upload_folder_is_no_leftover(ingested):
    """An upload handed to its job has no lock (no live process fills it) until a worker reads it:
    the doctor leaves it alone while the job waits, and names it once the job has ended."""
    from assistant.stores.jobs import JobStore

    stores, _ids, _files = ingested
    jobs = JobStore(stores.records.engine)
    job = jobs.enqueue("ingest", "审核员", {})
    folder = stores.settings.data_dir / "uploads" / job.id
    (folder / "1").mkdir(parents=True)
    (folder / "1" / "报告.md").write_text("# 自评报告", encoding="utf-8")
    os.utime(folder, (0, 0))
    assert all(d.path != str(folder) for d in diagnose(stores).drift)
    orphan = stores.settings.data_dir / "uploads" / "job-that-never-was"
    orphan.mkdir()
    os.utime(orphan, (0, 0))
    assert str(orphan) in {d.path for d in diagnose(stores).drift if d.kind == "scratch_leftover"}
