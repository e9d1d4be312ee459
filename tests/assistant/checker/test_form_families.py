"""The false findings of issue 21 on the form families, read from a grid and checked end to end:
the rules that do not fit a layout stay silent, one table-level finding says what is wrong, and the
execution weight is the form's."""

from __future__ import annotations

from assistant.checker import check_submission, profile_for
from ingest.document import Document, Paragraph
from ingest.extract import extract_document
from tests.ingest.test_form_families import FRAMEWORK, NO_SCORE, _with_level1
from tests.ingest.test_recognise import MOF, U, grid


def _check(rows):
    doc = Document(name="f.docx", format="docx", blocks=[Paragraph("项目支出绩效自评表", 0), grid(rows)])
    sub = extract_document(doc)
    return sub, check_submission(sub, profile=profile_for(sub), fold=False)


def _rules(findings) -> list[str]:
    return sorted(f.rule for f in findings)


def test_framework_table_gets_one_finding_not_one_per_decision_row():
    sub, findings = _check(FRAMEWORK)
    rules = _rules(findings)
    assert rules.count("WEAK-FORM-001") == 1
    (form,) = [f for f in findings if f.rule == "WEAK-FORM-001"]
    assert form.location.field == "evaluations[0].indicators"
    assert "项目决策、项目管理、产出指标、效益指标" in form.message
    # "项目目标完整性：目标明确、内容细化、目标量化", "财务管理制度有效性：持续有效" have fixed criteria
    for code in ("WEAK-STR-006", "WEAK-VAL-001", "SCORE-QUAL-001", "WEAK-STR-001", "WEAK-STR-003", "MISSING-IND-002"):
        assert code not in rules, [f.message for f in findings if f.rule == code]


def test_framework_execution_row_is_not_added_to_the_funds_weight():
    # funds row 分值 10 and a 预算执行率 row of 10 among indicator rows summing to 100: no "100 + 10 = 110"
    _, findings = _check(FRAMEWORK)
    assert not [f.message for f in findings if f.rule in ("CALC-IND-006", "CALC-TOT-001")]


def test_framework_blank_funds_weight_takes_no_default():
    rows = [list(r) for r in FRAMEWORK]
    rows[3] = [U, "年度资金总额", "100", "120", "114", "", "95%", "", ""]  # 分值 and 得分 left blank
    rows[12] = [U, U, "资金管理", "资金使用合规性", "合规", "合规", "10", "10", ""]  # no 预算执行率 row either
    sub, findings = _check(rows)
    (ev,) = sub.evaluations
    assert ev.funds.weight is None and "weight" in ev.funds.cells
    assert "CALC-FUND-002" not in _rules(findings), [f.message for f in findings if f.rule == "CALC-FUND-002"]
    assert "CALC-IND-006" not in _rules(findings)


def test_no_score_table_gets_one_finding_not_two_per_row():
    _, findings = _check(NO_SCORE)
    rules = _rules(findings)
    assert rules.count("MISSING-FORM-001") == 1
    (form,) = [f for f in findings if f.rule == "MISSING-FORM-001"]
    assert "没有分值、得分栏、总分、评价等级" in form.message
    blank_cells = [f.location.field for f in findings if f.rule == "MISSING-IND-001"]
    assert not [c for c in blank_cells if c.endswith((".weight", ".score"))], blank_cells
    assert not {"CALC-IND-005", "CALC-IND-006", "CALC-TOT-001", "CALC-GRADE-001"} & set(rules)


def test_level1_synonyms_are_no_missing_levels_and_no_unfilled_weights():
    _, findings = _check(_with_level1(["项目产出", U, "项目效益", "服务对象满意度"]))
    assert "MISSING-IND-002" not in _rules(findings), [f.message for f in findings if f.rule == "MISSING-IND-002"]
    assert not [f.message for f in findings if "未填" in f.message and f.rule == "WEAK-STR-003"]


def test_prefixed_level1_weights_are_compared_not_reported_unfilled():
    _, findings = _check(_with_level1(["项目绩效-产出指标(40分)", U, "项目绩效-效益指标(40分)", "项目绩效-满意度指标(10分)"]))
    (weights,) = [f for f in findings if f.rule == "WEAK-STR-003"]
    assert "一级指标分值为 产出40/效益40/满意度10" in weights.message


def test_the_mof_form_still_gets_its_findings():
    # the same checks on the self-evaluation table: the layouts only switch off what does not fit
    _, findings = _check(MOF)
    assert "WEAK-FORM-001" not in _rules(findings) and "MISSING-FORM-001" not in _rules(findings)
    assert {"MISSING-IND-005", "SCORE-OVR-001", "SCORE-NUM-001"} <= set(_rules(findings))
