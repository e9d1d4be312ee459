"""One file → one :class:`Submission`: read it, recognise its forms and sections, decide its status.

This is the whole "read → extract" half of the pipeline for a single file, used by
``ziping extract`` (nothing stored), ``ziping check FILE`` and the batch pipeline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.model import FileInfo, Location, Section, Submission
from ingest.classify import classify
from ingest.document import Document
from ingest.errors import UnreadableScan
from ingest.forms.declaration import read_declaration
from ingest.forms.monitoring import read_monitoring
from ingest.forms.recognise import recognise_forms
from ingest.forms.sections import build_sections, report_header
from ingest.readers import read_document


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def submission_id(sha256: str) -> str:
    """Submissions are named by content: the same file always gets the same id."""
    return sha256[:16]


def extract_file(path: Path, *, name: str | None = None, max_bytes: int | None = None) -> Submission:
    """Read and recognise one file; raises :class:`ingest.errors.IngestError` if it cannot be read."""
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    doc = read_document(path, name=name, **kwargs)
    sha = file_sha256(path)
    sub = extract_document(doc)
    sub.id = submission_id(sha)
    sub.file.sha256 = sha
    sub.file.size = path.stat().st_size
    return sub


def extract_or_hold(path: Path, *, name: str | None = None, max_bytes: int | None = None) -> Submission:
    """:func:`extract_file` for the batch: a scan OCR could not read comes back as a 待核实
    submission with nothing read (:func:`unreadable_scan`) instead of an error, so it is kept."""
    try:
        return extract_file(path, name=name, max_bytes=max_bytes)
    except UnreadableScan as err:
        return unreadable_scan(path, err, name=name)


def unreadable_scan(path: Path, err: UnreadableScan, *, name: str | None = None) -> Submission:
    """A scan OCR could not read, kept as a 待核实 submission with nothing read from it: the
    reviewer sees it in the list with the reason and its original, and statistics leave it out
    (:mod:`assistant.review.certainty`) until someone corrects or replaces it."""
    sha = file_sha256(path)
    name = name or path.name
    sub = Submission(file=FileInfo(name=name, format=path.suffix.lower().lstrip("."), scanned=True,
                                   sha256=sha, size=path.stat().st_size),
                     status="needs_review",
                     status_reason=f"扫描件无法识别：{err.detail or err.zh}，请核对原件或要求重新扫描")
    sub.id = submission_id(sha)
    return sub


def extract_document(doc: Document) -> Submission:
    found = recognise_forms(doc)
    sections = build_sections(doc)
    if found.evaluations and not any(s.path for s in sections):
        sections = []  # only the form's title lines: not a narrative
    sub = Submission(
        file=FileInfo(name=doc.name, format=doc.format, pages=doc.pages, scanned=doc.scanned),
        evaluations=found.evaluations,
        sections=sections,
    )
    if found.evaluations:
        kinds = {ev.kind for ev in found.evaluations}
        sub.kind = "department" if kinds == {"department"} else "mixed" if sections else "table"
        first = found.evaluations[0]
        sub.unit = first.impl_unit or first.department
        sub.department = first.department
        sub.year = first.year
    elif sections:
        header = report_header(doc)
        sub.kind = "report"
        sub.unit, sub.year = header.unit, header.year
    if found.problems:
        sub.status, sub.status_reason = "needs_review", "；".join(found.problems)
    elif not found.evaluations and not sections:
        sub.status = "needs_review"
        sub.status_reason = "未识别到自评表或报告章节，版式未知，请人工核对"
    if doc.scanned:
        _flag_doubtful_ocr(doc, sub)
    sub.doc_type = classify(doc, sub)
    if not sub.doc_type.checked:
        _keep_as_text(doc, sub)
        _read_cycle_form(doc, sub)
    return sub


def _flag_doubtful_ocr(doc: Document, sub: Submission) -> None:
    """A scan with figures OCR was not sure of is 待核实, naming the cells — unless the form's
    own arithmetic confirms the figure or leaves exactly one reading of it
    (:mod:`ingest.forms.ocr_arithmetic`); a figure so corrected is named in the reason."""
    # imported here: only scans need them
    from ingest.forms.ocr_arithmetic import judge_doubtful
    from ingest.readers.ocr.confidence import doubt_reason, doubtful_cells

    cells = doubtful_cells(doc.tables)
    if not cells:
        return
    judged = judge_doubtful(sub, doc.tables, cells)
    notes = [sub.status_reason] if sub.status_reason else []
    if judged.corrected:
        notes.append("扫描件按表内算术更正：" + "，".join(
            f"“{cell.text}”→“{text}”（{why}）" for cell, text, why in judged.corrected))
    reason = doubt_reason(doc.tables, [c for c, _ in judged.doubtful], {id(c): w for c, w in judged.doubtful})
    if reason:
        sub.status = "needs_review"
        notes.append(reason)
    sub.status_reason = "；".join(notes) or None


def _read_cycle_form(doc: Document, sub: Submission) -> None:
    """A 绩效目标申报表 or 绩效监控表 is read as what it is (never as a self-evaluation), and
    names the unit, project and year it is linked by."""
    form = read_declaration(doc) if sub.doc_type.code == "goal_form" else \
        read_monitoring(doc) if sub.doc_type.code == "monitoring_form" else None
    if form is None:
        return
    if sub.doc_type.code == "goal_form":
        sub.declaration = form
    else:
        sub.monitoring = form
    sub.unit = form.impl_unit or form.department or sub.unit
    sub.department = form.department or sub.department
    sub.year = form.year or sub.year


def _keep_as_text(doc: Document, sub: Submission) -> None:
    """A file that is no self-evaluation keeps its text (sections, and each table as one
    section) so it can be searched, and no form: nothing in it is checked or counted."""
    sub.kind = "unknown"
    sub.evaluations = []
    sub.sections = build_sections(doc) + [
        Section(path=[f"表{t.index + 1}" + (f"（{t.sheet}）" if t.sheet else "")], level=1,
                text="\n".join("｜".join(c.text for c in row if not c.merged and c.text) for row in t.rows),
                location=Location(file=doc.name, page=t.page, table=t.index, sheet=t.sheet))
        for t in doc.tables]
    sub.status = "needs_review"
    sub.status_reason = (f"判定为{sub.doc_type.name}（{sub.doc_type.reason}），不是绩效自评材料："
                         "已入库可检索，不作为自评表或自评报告审核")
