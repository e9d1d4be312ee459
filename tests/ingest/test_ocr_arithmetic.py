"""A scan's doubtful figures judged by the form's own arithmetic: confirmed when an equation holds
with them, corrected when exactly one one-glyph reading makes it hold, else 待核实 with the reason.

The documents are real forms read from their docx and handed over as OCR would (every cell scored
0.99, the cells under test lower): no OCR runs here."""

from __future__ import annotations

from pathlib import Path

from eval.real.forms import real_forms
from ingest.document import Cell, Document
from ingest.extract import extract_document
from ingest.readers import read_document


def _as_scan(tmp_path: Path, form_id: str) -> Document:
    form = next(f for f in real_forms() if f.id == form_id).form
    doc = read_document(form.write_docx(tmp_path / f"{form_id}.docx"))
    doc.scanned = True
    for t in doc.tables:
        t.ocr = True
        for row in t.rows:
            for c in row:
                c.confidence = 0.99
    return doc


def _cell(doc: Document, row: int, col: int) -> Cell:
    """The cell at the form file's 1-based ``row``/``col`` (one table; docx keeps the grid)."""
    (table,) = doc.tables
    return next(c for c in table.rows[row - 1] if c.col == col - 1 and not c.merged)


def test_a_lone_zero_the_scores_add_up_with_is_not_doubtful(tmp_path):
    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    zero = _cell(doc, 7, 9)  # the funds' 得分 "0": Σ得分 = 90 = 总分 with it
    assert zero.text == "0"
    zero.confidence = 0.62
    sub = extract_document(doc)
    assert "扫描件识别存疑" not in (sub.status_reason or "")
    assert sub.evaluations[0].funds.score == 0


def test_a_misread_score_is_corrected_when_one_reading_fits(tmp_path):
    doc = _as_scan(tmp_path, "yn_yongde_nutrition")
    sub = extract_document(doc)
    ind = sub.evaluations[0].indicators[2]  # 资金到位及时率: 7 of 10
    loc = ind.cells["score"]
    cell = next(c for c in doc.tables[loc.table].rows[loc.row] if c.col == loc.col)
    assert cell.text == "7"
    cell.text, cell.confidence = "1", 0.61  # 7 read as 1: Σ得分 is 90, 总分 96
    sub = extract_document(doc)
    assert sub.evaluations[0].indicators[2].score == 7
    assert sub.status != "needs_review"
    assert "扫描件按表内算术更正：“1”→“7”（各项得分之和与总分不符）" in sub.status_reason

    cell.text = "71"  # a glyph too many, and 71 is over its 分值 10: 7 is the one reading
    sub = extract_document(doc)
    assert sub.evaluations[0].indicators[2].score == 7

    cell.text = "12"  # the sum wants 7, two glyphs away from 12: no reading fits, nothing is changed
    sub = extract_document(doc)
    assert sub.evaluations[0].indicators[2].score == 12 and sub.status == "needs_review"
    assert "“12”（置信度 0.61，各项得分之和与总分不符）" in sub.status_reason


def test_two_doubtful_scores_that_do_not_add_up_stay_doubtful(tmp_path):
    doc = _as_scan(tmp_path, "yn_yongde_nutrition")
    sub = extract_document(doc)
    cells = []
    for i, text in ((2, "1"), (5, "3")):  # 7 → 1 and 9 → 3: two unknowns, many readings fit
        loc = sub.evaluations[0].indicators[i].cells["score"]
        cell = next(c for c in doc.tables[loc.table].rows[loc.row] if c.col == loc.col)
        cell.text, cell.confidence = text, 0.6
        cells.append(cell)
    sub = extract_document(doc)
    assert sub.status == "needs_review"
    assert "“1”（置信度 0.60，各项得分之和与总分不符，同表另有存疑数字，无法单独更正）" in sub.status_reason
    assert sub.evaluations[0].indicators[2].score == 1  # left as read for the reviewer


def test_a_percent_read_with_2_for_the_sign_is_corrected_in_a_rate_column(tmp_path):
    doc = _as_scan(tmp_path, "yn_yongde_nutrition")
    sub = extract_document(doc)
    loc = sub.evaluations[0].indicators[7].cells["target"]  # 学生满意度 ≧95%
    cell = next(c for c in doc.tables[loc.table].rows[loc.row] if c.col == loc.col)
    cell.text, cell.confidence = "295%", 0.55
    sub = extract_document(doc)
    target = sub.evaluations[0].indicators[7].target
    assert (target.op, target.number, target.unit) == (">=", 95, "%")
    assert "“295%”→“≥95%”（百分率超过 100%）" in sub.status_reason and sub.status != "needs_review"


def test_a_figure_no_equation_covers_stays_doubtful(tmp_path):
    doc = _as_scan(tmp_path, "yn_yongde_nutrition")
    sub = extract_document(doc)
    loc = sub.evaluations[0].indicators[0].cells["actual"]  # 735人次: a count, nothing adds it up
    cell = next(c for c in doc.tables[loc.table].rows[loc.row] if c.col == loc.col)
    cell.confidence = 0.7
    sub = extract_document(doc)
    assert sub.status == "needs_review"
    assert f"“{cell.text}”（置信度 0.70，表内无可核对的算术关系）" in sub.status_reason


def test_funds_figures_the_rate_confirms_are_not_doubtful(tmp_path):
    doc = _as_scan(tmp_path, "hn_hengshan_grain")
    first = next(c for t in doc.tables for row in t.rows for c in row if c.text == "194.9")
    first.confidence = 0.55  # the total row's 全年预算数: 194.9 ÷ 194.9 = 100% as filled in
    assert "扫描件识别存疑" not in (extract_document(doc).status_reason or "")


