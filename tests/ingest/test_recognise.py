"""Form recognition on hand-built grids, independent of any file format."""

from __future__ import annotations

from ingest.document import Cell, Document, Paragraph, Table
from ingest.forms.labels import labels, points_in
from ingest.forms.recognise import recognise_forms, split_project_code, strip_unit_code

M = object()  # "same as the cell to the left" (horizontal merge)
U = object()  # "same as the cell above" (vertical merge)


def grid(rows: list[list[object]], index: int = 0) -> Table:
    out: list[list[Cell]] = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            if value is M:
                cells.append(Cell(cells[c - 1].text, r, c, merged=True))
            elif value is U:
                cells.append(Cell(out[r - 1][c].text, r, c, merged=True))
            else:
                cells.append(Cell(str(value), r, c))
        out.append(cells)
    return Table(index=index, rows=out)


MOF = [
    ["项目名称", "2023年学生资助", M, M, M, M, M, M, M],
    ["主管部门", "某县教育局", M, M, "实施单位", "某县教育局", M, M, M],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", M],
    [U, "年度资金总额", "100", "120", "1,140,000元", "10", "95%", "9.5", M],
    [U, "其中：当年财政拨款", "100", "120", "114", "—", "—", "—", M],
    [U, "上年结转资金", "—", "", "", "—", "—", "—", M],
    ["年度总体目标", "预期目标", M, M, M, "实际完成情况", M, M, M],
    [U, "资助学生500人", M, M, M, "资助学生520人", M, M, M],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    [U, "产出指标(50分)", "数量指标", "资助人数", "≧５００人", "520人", "30", "30", ""],
    [U, U, "质量指标", "资助准确率", "═100%", "98%", "20", "19.6", "因信息核对滞后，下一步将加强比对"],
    [U, "效益指标（30分）", "社会效益", "辍学率", "≤1%", "0.5%", "30", "30", ""],
    [U, "满意度指标(10分)", "服务对象满意度", "学生满意度", "≥90%", "效果明显", "10", "10", ""],
    ["总分", M, M, M, M, M, "100", "99.1", M],
    ["评价等级", "优", M, M, M, M, M, M, M],
]


def _mof_doc() -> Document:
    return Document(name="a.docx", format="docx", blocks=[
        Paragraph("项目支出绩效自评表", 0), Paragraph("（2023年度）", 1), grid(MOF)])


