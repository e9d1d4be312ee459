"""The batch pipeline and extraction against the synthetic labels, on a small fresh corpus."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.stores import open_stores
from eval.extraction import compare_submission, label_files
from ingest.extract import extract_file
from ingest.pipeline import IngestOptions, ingest_paths


def test_extract_of_every_digital_kind_equals_its_labels(synth_corpus: Path):
    kinds = set()
    for path, labels in label_files(synth_corpus):
        if labels["kind"] == "scanned_pdf":
            continue
        kinds.add(labels["kind"])
        wrong = [name for name, ok in compare_submission(labels["expected"], extract_file(path).to_dict()) if not ok]
        assert not wrong, f"{path.name}: {wrong}"
    assert {"docx_table", "xlsx_table", "pdf_table", "report_docx", "report_pdf"} <= kinds


@pytest.mark.slow
def test_scanned_pdf_numbers_survive_ocr(synth_corpus: Path):
    path, labels = next((p, lab) for p, lab in label_files(synth_corpus) if lab["kind"] == "scanned_pdf")
    sub = extract_file(path)
    assert sub.file.scanned
    got, want = sub.to_dict()["evaluations"][0], labels["expected"]["evaluations"][0]
    assert got["total_score"] == want["total_score"]
    assert [r["exec_amount"] for r in got["funds"]["rows"]] == [r["exec_amount"] for r in want["funds"]["rows"]]
    assert [i["score"] for i in got["indicators"]] == [i["score"] for i in want["indicators"]]
    assert [i["weight"] for i in got["indicators"]] == [i["weight"] for i in want["indicators"]]
    results = [ok for _, ok in compare_submission(labels["expected"], sub.to_dict())]
    assert sum(results) / len(results) >= 0.95


def _bad_inputs(folder: Path) -> dict[str, str]:
    """The bad inputs of the issue, each with the error code it must be reported with."""
    (folder / "empty.docx").write_bytes(b"")
    (folder / "renamed.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 512)
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(folder / "locked.pdf"), encrypt="secret")
    c.drawString(100, 750, "locked")
    c.save()
    with zipfile.ZipFile(folder / "evil.zip", "w") as z:
        z.writestr("../evil.txt", "一、基本情况\n越界文件。")
    return {"empty.docx": "文件为空", "renamed.pdf": "格式与扩展名不符", "corrupt.docx": "损坏",
            "locked.pdf": "加密", "evil.zip/../evil.txt": "不安全的路径"}


def test_ingest_stores_everything_skips_on_rerun_and_reports_bad_files(synth_corpus: Path, tmp_path: Path):
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    digital = [p for p, lab in label_files(synth_corpus) if lab["kind"] != "scanned_pdf"]
    first = ingest_paths(digital, stores, IngestOptions(defer_vectors=True))
    assert all(f.status in ("ok", "needs_review") for f in first.files), first.to_dict()
    assert stores.records.count_submissions() == len(digital)
    stored_before = {s.id: (s.sha256, s.updated_at) for s in stores.records.list_submissions()}
    findings_before = len(stores.records.get_findings())
    assert findings_before > 0

    bad = tmp_path / "bad"
    bad.mkdir()
    expected_reasons = _bad_inputs(bad)
    second = ingest_paths([*digital, bad], stores, IngestOptions(defer_vectors=True))
    by_name = {Path(f.name).name if "zip" not in f.name else f.name.split("bad/")[-1]: f for f in second.files}
    assert sum(f.status == "skipped" for f in second.files) == len(digital)
    for name, reason in expected_reasons.items():
        result = by_name[name]
        assert result.status == "failed" and reason in result.reason, (name, result.reason)
        assert "/" in result.reason  # Chinese / English
    # nothing already stored was harmed
    assert {s.id: (s.sha256, s.updated_at) for s in stores.records.list_submissions()} == stored_before
    assert len(stores.records.get_findings()) == findings_before
    assert not (tmp_path / "evil.txt").exists() and not (bad.parent / "evil.txt").exists()
    # the summary is the same JSON shape the CLI prints
    counts = json.loads(json.dumps(second.to_dict()))["counts"]
    assert counts == {"ok": 0, "needs_review": 0, "failed": len(expected_reasons), "skipped": len(digital)}
    stores.close()


def test_vectors_follow_records_and_resume(synth_corpus: Path, tmp_path: Path, vector_backend):
    stores = open_stores(vector_backend(tmp_path / "data"))
    report = next(p for p, lab in label_files(synth_corpus) if lab["kind"] == "report_docx")
    result = ingest_paths([report], stores, IngestOptions(defer_vectors=True))
    chunks = result.files[0].chunks
    assert chunks > 0 and len(stores.records.chunks_pending_embedding()) == chunks
    assert stores.fulltext.search("绩效", k=3)  # full text is searchable before any vector exists
    assert stores.sync_vectors() == chunks
    assert stores.vectors.count() == chunks and not stores.records.chunks_pending_embedding()
    stores.close()


def test_a_rerun_finishes_what_an_interrupted_run_left_undone(synth_corpus: Path, tmp_path: Path, stores_backend):
    """Without --force: the vectors of a run stopped before embedding, and the full text and kept
    original of a file whose records committed when the run died."""
    stores = open_stores(stores_backend(tmp_path / "data"))
    files = [p for p, lab in label_files(synth_corpus) if lab["kind"] in ("report_docx", "docx_table")][:2]
    first = ingest_paths(files, stores, IngestOptions(defer_vectors=True))  # as if killed before embedding
    chunks = {f.submission_id: f.chunks for f in first.files}
    assert len(chunks) == 2 and all(chunks.values())
    # the second file died between the records commit and the full-text write / original copy
    lost = first.files[1]
    stores.fulltext.delete_submission(lost.submission_id)
    original = next(stores.settings.files_dir.glob(f"{lost.submission_id}.*"))
    original.unlink()

    again = ingest_paths(files, stores, IngestOptions())
    assert [f.status for f in again.files] == ["skipped", "skipped"]
    assert "已补全全文索引、原件" in again.files[1].reason and "补全" not in again.files[0].reason
    assert again.embedded == sum(chunks.values())
    assert sorted(stores.fulltext.chunk_ids([lost.submission_id])) == sorted(
        c.id for c in stores.records.chunks_for_submission(lost.submission_id))
    assert original.read_bytes() == files[1].read_bytes()
    assert stores.vectors.count() == sum(chunks.values()) and not stores.records.chunks_pending_embedding()
    # a third run has nothing left to do
    third = ingest_paths(files, stores, IngestOptions())
    assert third.embedded == 0 and all("补全" not in f.reason for f in third.files)
    stores.close()


@pytest.mark.chroma
def test_a_chroma_server_down_stores_the_files_and_a_rerun_embeds_them_when_it_is_back(
        synth_corpus: Path, tmp_path: Path, chroma_url: str):
    from assistant.stores import VectorStoreUnavailable
    from tests.support.chroma import fresh_collection
    from tests.support.postgres import _free_port

    collection = fresh_collection()
    down = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{_free_port()}",
                    chroma_collection=collection)
    report_file = next(p for p, lab in label_files(synth_corpus) if lab["kind"] == "report_docx")
    stores = open_stores(down)
    first = ingest_paths([report_file], stores, IngestOptions())
    [stored] = first.files
    assert stored.status in ("ok", "needs_review") and stored.chunks > 0  # stored all the same
    assert "无法连接向量库" in first.vectors_error and first.embedded == 0
    assert len(stores.records.chunks_pending_embedding()) == stored.chunks
    assert stores.fulltext.search("绩效", k=1)
    with pytest.raises(VectorStoreUnavailable, match="请确认服务已启动"):
        stores.vectors.count()
    stores.close()

    up = Settings(data_dir=tmp_path / "data", chroma_url=chroma_url, chroma_collection=collection)
    stores = open_stores(up)
    again = ingest_paths([report_file], stores, IngestOptions())
    assert again.files[0].status == "skipped" and again.vectors_error is None
    assert again.embedded == stored.chunks == stores.vectors.count()
    stores.close()
