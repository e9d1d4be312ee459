"""Real published tables, read and checked end to end: what docs/domain.md's problem cases say a reviewer
should be told about them, and nothing the form does not support."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.checker import check_submission, profile_for
from assistant.checker.fold import unfold
from ingest.extract import extract_file
from tests.support.real_forms import (
    CHIZHOU_ENTRUSTED,
    CHIZHOU_VILLAGE,
    DAYING_ANKE,
    LANGFANG_HEATING,
    PARENT_ROWS,
    QINGSHEN_WAGES,
    SHOUXIAN_DEPARTMENT,
    RealForm,
)


def _read_and_check(form, tmp_path_factory, name: str):
    sub = extract_file(form.write_xlsx(Path(tmp_path_factory.mktemp("real")) / name))
    # where each rule fired, row by row (the folds are tests/assistant/checker/test_fold.py's)
    return sub, unfold(check_submission(sub, profile=profile_for(sub)))


@pytest.fixture(scope="module")
def chizhou(tmp_path_factory):
    return _read_and_check(CHIZHOU_ENTRUSTED, tmp_path_factory, "池州_委托业务项目.xlsx")


def test_chizhou_form_is_read_with_its_quirks(chizhou):
    sub, _ = chizhou
    (ev,) = sub.evaluations
    assert (ev.project_name, ev.year) == ("委托业务项目", 2022)
    # budget codes stripped, so the unit groups with its other submissions
    assert ev.department == ev.impl_unit == sub.unit == "池州市贵池区棠溪镇人民政府"
    assert [r.name for r in ev.funds.rows] == ["年度资金总额", "其中:本年财政拨款", "上年结转资金", "其他资金"]
    total, fiscal = ev.funds.rows[:2]
    assert (total.budget_initial, total.budget_full_year, total.exec_amount) == (0, 0, 0)
    assert (fiscal.budget_initial, fiscal.budget_full_year, fiscal.exec_amount) == (90, 89.974, 89.974)
    assert (ev.funds.weight, ev.funds.rate.number, ev.funds.score) == (10, 0, 0)
    assert [i.name for i in ev.indicators][:2] == ["基建工程委托业务项目数量", "委托业务报告合格率"]
    assert len(ev.indicators) == 10  # the empty 经济效益指标 template row is no indicator
    assert ev.block_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert ev.total_score == 90


def test_chizhou_findings_are_the_problem_cases(chizhou):
    _, findings = chizhou
    by_rule: dict[str, list] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    # P1: the total row 0/0/0 above 本年财政拨款 90/89.974/89.974; rate and score left at 0
    assert {f.location.field for f in by_rule["CALC-FUND-004"]} == {
        f"evaluations[0].funds.rows[0].{c}" for c in ("budget_initial", "budget_full_year", "exec_amount")}
    assert any("应为 89.974（89.974），表内填报 0" in f.message for f in by_rule["CALC-FUND-004"])
    (rate,) = by_rule["CALC-FUND-001"]
    assert "执行率应为 100.00%" in rate.message and "按各资金来源合计" in rate.message
    (score,) = by_rule["CALC-FUND-002"]
    assert "预算执行得分应为 10.00" in score.message
    # P2: unmeasurable 效果明显 targets; P3: the unit written 百分比
    assert {f.location.field for f in by_rule["WEAK-VAL-001"]} == {
        f"evaluations[0].indicators[{i}].target" for i in (6, 7, 8)}
    assert [f.location.field for f in by_rule["WEAK-VAL-004"]] == ["evaluations[0].indicators[1].target"]
    # P20: the completion restates the plan with its numbers changed
    assert [f.location.field for f in by_rule["SCORE-GOAL-001"]] == ["evaluations[0].goal_achieved"]
    # the sources say the money was spent in full: no "low execution" finding from the 0 on the form
    assert not {"MISSING-FUND-003", "SCORE-EXE-001", "SCORE-ALL-001"} & set(by_rule)
    # the goal's 30万元 shares of the 90万元 budget are not targets missing from the table
    assert "WEAK-GOAL-001" not in by_rule
    # 年初 90 → 全年 89.974 with no reason anywhere (the form has no row for one)
    (adjusted,) = by_rule["MISSING-FUND-004"]
    assert "年初预算数 90 与全年预算数 89.974 不一致（调整 -0.026 万元）" in adjusted.message
    # findings on cells point at them in the sheet
    cells = [f for f in findings if f.location.field.startswith(("evaluations[0].indicators[", "evaluations[0].funds."))
             and f.rule != "MISSING-FUND-004"]
    assert cells and all(f.location.row is not None and f.location.col is not None for f in cells)


def test_chizhou_village_form(tmp_path_factory):
    sub, findings = _read_and_check(CHIZHOU_VILLAGE, tmp_path_factory, "池州_村级补助及运转经费.xlsx")
    (ev,) = sub.evaluations
    assert [(i.target.op, i.target.number) for i in ev.indicators[:2]] == [("=", 8), ("=", 42)]
    by_rule = {f.rule: f for f in findings}
    # the budget cut from 202.64 to 132.912 万元 is unexplained, though the total row says 0 → 0
    assert "年初预算数 202.64 与全年预算数 132.912 不一致（调整 -69.728 万元）" in by_rule["MISSING-FUND-004"].message
    assert "执行率应为 100.00%" in by_rule["CALC-FUND-001"].message
    # a cost ceiling 1.5 times what was spent is a loose target, said the right way round
    assert "年度指标值 ≤202.6万元 是实际完成值 132.9 的 1.52 倍（反向指标），目标明显偏宽" in by_rule["SCORE-OVR-001"].message
    # the goal's 2026400元 is the 202.64 万元 budget, and 8/42 met their "=" targets
    assert not {"WEAK-GOAL-001", "CALC-IND-003", "MISSING-IND-001", "CALC-FUND-005"} & set(by_rule)


def test_daying_form_the_adjustment_its_instructions_do_not_explain(tmp_path_factory):
    sub, findings = _read_and_check(DAYING_ANKE, tmp_path_factory, "大英_安可替代.xlsx")
    (ev,) = sub.evaluations
    assert (ev.layout, ev.project_code, ev.project_name) == ("sichuan", "51092324T000010263357", "2023年全县安可替代补助资金项目")
    assert ev.signatures == {"项目负责人": "查小兵", "财务负责人": "唐勇"}
    assert ev.funds.reason is None  # the 原因 cell holds only the form's instructions
    assert ev.total_score is None  # 合计 | 100 is the weights' sum; the form has no total score
    by_rule = {f.rule: f for f in findings}
    # docs/domain.md's real case: 年初 0.00 → 调整后 3.36, no reason given
    assert "年初预算数 0 与全年预算数 3.36 不一致" in by_rule["MISSING-FUND-004"].message
    # P5: the actual written "完成" at full marks; P4: one indicator carries 90 points
    assert by_rule["SCORE-NUM-001"].location.field == "evaluations[0].indicators[0].actual"
    assert "分值 90" in by_rule["WEAK-STR-002"].message
    assert "只写了“完成”" in by_rule["MISSING-GOAL-001"].message
    assert "SCORE-ALL-001" not in by_rule and "CALC-TOT-001" not in by_rule


def test_qingshen_form_left_as_the_template(tmp_path_factory):
    sub, findings = _read_and_check(QINGSHEN_WAGES, tmp_path_factory, "青神_工资性支出.xlsx")
    (ev,) = sub.evaluations
    # the prompts "(100字以内)" / "(200字以内)" are no completion, conclusion, problems or measures
    assert (ev.goal_achieved, ev.conclusion, ev.problems, ev.measures) == (None, None, None, None)
    assert ev.goal_planned.startswith("严格执行相关政策")
    got = {(f.rule, f.location.field) for f in findings}
    assert {("MISSING-GOAL-001", "evaluations[0].goal_achieved"),
            ("MISSING-FUND-004", "evaluations[0].funds.adjust_reason"),
            ("CALC-FUND-002", "evaluations[0].funds.score"),
            ("MISSING-IND-001", "evaluations[0].indicators[0].actual"),
            ("MISSING-IND-001", "evaluations[0].indicators[1].score")} <= got
    assert ("MISSING-SIGN-001", "evaluations[0].signatures") in got


def test_shouxian_department_form(tmp_path_factory):
    sub, findings = _read_and_check(SHOUXIAN_DEPARTMENT, tmp_path_factory, "寿县_部门整体.xlsx")
    (ev,) = sub.evaluations
    assert (sub.kind, ev.kind, ev.year) == ("department", "department", 2023)
    # levels without their weight notes, names without the cell's line break, weights kept
    assert [(i.level1, i.level2, i.name) for i in ev.indicators[:2]] == [
        ("规划", "基础信息", "基础信息完整性"), ("规划", "工作计划", "年度工作计划完整性")]
    assert ev.block_weights == {"规划": 15, "执行": 35}
    assert [(i.weight, i.score) for i in ev.indicators] == [(3, 3), (3, 3), (3, 3), (4, 4), (2, 2), (5, 4.5)]
    assert ev.indicators[1].criteria == "年度工作计划是否完整可行(3分)"
    assert ev.total_score == 19.5
    deducted = [f for f in findings if f.rule == "DEPT-MISS-001"]
    assert [f.location.field for f in deducted] == ["evaluations[0].indicators[5].deviation_reason"]


def test_langfang_form_filled_in_the_templates_way(tmp_path_factory):
    sub, findings = _read_and_check(LANGFANG_HEATING, tmp_path_factory, "廊坊_暖通改造.xlsx")
    (ev,) = sub.evaluations
    # "指标1工程资金金额" is the indicator 工程资金金额; the unused "指标2" and "……" rows are none
    assert [i.name for i in ev.indicators] == ["工程资金金额", "工程完工率", "工程验收合格率", "项目完成及时率", "成本控制率",
                                               "安全率", "学校发展能力", "长期使用性", "学生满意度"]
    assert [i.level2 for i in ev.indicators][5:] == ["经济效益指标", "社会效益指标", "可持续影响指标", "服务对象满意度指标"]
    got = {(f.rule, f.location.field): f for f in findings}
    assert "执行率应为 86.20%（37.24/43.2），表内填报 86%" in got["CALC-FUND-001", "evaluations[0].funds.rate"].message
    assert "预算执行得分应为 8.62" in got["CALC-FUND-002", "evaluations[0].funds.score"].message
    assert ("CALC-IND-001", "evaluations[0].indicators[0].score") in got
    # a goal given as two amounts has no content, and copies nothing
    assert "只写了“43.2”" in got["MISSING-GOAL-001", "evaluations[0].goal_planned"].message
    rules = {rule for rule, _ in got}
    assert not {"SCORE-GOAL-001", "MISSING-IND-001"} & rules
    # the low execution is explained on the spent amount's row (剩余3%尾款未付)
    assert "MISSING-FUND-003" not in rules


def _with_cells(form: RealForm, changed: dict[tuple[int, int], str]) -> RealForm:
    return RealForm(form.source, [(c[0], c[1], changed.get((c[0], c[1]), c[2]), *c[3:]) for c in form.cells])


def test_parent_rows_are_not_summed_as_indicators(tmp_path_factory):
    # 一、示范区建立 15 and 二、技术推广 35 over children adding up to them: the sums are right
    _, findings = _read_and_check(PARENT_ROWS, tmp_path_factory, "示范区.xlsx")
    assert {f.rule for f in findings} == {"MISSING-IND-005"}  # no cost indicator; no sum is wrong


def test_a_parent_rows_weight_is_checked_against_its_children(tmp_path_factory):
    form = _with_cells(PARENT_ROWS, {(14, 7): "20"})  # 一、示范区建立 marked 20, its rows 10 + 5
    _, findings = _read_and_check(form, tmp_path_factory, "示范区_分值.xlsx")
    (group,) = [f for f in findings if f.rule == "CALC-IND-007"]
    assert group.message == "“一、示范区建立”标注 20 分，其下指标分值合计 15"
    assert (group.location.field, group.location.row, group.location.col) == (
        "evaluations[0].groups[0].weight", 13, 6)
    assert not [f for f in findings if f.rule in ("CALC-IND-006", "CALC-TOT-001")]


def test_a_parent_row_stands_for_children_without_weights(tmp_path_factory):
    # The children of 一、示范区建立 carry no 分值/得分: its 15/15 count in the sums instead
    form = _with_cells(PARENT_ROWS, {(15, 7): "", (15, 8): "", (16, 7): "", (16, 8): ""})
    sub, findings = _read_and_check(form, tmp_path_factory, "示范区_无分值.xlsx")
    assert [i.weight for i in sub.evaluations[0].indicators[:2]] == [None, None]
    assert not [f for f in findings if f.rule in ("CALC-IND-006", "CALC-IND-007", "CALC-TOT-001")]
    wrong = _with_cells(form, {(14, 7): "25"})  # now the parent row's weight is the only one: 100 + 10
    _, findings = _read_and_check(wrong, tmp_path_factory, "示范区_无分值_错.xlsx")
    (total,) = [f for f in findings if f.rule == "CALC-IND-006"]
    assert "指标分值合计 100 + 预算执行率分值 10 = 110" in total.message