def test_mof_layout_fields_are_read_with_their_cells():
    (ev,) = recognise_forms(_mof_doc()).evaluations
    assert (ev.project_name, ev.department, ev.impl_unit, ev.year) == ("2023年学生资助", "某县教育局", "某县教育局", 2023)
    total, fiscal, carry = ev.funds.rows
    assert (total.category, total.budget_initial, total.budget_full_year) == ("total", 100.0, 120.0)
    assert total.exec_amount == 114.0  # 1,140,000元 in a 万元 block
    assert fiscal.category == "current_fiscal" and carry.category == "carryover" and carry.budget_initial is None
    assert (ev.funds.weight, ev.funds.rate.number, ev.funds.score) == (10.0, 95.0, 9.5)
    assert ev.goal_planned == "资助学生500人" and ev.goal_achieved == "资助学生520人"
    assert [i.name for i in ev.indicators] == ["资助人数", "资助准确率", "辍学率", "学生满意度"]
    first, second, third, fourth = ev.indicators
    assert (first.level1, second.level1, third.level1) == ("产出指标", "产出指标", "效益指标")
    assert (first.target.op, first.target.number, first.target.unit) == (">=", 500.0, "人")
    assert (second.target.op, second.target.number) == ("=", 100.0)
    assert second.deviation_reason.startswith("因信息核对滞后")
    assert fourth.actual.qualitative and fourth.level2 == "服务对象满意度"
    assert ev.block_weights == {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    assert (ev.total_score, ev.grade) == (99.1, "优")
    loc = second.cells["score"]
    assert (loc.table, loc.row, loc.col, loc.field) == (0, 10, 7, "evaluations[0].indicators[1].score")
    assert ev.funds.cells["rate"].field == "evaluations[0].funds.rate"
    assert total.cells["exec_amount"].row == 3


SICHUAN = [
    ["项目名称", "51000021R000000019951-工资性支出", M, M, M, M, M, M, M, M],
    ["主管部门", "某县财政局部门", M, M, M, "实施单位（盖章）", "某县财政局本级", M, M, M],
    ["预算执行情况（10分）", "", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因", M],
    [U, "总额", "80", "90", "72", "80%", "10", "8", "", M],
    [U, "财政资金", "80", "90", "72", "", "", "", "", M],
    ["项目年度目标", "保障在职人员工资按时足额发放", M, M, M, M, M, M, M, M],
    ["年度目标完成情况", "按时足额发放", M, M, M, M, M, M, M, M],
    ["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "完成值", "得分"],
    [U, "产出指标", "数量指标", "发放人数", "≥", "120", "人", "45", "120", "45"],
    [U, "效益指标", "社会效益", "按时发放率", "=", "100", "%", "45", "100", "45"],
    ["合计", M, M, M, M, M, M, "100", M, "98"],
    ["评价结论", "项目完成较好，自评得分98分，等级为优", M, M, M, M, M, M, M, M],
    ["存在问题", "无", M, M, M, M, M, M, M, M],
    ["改进措施", "暂无", M, M, M, M, M, M, M, M],
]


def test_sichuan_layout_with_separate_operator_and_unit_columns():
    doc = Document(name="b.xlsx", format="xlsx", blocks=[grid(SICHUAN)])
    (ev,) = recognise_forms(doc).evaluations
    assert (ev.project_code, ev.project_name) == ("51000021R000000019951", "工资性支出")
    assert ev.impl_unit == "某县财政局本级"
    assert ev.funds.weight == 10.0 and ev.funds.rate.number == 80.0
    assert ev.funds.rows[0].budget_full_year == 90.0 and ev.funds.rows[1].category == "current_fiscal"
    assert ev.goal_planned.startswith("保障") and ev.goal_achieved == "按时足额发放"
    assert ev.indicator_block_weight == 90.0
    first = ev.indicators[0]
    assert (first.target.op, first.target.number, first.target.unit, first.nature, first.unit) == (">=", 120.0, "人", "≥", "人")
    assert first.actual.number == 120.0 and first.weight == 45.0
    assert ev.total_score == 98.0
    assert (ev.conclusion, ev.problems, ev.measures) == ("项目完成较好，自评得分98分，等级为优", "无", "暂无")


def test_unknown_layout_is_reported_not_guessed():
    doc = Document(name="c.docx", format="docx", blocks=[grid([
        ["项目名称", "某项目"], ["主管部门", "某局"], ["指标", "数值"], ["人数", "5"]])])
    found = recognise_forms(doc)
    assert found.problems and "未找到指标表头" in found.problems[0]


def test_two_forms_in_one_document_become_two_evaluations():
    second = [row[:] for row in MOF]
    second[0] = ["项目名称", "农村公路养护", M, M, M, M, M, M, M]
    doc = Document(name="d.docx", format="docx", blocks=[grid(MOF, 0), grid(second, 1)])
    evs = recognise_forms(doc).evaluations
    assert [e.project_name for e in evs] == ["2023年学生资助", "农村公路养护"]
    assert evs[1].indicators[0].cells["score"].field == "evaluations[1].indicators[0].score"
    assert evs[1].indicators[0].cells["score"].table == 1


def test_a_unit_in_the_name_is_the_values_unit():
    # A municipal form: "服务外包在岸(万美元) | 20000 | 23333.56"; a bracket that is no unit stays a name.
    rows = [list(r) for r in MOF]
    rows[9] = [U, "产出指标(50分)", "数量指标", "服务外包在岸(万美元)", "20000", "23333.56", "30", "30", ""]
    rows[10] = [U, U, "质量指标", "足额保障率(参保率)", "100", "100", "20", "20", ""]
    rows[12] = [U, "满意度指标(10分)", "服务对象满意度", "学生满意度（%）", "≥90", "95%", "10", "10", ""]
    doc = Document(name="a.docx", format="docx", blocks=[Paragraph("项目支出绩效自评表", 0), grid(rows)])
    inds = recognise_forms(doc).evaluations[0].indicators
    assert [(i.target.number, i.target.unit, i.actual.unit) for i in inds] == [
        (20000, "万美元", "万美元"), (100, None, None), (1, "%", "%"), (90, "%", "%")]
    assert inds[0].name == "服务外包在岸(万美元)"


def test_label_matching_and_helpers():
    lab = labels()
    assert lab.match("fund_columns", "执行率（B/A）") == "exec_rate"
    assert lab.match("fund_columns", "得分（20分*执行率）") == "exec_score"
    assert lab.match("fund_columns", "预算数(A)") == "budget_full_year"
    assert lab.match("indicator_columns", "年初目标值(A)") == "target"
    assert lab.match_prefix("fund_rows", "其中：本年财政拨款") == "current_fiscal"
    assert lab.match("level1", "产出指标（50分）") == "产出指标"
    assert points_in("绩效指标（９０分）") == 90.0 and points_in("项目名称") is None
    assert split_project_code("A1234567-项目") == ("A1234567", "项目")
    assert split_project_code("2023年学生资助") == (None, "2023年学生资助")
    assert strip_unit_code("219001-池州市贵池区棠溪镇人民政府") == "池州市贵池区棠溪镇人民政府"
    assert strip_unit_code("219 池州市贵池区棠溪镇人民政府") == "池州市贵池区棠溪镇人民政府"
    assert strip_unit_code("2023年度某县教育局") == "2023年度某县教育局"
    assert strip_unit_code("某县教育局") == "某县教育局"