def test_a_doubtful_figure_the_record_does_not_read_is_passed_over(tmp_path):
    doc = _as_scan(tmp_path, "he_langfang_heating")
    zero = _cell(doc, 26, 9)  # "0" in 偏差原因分析及改进措施: no field is read from it
    assert zero.text == "0"
    zero.confidence = 0.51
    assert "扫描件识别存疑" not in (extract_document(doc).status_reason or "")


def test_an_empty_template_row_does_not_stop_the_sum(tmp_path):
    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")  # its 经济效益 row is left empty (neither 分值 nor 得分)
    sub = extract_document(doc)
    loc = sub.evaluations[0].indicators[8].cells["score"]
    cell = next(c for c in doc.tables[loc.table].rows[loc.row] if c.col == loc.col)
    cell.text, cell.confidence = "106", 0.54  # measured on the sealed scan: 10 and a bit of the seal's ring
    sub = extract_document(doc)
    assert sub.evaluations[0].indicators[8].score == 10 and sub.status != "needs_review"
    assert "“106”→“10”（各项得分之和与总分不符）" in sub.status_reason


def _doubt(doc: Document, *cells: tuple[int, int], score: float = 0.6) -> None:
    for row, col in cells:
        _cell(doc, row, col).confidence = score


def test_a_zero_rate_beside_a_zero_spending_is_confirmed(tmp_path):
    """0 ÷ any 预算数 is 0: a 0 执行率 read unsure beside a 0 执行数 read sure needs no look, nor a
    0 执行数 beside a sure 0 执行率 (the funds' total row of ah_chizhou_entrusted reads 0 | 0 | 0)."""
    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    assert [_cell(doc, 7, c).text for c in (4, 5, 6, 8)] == ["0", "0", "0", "0"]
    _doubt(doc, (7, 8))
    assert "扫描件识别存疑" not in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    _doubt(doc, (7, 6))
    assert "扫描件识别存疑" not in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    _doubt(doc, (7, 6), (7, 8))  # both unsure: neither vouches for the other
    reason = extract_document(doc).status_reason or ""
    assert "第7行第6列“0”" in reason and "第7行第8列“0”" in reason

    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    _cell(doc, 7, 6).text = "8"  # something was spent: a 0 执行率 is no longer implied
    _doubt(doc, (7, 8))
    assert "第7行第8列“0”（置信度 0.60，表内无可核对的算术关系）" in (extract_document(doc).status_reason or "")


def test_a_full_year_budget_equal_to_the_sure_initial_budget_is_confirmed(tmp_path):
    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    _doubt(doc, (7, 5))  # 全年预算数 "0" unsure, 年初预算数 "0" sure
    assert "扫描件识别存疑" not in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    _doubt(doc, (7, 4), (7, 5))
    assert "第7行第5列“0”" in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_chizhou_entrusted")
    _cell(doc, 7, 5).text = "6"  # differs from the 年初预算数: nothing vouches for it
    _doubt(doc, (7, 5))
    assert "第7行第5列“6”" in (extract_document(doc).status_reason or "")


def test_a_target_met_exactly_on_a_full_marks_row_is_confirmed(tmp_path):
    """新建省级中心村数量 ≥10 | 10 | 分值 10 | 得分 10: full marks says the target was met, and the
    sure 实际完成值 says at 10 — a 指标值 "≥10" read unsure is confirmed, nothing else is.
    (An unsure 实际完成值 equal to the target stays doubtful: test_a_figure_no_equation_covers_stays_doubtful.)"""
    doc = _as_scan(tmp_path, "ah_jinzhai_village_dept")
    assert [_cell(doc, 15, c).text for c in (5, 6, 7, 8)] == ["≥10", "10", "10", "10"]
    _doubt(doc, (15, 5))
    assert "扫描件识别存疑" not in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_jinzhai_village_dept")
    _doubt(doc, (15, 6))  # an unsure 实际完成值: above a "≥" target full marks too, so not borne out
    assert "第15行第6列“10”" in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_jinzhai_village_dept")
    _doubt(doc, (15, 5), (15, 6))  # the 实际完成值 unsure too
    assert "第15行第5列“≥10”" in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_jinzhai_village_dept")
    _cell(doc, 15, 5).text = "≥16"  # a different figure from the 实际完成值
    _doubt(doc, (15, 5))
    assert "第15行第5列“≥16”" in (extract_document(doc).status_reason or "")

    doc = _as_scan(tmp_path, "ah_jinzhai_village_dept")
    _cell(doc, 15, 8).text = "8"  # not full marks: the target may not have been met
    _doubt(doc, (15, 5))
    assert "第15行第5列“≥10”" in (extract_document(doc).status_reason or "")


def test_a_weight_is_not_corrected_into_the_tables_outlier(tmp_path):
    # A real 部门整体 form whose indicator 分值 add up to 20 (3, 3, 3, 4, 2, 5), not 100: a doubtful
    # "3" is one glyph from 83, the value that would make them 100 — a form that does not add up,
    # not a misread glyph. The 3 stays, doubtful, for a person.
    doc = _as_scan(tmp_path, "ah_shouxian_department")
    sub = extract_document(doc)
    ind = sub.evaluations[0].indicators[0]
    assert ind.weight == 3
    loc = ind.cells["weight"]
    cell = next(c for c in doc.tables[loc.table].rows[loc.row] if c.col == loc.col)
    cell.confidence = 0.6
    sub = extract_document(doc)
    assert sub.evaluations[0].indicators[0].weight == 3
    assert "“3”→“83”" not in (sub.status_reason or "")
    assert sub.status == "needs_review" and "“3”（置信度 0.60，各项分值之和不是 100）" in sub.status_reason
