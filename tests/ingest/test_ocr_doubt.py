"""Per-cell OCR confidence carried into the table, and a scan with doubtful figures marked 待核实."""

from __future__ import annotations

import pytest

from eval.real.forms import real_forms
from ingest.document import Cell, Document, Paragraph, Table
from ingest.extract import extract_document
from ingest.readers import ocr, read_document
from ingest.readers.ocr import TextBox, ocr_page_image
from ingest.readers.ocr.confidence import DOUBT_SCORE, doubt_reason, doubtful_cells, lowest_score
from tests.ingest.test_ocr import _ruled_image


def test_cell_confidence_is_its_least_sure_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ocr, "run_ocr", lambda _rgb: [
        TextBox("项目名称", 130, 120, 230, 150, 0.99),
        TextBox("98%", 540, 190, 600, 220, 0.62),
        TextBox("1,150", 700, 245, 800, 272, 0.97), TextBox(".50", 700, 276, 760, 303, 0.91),  # wrapped
    ])
    (table,) = [b for b in ocr_page_image(_ruled_image(), 1, 0, 0) if isinstance(b, Table)]
    assert table.rows[0][0].confidence == 0.99
    assert (table.text(1, 2), table.rows[1][2].confidence) == ("98%", 0.62)
    assert (table.text(2, 3), table.rows[2][3].confidence) == ("1,150.50", 0.91)
    assert table.rows[1][3].confidence is None  # empty cell: nothing read, nothing scored
    assert lowest_score([TextBox("≥", 0, 0, 1, 1)]) is None  # a sign from the glyph's shape has no score


def _scan(cells: list[tuple[str, float | None]]) -> Document:
    rows = [[Cell("一级指标", 0, 0, page=1, confidence=0.99), Cell("得分", 0, 1, page=1, confidence=0.99)]]
    rows += [[Cell(f"指标{i}", i + 1, 0, page=1, confidence=0.99), Cell(text, i + 1, 1, page=1, confidence=score)]
             for i, (text, score) in enumerate(cells)]
    return Document("scan.pdf", "pdf", [Paragraph("项目支出绩效自评表", 0, page=1), Table(0, rows, page=1, block=1, ocr=True)],
                    pages=1, scanned=True)


def test_only_figures_below_the_bar_are_doubtful():
    doc = _scan([("20", 0.99), ("295%", 0.55), ("高", 0.3), ("18", DOUBT_SCORE)])
    (cell,) = doubtful_cells(doc.tables)
    assert cell.text == "295%"  # a word read unsure is no figure; a figure at the bar is trusted
    assert doubt_reason(doc.tables) == "扫描件识别存疑，请对照原件核对：第1页表1第3行第2列“295%”（置信度 0.55）"
    assert doubt_reason(_scan([("20", 0.99)]).tables) is None
    many = doubt_reason(_scan([(str(i), 0.5) for i in range(7)]).tables)
    assert many.endswith("等 7 处") and many.count("置信度") == 5


def _form_as_scan(tmp_path, score: float) -> Document:
    """A real form's document as OCR would hand it over: every figure scored 0.99, one at ``score``
    (a count no equation of the form covers: figures the arithmetic confirms are
    tests/ingest/test_ocr_arithmetic.py's)."""
    form = next(f for f in real_forms() if f.id == "hn_hengshan_grain").form
    doc = read_document(form.write_docx(tmp_path / "form.docx"))
    doc.scanned = True
    cells = [c for t in doc.tables for row in t.rows for c in row]
    for t in doc.tables:
        t.ocr = True
    for c in cells:
        c.confidence = 0.99
    target = next(c for c in cells if c.text == "0起")
    target.confidence = score
    return doc


def test_a_scan_with_doubtful_figures_is_needs_review(tmp_path):
    sub = extract_document(_form_as_scan(tmp_path, 0.55))
    assert sub.evaluations and sub.status == "needs_review"
    assert "“0起”（置信度 0.55，表内无可核对的算术关系）" in (sub.status_reason or "")

    sure = extract_document(_form_as_scan(tmp_path, 0.97))
    assert sure.evaluations and "扫描件识别存疑" not in (sure.status_reason or "")
    not_scanned = _form_as_scan(tmp_path, 0.55)
    not_scanned.scanned = False
    assert "扫描件识别存疑" not in (extract_document(not_scanned).status_reason or "")


def test_a_letter_glued_to_a_figure_is_doubtful_whatever_its_score(tmp_path):
    # Measured on a scan: "≤90万元" read "s90万元" at 0.896, a score that passes the bar.
    (cell,) = doubtful_cells(_scan([("s90万元", 0.9), ("PM2.5", 0.99), ("90万元", 0.99)]).tables)
    assert cell.text == "s90万元"
    doc = _form_as_scan(tmp_path, 0.97)
    target = next(c for t in doc.tables for row in t.rows for c in row if c.text == "0起")
    target.text = "s0起"
    sub = extract_document(doc)
    assert sub.status == "needs_review"
    assert "“s0起”（置信度 0.97，数字前多出字母“s”，疑为符号误读）" in sub.status_reason
