"""The review through the real pipeline (issue 15 items 2, 3, 5): a corrected value survives
reading the file again, a corrected file for the same project becomes the next version, and files
that are no self-evaluation or were read unsure come out as 非自评材料 / 待核实."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import update

from assistant.review.corrections import CorrectionRequest, correct
from assistant.review.versions import diff_versions
from assistant.settings import Settings
from assistant.stores import open_stores
from assistant.stores.corrections import CorrectionStore
from assistant.stores.records import SubmissionReviewRow
from assistant.stores.versions import VersionStore
from ingest.pipeline import IngestOptions, ingest_paths
from tests.api.support import small_scan, with_text_replaced


def planted_score(corpus: Path) -> tuple[Path, dict]:
    """A .docx 自评表 with a planted over-score (CALC-IND-001) and its labels."""
    for labels in sorted(corpus.glob("*.labels.json")):
        data = json.loads(labels.read_text(encoding="utf-8"))
        if data["kind"] == "docx_table" and any(d["rule"] == "CALC-IND-001" for d in data["defects"]):
            return corpus / data["file"], data
    raise AssertionError("the corpus has no .docx table with a planted CALC-IND-001")


def ingest(stores, path: Path, **options) -> str:
    (result,) = ingest_paths([path], stores, IngestOptions(defer_vectors=True, **options)).files
    assert result.submission_id, result
    return result.submission_id


@pytest.fixture
def stores(tmp_path):
    s = open_stores(Settings(data_dir=tmp_path / "data"))
    yield s
    s.close()


def test_reading_the_file_again_keeps_a_correction(synth_corpus, stores):
    path, labels = planted_score(synth_corpus)
    defect = next(d for d in labels["defects"] if d["rule"] == "CALC-IND-001")
    field = defect["location"]["field"]
    sid = ingest(stores, path)
    assert any(f.rule == "CALC-IND-001" and f.location.field == field for f in stores.records.get_findings(sid))

    right = re.search(r"应为([0-9.]+)", defect["note"]).group(1)  # the score the label says is right
    done = correct(stores.records, CorrectionRequest(sid, field, right, "张审核"))
    assert "CALC-IND-001" in done.removed

    assert ingest(stores, path, force=True) == sid  # the same file read again
    i = int(field.split("indicators[")[1].split("]")[0])
    assert stores.records.get_submission(sid).evaluations[0].indicators[i].score == float(right)
    assert not any(f.rule == "CALC-IND-001" and f.location.field == field for f in stores.records.get_findings(sid))
    (kept,) = CorrectionStore(stores.records).active(sid)
    assert kept.field_path == field and kept.original == labels["expected"]["evaluations"][0]["indicators"][i]["score"]


def test_a_corrected_file_for_the_same_project_is_the_next_version(synth_corpus, stores, tmp_path):
    path, labels = planted_score(synth_corpus)
    first = ingest(stores, path)
    with stores.records.session() as s:  # sent back to the unit
        s.execute(update(SubmissionReviewRow).where(SubmissionReviewRow.submission_id == first).values(state="returned"))
    raw = labels["expected"]["evaluations"][0]["indicators"][1]["actual"]["raw"]
    second = ingest(stores, with_text_replaced(path, tmp_path / f"重报_{path.name}", raw, "100%"))

    link = VersionStore(stores.records).version(second)
    assert link is not None and (link.number, link.previous_id) == (2, first)
    with stores.records.session() as s:
        assert s.get(SubmissionReviewRow, first).state == "resubmitted"
    d = diff_versions(stores.records, second)
    assert ("evaluations[0].indicators[1].actual", raw, "100%") in [(c.field_path, c.old, c.new) for c in d.changes]

    third = ingest(stores, synth_corpus / "0009_docx_table_mof.docx", replaces=second)  # uploaded against it
    assert VersionStore(stores.records).version(third).previous_id == second


@pytest.mark.slow
@pytest.mark.ocr
def test_junk_other_documents_and_an_unsure_scan_come_out_as_such(stores, tmp_path):
    import docx

    junk = tmp_path / "hello.txt"
    junk.write_text("hello", encoding="utf-8")
    budget = tmp_path / "2024年部门预算支出表.docx"
    doc = docx.Document()
    doc.add_heading("2024年部门预算支出表", 1)
    rows = [("科目编码", "科目名称", "本年预算", "上年预算"), ("2050101", "行政运行", "1200.00", "1100.00"),
            ("2050201", "学前教育", "860.50", "800.00"), ("合计", "", "2060.50", "1900.00")]
    table = doc.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(budget)
    scan = small_scan(tmp_path / "扫描件.pdf")  # the top of a scanned form: no indicator table

    report = ingest_paths([junk, budget, scan], stores, IngestOptions(defer_vectors=True))
    got = {Path(f.name).name: stores.records.get_summary(f.submission_id).certainty for f in report.files}
    assert got == {"hello.txt": "not_evaluation", budget.name: "not_evaluation", "扫描件.pdf": "uncertain"}
    junk_id = report.files[0].submission_id
    assert stores.records.get_findings(junk_id) == []  # kept, never checked


def test_an_unreadable_scan_is_kept_as_uncertain_and_not_counted(stores, tmp_path):
    """A scan in which OCR finds no text is not lost as a failed file: it is stored as 待核实 with
    the reason and its original (for the reviewer to read), with nothing checked, and statistics
    name it instead of counting it."""
    from PIL import Image, ImageDraw

    from assistant.stats import year_statistics
    from ingest.pipeline import original_path

    image = Image.new("RGB", (850, 1100), "white")  # a grey smudge where a form should be
    ImageDraw.Draw(image).rectangle((200, 300, 650, 700), fill=(236, 236, 236))
    scan = tmp_path / "看不清的扫描件.pdf"
    image.save(scan, "PDF", resolution=100)

    (result,) = ingest_paths([scan], stores, IngestOptions(defer_vectors=True, year=2024, unit="某县卫生健康局")).files
    assert result.status == "needs_review" and result.submission_id
    assert "扫描件无法识别" in result.reason and "第1页" in result.reason
    summary = stores.records.get_summary(result.submission_id)
    assert summary.certainty == "uncertain" and summary.status_reason == result.reason
    assert stores.records.get_findings(result.submission_id) == []
    assert original_path(stores, result.submission_id, "pdf").read_bytes() == scan.read_bytes()
    st = year_statistics(stores.records, 2024, "unit:某县卫生健康局")
    assert st.figures["submissions"].value == 0 and st.uncertain == (result.submission_id,)
    again = ingest_paths([scan], stores, IngestOptions(defer_vectors=True)).files[0]
    assert again.status == "skipped" and again.submission_id == result.submission_id
