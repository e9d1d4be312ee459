"""Table layouts real bureaus use (issue #16 item 5): parent rows inside the indicator table, a
header row repeated on a new page, and ``raw`` kept as exactly the cell's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Document, Paragraph, Table
from ingest.extract import extract_document
from ingest.forms.recognise import recognise_forms
from ingest.readers import read_document
from tests.ingest.test_recognise import MOF, SICHUAN, M, U, grid
from tests.support import real_forms

HEADER = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]

GROUPED = [
    *MOF[:8],
    HEADER,
    [U, "产出指标(50分)", "数量指标", "一、示范区建立", "", "", "15", "15", ""],
    [U, U, U, "1.建成示范区数量", "≥2个", "2个", "10", "10", ""],
    [U, U, U, "2.示范区验收合格率", "100%", "100%", "5", "5", ""],
    # the group's text merged across the level columns, a "—" left in its value cells
    [U, "（二）技术推广", M, M, "—", "—", "35", "34", ""],
    [U, "产出指标(50分)", "质量指标", "推广面积", "≥500亩", "520亩", "20", "20", ""],
    HEADER,  # the header repeated at the top of page 2
    [U, "产出指标(50分)", "质量指标", "培训农户", "≥200人次", "190人次", "15", "14", "部分农户外出务工"],
    [U, "效益指标（30分）", "社会效益", "带动农户增收", "≥5%", "6%", "30", "30", ""],
    [U, "满意度指标(10分)", "服务对象满意度", "农户满意度", "≥90%", "95%", "10", "10", ""],
    ["总分", M, M, M, M, M, "100", "98.5", M],
]


def _read(rows: list[list[object]]):
    doc = Document(name="g.docx", format="docx", blocks=[Paragraph("项目支出绩效自评表", 0), grid(rows)])
    (ev,) = recognise_forms(doc).evaluations
    return ev


def test_parent_rows_are_groups_over_their_children_not_indicators():
    ev = _read(GROUPED)
    assert [i.name for i in ev.indicators] == [
        "1.建成示范区数量", "2.示范区验收合格率", "推广面积", "培训农户", "带动农户增收", "农户满意度"]
    assert [(g.name, g.level1, g.weight, g.score) for g in ev.groups] == [
        ("一、示范区建立", "产出指标", 15.0, 15.0), ("（二）技术推广", "产出指标", 35.0, 34.0)]
    # the repeated header row neither ends the block nor the group
    assert [i.group for i in ev.indicators] == [
        "一、示范区建立", "一、示范区建立", "（二）技术推广", "（二）技术推广", None, None]
    assert [i.level1 for i in ev.indicators] == ["产出指标"] * 4 + ["效益指标", "满意度指标"]
    assert ev.groups[0].level2 == "数量指标" and ev.indicators[0].level2 == "数量指标"
    assert sum(i.weight for i in ev.indicators) == 90.0  # no parent weight counted twice
    loc = ev.groups[1].cells["weight"]
    assert (loc.row, loc.col, loc.field) == (12, 6, "evaluations[0].groups[1].weight")


def test_an_indicator_numbered_like_a_heading_with_a_target_stays_an_indicator():
    rows = [list(r) for r in GROUPED]
    rows[9] = [U, "产出指标(50分)", "数量指标", "一、示范区建立", "≥1个", "", "15", "15", ""]
    ev = _read(rows)
    assert ev.groups[0].name == "（二）技术推广" and ev.indicators[0].name == "一、示范区建立"
    assert ev.indicators[1].group is None


def test_a_level1_subtotal_row_is_no_group():
    # "产出指标 | | | | | 50" (a level-1 row of its own) keeps being the level's weight, as before
    rows = [*MOF[:9], [U, "产出指标", "", "", "", "", "50", "", ""], *MOF[9:]]
    ev = _read(rows)
    assert ev.groups == [] and len(ev.indicators) == 4


def _cell_text(tables: list[Table], loc) -> str:
    table = next(t for t in tables if t.index == loc.table)
    return table.text(loc.row, loc.col).strip()


def _assert_raw_is_cell_text(doc: Document) -> int:
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    checked = 0
    for ev in extract_document(doc).evaluations:
        for ind in ev.indicators:
            for key in ("target", "actual"):
                assert getattr(ind, key).raw == _cell_text(tables, ind.cells[key]), (ind.name, key)
                checked += 1
        assert ev.funds.rate.raw == ("" if "rate" not in ev.funds.cells else _cell_text(tables, ev.funds.cells["rate"]))
    return checked


FORMS = ["CHIZHOU_ENTRUSTED", "CHIZHOU_VILLAGE", "DAYING_ANKE", "QINGSHEN_WAGES", "LANGFANG_HEATING", "PARENT_ROWS"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("ext", ["xlsx", "docx"])
def test_raw_is_exactly_the_cell_text_on_real_forms(form, ext, tmp_path: Path):
    path = getattr(getattr(real_forms, form), f"write_{ext}")(tmp_path / f"{form}.{ext}")
    assert _assert_raw_is_cell_text(read_document(path)) > 0


def test_raw_is_the_cell_text_and_the_unit_says_where_it_came_from():
    doc = Document(name="b.xlsx", format="xlsx", blocks=[grid(SICHUAN)])
    assert _assert_raw_is_cell_text(doc) == 4
    first = recognise_forms(doc).evaluations[0].indicators[0]
    assert (first.target.raw, first.target.op, first.target.number, first.target.unit) == ("120", ">=", 120.0, "人")
    assert first.target.unit_source == first.actual.unit_source == "unit_column"
    rows = [list(r) for r in MOF]
    rows[9] = [U, "产出指标(50分)", "数量指标", "建成示范区(个)", "15", "15个", "30", "30", ""]
    ind = _read(rows).indicators[0]
    assert (ind.target.raw, ind.target.unit, ind.target.unit_source) == ("15", "个", "name_bracket")
    assert (ind.actual.raw, ind.actual.unit, ind.actual.unit_source) == ("15个", "个", "cell")
    assert ind.unit is None  # 度量单位 is the column's; this form has none
    blank = _read(MOF).indicators[3].actual
    assert (blank.raw, blank.unit, blank.unit_source) == ("效果明显", None, None)


@pytest.mark.parametrize("ext", ["xlsx", "docx"])
def test_a_form_with_parent_rows_is_read_right_from_files(ext, tmp_path: Path):
    path = getattr(real_forms.PARENT_ROWS, f"write_{ext}")(tmp_path / f"parent.{ext}")
    (ev,) = extract_document(read_document(path)).evaluations
    assert [(g.name, g.level1, g.level2, g.weight, g.score) for g in ev.groups] == [
        ("一、示范区建立", "产出指标", "数量指标", 15.0, 15.0), ("二、技术推广", "产出指标", "质量指标", 35.0, 33.5)]
    assert [(i.name, i.group) for i in ev.indicators] == [
        ("1.建成示范区数量", "一、示范区建立"), ("2.示范区面积(亩)", "一、示范区建立"),
        ("1.推广面积", "二、技术推广"), ("2.培训农户", "二、技术推广"), ("带动农户增收", None), ("农户满意度", None)]
    assert [i.weight for i in ev.indicators] == [10, 5, 20, 15, 30, 10]
    assert ev.block_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert ev.total_score == 98.5
    area = ev.indicators[1]
    assert (area.target.raw, area.target.unit, area.target.unit_source) == ("≥300", "亩", "name_bracket")


def _sichuan_without_row_labels(money_rows: list[list[object]]) -> Document:
    header = ["预算执行情况（10分）", "", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因", M]
    rows = [*SICHUAN[:2], header, *money_rows, *SICHUAN[5:]]
    return Document(name="s.xlsx", format="xlsx", blocks=[Paragraph("部门预算项目支出绩效自评表", 0), grid(rows)])


def test_a_funds_block_without_row_labels_is_read_by_position():
    # The block title merged down the first column, the row-label column left empty
    doc = _sichuan_without_row_labels([[U, "", "80", "90", "72", "80%", "10", "8", "", M]])
    (ev,) = recognise_forms(doc).evaluations
    (total,) = ev.funds.rows
    assert (total.category, total.name) == ("total", "")
    assert (total.budget_initial, total.budget_full_year, total.exec_amount) == (80.0, 90.0, 72.0)
    assert (ev.funds.weight, ev.funds.rate.number, ev.funds.score) == (10.0, 80.0, 8.0)
    loc = total.cells["exec_amount"]
    assert (loc.row, loc.col, loc.field) == (3, 4, "evaluations[0].funds.rows[0].exec_amount")
    assert ev.goal_planned.startswith("保障") and len(ev.indicators) == 2  # the rows after it are read as before


def test_unlabelled_funds_rows_after_the_first_are_sources_and_text_is_no_amount():
    doc = _sichuan_without_row_labels([
        [U, "", "80", "90", "72", "80%", "10", "8", "", M],
        [U, "", "80", "90", "72", "", "", "", "", M],
        [U, "", "资金按进度拨付", M, M, M, M, M, M, M],  # a merged note, no amounts
    ])
    (ev,) = recognise_forms(doc).evaluations
    assert [(r.category, r.budget_full_year) for r in ev.funds.rows] == [("total", 90.0), ("other", 90.0)]


def test_no_false_missing_funds_error_for_a_block_without_row_labels():
    from assistant.checker import check_submission, profile_for

    sub = extract_document(_sichuan_without_row_labels([[U, "", "80", "90", "72", "80%", "10", "8", "", M]]))
    rules = {f.rule for f in check_submission(sub, profile=profile_for(sub))}
    assert "MISSING-FUND-001" not in rules
    assert sub.evaluations[0].funds.total.exec_amount == 72.0


@pytest.mark.parametrize("ext", ["xlsx", "docx"])
def test_a_real_sichuan_form_with_its_money_row_labels_left_out(ext, tmp_path: Path):
    # 大英县 安可替代 as transcribed, with the 总额/其中:财政资金/… labels under 年度预算数(万元) removed
    form = real_forms.DAYING_ANKE
    cells = [c for c in form.cells if not (c[1] == 2 and 8 <= c[0] <= 12)]
    path = getattr(real_forms.RealForm(form.source, cells), f"write_{ext}")(tmp_path / f"daying.{ext}")
    (ev,) = extract_document(read_document(path)).evaluations
    assert [(r.category, r.budget_initial, r.budget_full_year, r.exec_amount) for r in ev.funds.rows] == [
        ("total", 0, 3.36, 3.36), ("other", 0, 3.36, 3.36), ("other", 0, 0, 0), ("other", 0, 0, 0)]
    assert (ev.funds.weight, ev.funds.rate.number, ev.funds.score) == (10, 100, 10)
    assert [i.name for i in ev.indicators] == ["完成安可产品购买并按要求支付资金"]


def test_a_pdf_table_split_across_pages_under_a_repeated_header(tmp_path: Path):
    # Page 2 starts with a repeat of the indicator header row, inside the second parent row's children
    doc = read_document(real_forms.PARENT_ROWS.write_pdf(tmp_path / "parent.pdf", split=True))
    (ev,) = extract_document(doc).evaluations
    assert [(i.name, i.group, i.cells["name"].page) for i in ev.indicators] == [
        ("1.建成示范区数量", "一、示范区建立", 1), ("2.示范区面积(亩)", "一、示范区建立", 1),
        ("1.推广面积", "二、技术推广", 2), ("2.培训农户", "二、技术推广", 2), ("带动农户增收", None, 2),
        ("农户满意度", None, 2)]
    assert [(g.name, g.weight, g.score) for g in ev.groups] == [("一、示范区建立", 15, 15), ("二、技术推广", 35, 33.5)]
    assert (ev.total_score, ev.block_weights["产出指标"]) == (98.5, 50)
    assert _assert_raw_is_cell_text(doc) == 12


@pytest.mark.parametrize("repeated", [True, False])
def test_an_indicator_table_continued_on_a_second_sheet(repeated: bool):
    # sheet 1 ends inside the second parent row's children; sheet 2 repeats the header row, or not
    second = [HEADER, *GROUPED[15:]] if repeated else [["绩效指标", *GROUPED[15][1:]], *GROUPED[16:]]
    doc = Document(name="g.xlsx", format="xlsx", blocks=[grid(GROUPED[:14], 0), grid(second, 1)])
    (ev,) = recognise_forms(doc).evaluations
    assert [(i.name, i.group, i.cells["name"].table) for i in ev.indicators] == [
        ("1.建成示范区数量", "一、示范区建立", 0), ("2.示范区验收合格率", "一、示范区建立", 0), ("推广面积", "（二）技术推广", 0),
        ("培训农户", "（二）技术推广", 1), ("带动农户增收", None, 1), ("农户满意度", None, 1)]
    assert ev.total_score == 98.5


def test_a_parent_row_in_the_level2_column():
    rows = [list(r) for r in GROUPED]
    rows[9] = [U, "产出指标(50分)", "一、示范区建立", "", "", "", "15", "", ""]
    rows[10][2] = rows[11][2] = ""  # its children leave 二级指标 empty
    ev = _read(rows)
    assert [(g.name, g.level1, g.level2, g.weight, g.score) for g in ev.groups][0] == (
        "一、示范区建立", "产出指标", None, 15.0, None)
    assert [(i.name, i.group, i.level2) for i in ev.indicators[:2]] == [
        ("1.建成示范区数量", "一、示范区建立", None), ("2.示范区验收合格率", "一、示范区建立", None)]


def test_raw_is_exactly_the_cell_text_on_the_synthetic_tables(synth_corpus: Path):
    files = [p for p in sorted(synth_corpus.iterdir())
             if p.suffix in (".docx", ".xlsx", ".pdf") and "_table_" in p.name and "scanned" not in p.name]
    assert len({p.suffix for p in files}) == 3  # every table format the corpus has without OCR
    assert sum(_assert_raw_is_cell_text(read_document(p)) for p in files) > 0
