"""Real published tables, read and checked end to end: what RULES.md's problem cases say a reviewer
should be told about them, and nothing the form does not support."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.checker import check_submission, profile_for
from ingest.extract import extract_file
from tests.support.real_forms import CHIZHOU_ENTRUSTED, CHIZHOU_VILLAGE


@pytest.fixture(scope="module")
def chizhou(tmp_path_factory):
    path = CHIZHOU_ENTRUSTED.write_xlsx(Path(tmp_path_factory.mktemp("real")) / "池州_委托业务项目.xlsx")
    sub = extract_file(path)
    return sub, check_submission(sub, profile=profile_for(sub))


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


@pytest.fixture(scope="module")
def village(tmp_path_factory):
    path = CHIZHOU_VILLAGE.write_xlsx(Path(tmp_path_factory.mktemp("real")) / "池州_村级补助及运转经费.xlsx")
    sub = extract_file(path)
    return sub, check_submission(sub, profile=profile_for(sub))


def test_chizhou_village_form(village):
    sub, findings = village
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
