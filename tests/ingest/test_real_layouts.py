"""Layouts seen on published forms (issue #16 item 5, issue #21 item 2): each a general rule with a
small table of its own, and the published forms that showed it read with every labelled field right."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.real.forms import form
from eval.real_eval import compare_fields
from ingest.document import Document, Paragraph
from ingest.extract import extract_document
from ingest.forms.recognise import recognise_forms
from ingest.readers import read_document
from tests.ingest.test_recognise import MOF, M, U, grid
from tests.support import real_forms

TOP = ["绩效指标", M, M, "年度指标值", M, M, "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
LOW = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", U, U, U, U]
ROWS = [
    ["产出指标", "数量指标", "学生受资助人数", "≧", "735", "人次", "735", "10", "10", ""],
    [U, "质量指标", "政策知晓率", "﹦", "100", "%", "98%", "10", "9", ""],
    ["满意度指标", "服务对象满意度", "家长满意度", "═", "95", "%", "100%", "10", "10", ""],
]


def _read(rows: list[list[object]], title: str = "项目支出绩效自评表"):
    doc = Document(name="t.xlsx", format="xlsx", blocks=[Paragraph(title, 0), grid(rows)])
    (ev,) = recognise_forms(doc).evaluations
    return ev


def _head(width: int) -> list[list[object]]:
    return [["项目名称", "义务教育营养改善计划", *[M] * (width - 2)],
            ["主管部门", "某县教育体育局", M, M, M, "实施单位", "某县中学", *[M] * (width - 7)]]


@pytest.mark.parametrize("merged_down", [True, False])
def test_a_two_row_indicator_header_takes_the_upper_rows_columns(merged_down: bool):
    low = LOW if merged_down else [*LOW[:6], "", "", "", ""]
    ev = _read([*_head(10), TOP, low, *ROWS])
    assert [(i.name, i.actual.raw, i.weight, i.score) for i in ev.indicators] == [
        ("学生受资助人数", "735", 10, 10), ("政策知晓率", "98%", 10, 9), ("家长满意度", "100%", 10, 10)]
    # 指标值 of the lower row, not 年度指标值 over three columns, is the target
    assert [i.target.raw for i in ev.indicators] == ["735", "100", "95"]
    assert ev.indicators[1].cells["actual"].col == 6


def test_the_small_and_box_drawing_equals_signs_of_the_nature_column_are_equals():
    ev = _read([*_head(10), TOP, LOW, *ROWS])
    assert [(i.target.op, i.target.number, i.target.unit) for i in ev.indicators] == [
        (">=", 735, "人次"), ("=", 100, "%"), ("=", 95, "%")]
    assert [i.target.raw for i in ev.indicators] == ["735", "100", "95"]  # raw stays the cell's text


def test_the_upper_header_row_repeated_on_a_new_page_adds_no_indicator():
    ev = _read([*_head(10), TOP, LOW, *ROWS[:2], TOP, LOW, ROWS[2]])
    assert [i.name for i in ev.indicators] == ["学生受资助人数", "政策知晓率", "家长满意度"]


def test_a_free_note_row_ends_the_block_and_the_grade_after_the_total_is_read():
    rows = [*_head(10), TOP, LOW, *ROWS,
            ["其他需要说明事项", M, M, "无", M, M, M, M, M, M],
            ["总分", M, M, M, M, M, M, "100", "96", "优"]]
    ev = _read(rows)
    assert len(ev.indicators) == 3
    assert (ev.total_score, ev.grade) == (96, "优")
    assert (ev.cells["grade"].row, ev.cells["grade"].col) == (8, 9)


def test_a_weight_column_per_level_gives_the_indicator_the_one_right_of_its_name():
    rows = [
        ["服务贸易项目绩效自评表", M, M, M, M, M, M],
        ["项目实施单位", "省商务厅服务贸易处", M, M, "主管部门", "省商务厅", M],
        ["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "得分"],
        ["项目决策", "20", "项目目标", "4", "目标内容", "4", "4"],
        [U, U, "决策过程", "16", "决策依据", "16", "15"],
        ["项目管理", "25", "资金到位", "25", "到位率", "25", "25"],
    ]
    doc = Document(name="h.xlsx", format="xlsx", blocks=[grid(rows)])
    (ev,) = recognise_forms(doc).evaluations
    assert [(i.name, i.weight, i.score) for i in ev.indicators] == [
        ("目标内容", 4, 4), ("决策依据", 16, 15), ("到位率", 25, 25)]
    assert ev.block_weights == {"项目决策": 20, "项目管理": 25}
    # no 项目名称 row: the title names the project, at the title's cell
    assert ev.project_name == "服务贸易项目"
    assert (ev.cells["project_name"].row, ev.cells["project_name"].col) == (0, 0)


def test_the_project_name_leaves_out_a_form_title_after_it_and_a_template_title_names_none():
    rows = [list(r) for r in MOF]
    rows[0] = ["项目名称", "2020年省级卫片执法补助经费支出绩效自评表", *[M] * 7]
    assert _read(rows).project_name == "2020年省级卫片执法补助经费"
    rows[0] = ["项目类别", "专项", *[M] * 7]
    assert _read(rows, "2022年度项目支出绩效自评表").project_name is None


def _indicator_table(*rows: list[object]) -> list[list[object]]:
    header = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    return [*MOF[:8], header, *rows]


def test_a_parent_row_whose_values_total_its_children_is_a_group():
    ev = _read(_indicator_table(
        [U, "产出指标", "数量指标", "一、示范区建立", "≧20000亩", "20000亩", "", "15", ""],
        [U, U, U, "1、水稻侧深施肥", "≧500亩", "500亩", "", "5", ""],
        [U, U, U, "2、玉米种肥同播", "≧1000亩", "1000亩", "", "5", ""],
        [U, U, U, "3、施用配方肥", "≧18500亩", "18500亩", "", "5", ""],
        [U, U, U, "二、土样植株化验", "≧60个", "105个", "", "5", ""],  # no children: an indicator
        [U, U, "质量指标", "配方肥到位率", "≧80%", "85.6%", "", "10", ""],
    ))
    assert [(g.name, g.score) for g in ev.groups] == [("一、示范区建立", 15)]
    assert [(i.name, i.group) for i in ev.indicators] == [
        ("1、水稻侧深施肥", "一、示范区建立"), ("2、玉米种肥同播", "一、示范区建立"), ("3、施用配方肥", "一、示范区建立"),
        ("二、土样植株化验", None), ("配方肥到位率", None)]


def test_a_parent_row_whose_children_do_not_add_up_stays_an_indicator():
    ev = _read(_indicator_table(
        [U, "产出指标", "数量指标", "一、示范区建立", "≧20000亩", "20000亩", "", "15", ""],
        [U, U, U, "1、水稻侧深施肥", "≧500亩", "500亩", "", "5", ""],
        [U, U, U, "2、玉米种肥同播", "≧1000亩", "1000亩", "", "5", ""],
    ))
    assert ev.groups == [] and len(ev.indicators) == 3


def test_detail_rows_under_an_indicator_are_no_indicators_and_a_marker_is_no_part_of_a_name():
    ev = _read(_indicator_table(
        [U, "产出指标(50分)", "数量指标", "★补助瓜果蔬菜种植面积", "29.5亩", "29.5亩", "20", "20", ""],
        [U, U, U, "其中桃树种植面积", "1.5亩", "1.5亩", "", "", ""],
        [U, U, U, "其中：露天蔬菜", "28亩", "28亩", "", "", ""],
        [U, U, U, "★补助鱼塘面积", "3亩", "3亩", "10", "10", ""],
    ))
    assert [(i.name, i.weight) for i in ev.indicators] == [("补助瓜果蔬菜种植面积", 20), ("补助鱼塘面积", 10)]


def test_a_detail_row_with_a_weight_of_its_own_is_an_indicator():
    ev = _read(_indicator_table(
        [U, "产出指标(50分)", "数量指标", "补助种植面积", "29.5亩", "29.5亩", "20", "20", ""],
        [U, U, U, "其中桃树种植面积", "1.5亩", "1.5亩", "5", "5", ""],
    ))
    assert [i.name for i in ev.indicators] == ["补助种植面积", "其中桃树种植面积"]


def test_a_sign_and_unit_in_the_names_bracket_apply_to_the_target():
    ev = _read(_indicator_table(
        [U, "产出指标", "数量指标", "公猪舍(≥**平方米)", "22.8", "22.8", "", "1", ""],
        [U, U, U, "粉碎拌合机(11kw)(≥台)", "1", "1", "", "1", ""],
        [U, U, U, "足额保障率(参保率)", "100", "100", "", "1", ""],
    ))
    pig, mill, rate = ev.indicators
    assert (pig.target.raw, pig.target.op, pig.target.number, pig.target.unit, pig.target.unit_source) == (
        "22.8", ">=", 22.8, "平方米", "name_bracket")
    assert (pig.actual.raw, pig.actual.op, pig.actual.unit) == ("22.8", None, "平方米")
    assert (mill.target.op, mill.target.unit) == (">=", "台")
    assert (rate.target.op, rate.target.unit) == (None, None)


def test_local_spellings_of_header_labels():
    rows = [
        ["2020年度县级专项资金绩效目标自评表", M, M, M, M, M, M],
        ["专项资金名称", "县级储备粮", M, "自评得分", "98", M, M],
        ["县级主管部门", "某县商务和粮食局", M, "实施单位", "粮食调控股", M, M],
        ["项目资金(万元)", "", "年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)", M],
        [U, "年度资金总额", "60", "64.8", "64.8", "100%", M],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "参考分值", "年度指标值", "全年完成值"],
        [U, "产出指标", "数量指标", "储备到位率", "10", "100%", "100%"],
        ["说明", "无", M, M, M, M, M],
    ]
    doc = Document(name="h.xlsx", format="xlsx", blocks=[grid(rows)])
    (ev,) = recognise_forms(doc).evaluations
    assert (ev.project_name, ev.department, ev.impl_unit, ev.total_score) == (
        "县级储备粮", "某县商务和粮食局", "粮食调控股", 98)
    assert ev.funds.rows[0].budget_full_year == 64.8
    assert [(i.name, i.weight, i.actual.raw) for i in ev.indicators] == [("储备到位率", 10, "100%")]


def test_the_unit_of_a_department_form_is_its_department_row():
    rows = [["部门整体支出绩效自评表", M, M], ["部门", "某县美丽乡村建设服务中心", M],
            ["一级指标", "二级指标", "三级指标"], ["产出", "数量", "完成项目数"]]
    doc = Document(name="d.xlsx", format="xlsx", blocks=[grid(rows)])
    (ev,) = recognise_forms(doc).evaluations
    assert ev.impl_unit == "某县美丽乡村建设服务中心" and ev.project_name is None


@pytest.mark.parametrize("form_id", real_forms.LAYOUT_FORMS)
@pytest.mark.parametrize("ext", ["xlsx", "docx"])
def test_published_forms_with_these_layouts_read_right(form_id: str, ext: str, tmp_path: Path):
    ff = form(form_id)
    path = getattr(ff.form, f"write_{ext}")(tmp_path / f"{form_id}.{ext}")
    got = extract_document(read_document(path)).to_dict()
    wrong = [name for name, ok in compare_fields(ff.expected, got) if not ok]
    assert wrong == []
