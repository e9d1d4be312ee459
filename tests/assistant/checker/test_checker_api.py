"""check_submission: clean baselines, locations, ids, order, severities and profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_builder import build_submission

from assistant.checker import check_submission, check_submissions, filter_severity, load_profile
from assistant.checker.profiles import available_profiles
from assistant.checker.registry import NOT_IMPLEMENTED, effective_severity, rule_classes, validate_profile
from assistant.checker.rule import FAMILIES, TAGS
from assistant.model import SEVERITY_ORDER

PROFILES = Path(__file__).parent / "profiles"


@pytest.mark.parametrize("profile", ["national", "sichuan"])
def test_clean_project_baseline_has_no_findings(baseline, profile):
    findings = check_submission(baseline, profile=load_profile(profile))
    assert findings == [], [f"{f.rule} {f.location.field}: {f.message}" for f in findings]


def test_clean_department_baseline_has_no_findings(department_baseline):
    findings = check_submission(department_baseline)
    assert findings == [], [f"{f.rule} {f.location.field}: {f.message}" for f in findings]


def test_clean_baseline_with_a_complete_report_has_no_findings():
    sub = build_submission({"sections": [
        {"path": ["一、项目基本情况"], "text": "本项目为县级学生资助项目，全年预算120万元。"},
        {"path": ["二、绩效目标完成情况"], "text": "全年资助学生520人，资助政策知晓率93%。"},
        {"path": ["三、存在的问题及原因"], "text": "个别学生家庭信息更新不及时。"},
        {"path": ["四、下一步改进措施"], "text": "下一步将加强与民政部门数据比对。"},
    ]})
    assert check_submission(sub) == []


def test_fund_rate_message_states_both_numbers():
    sub = build_submission({"evaluation": {"funds": {"rate": "100%", "rows": {0: {"budget_full_year": 4753.66,
                                                                                   "exec_amount": 3824.26}}}}})
    (f,) = [f for f in check_submission(sub) if f.rule == "CALC-FUND-001"]
    assert f.message == "执行率应为 80.45%（3824.26/4753.66），表内填报 100%"
    assert "3824.26" in f.evidence and "4753.66" in f.evidence and f.suggestion
    assert f.source.startswith("财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）")


def test_location_is_the_cell_with_its_field_path():
    sub = build_submission({"evaluation": {"indicators": {0: {"actual": "400人"}}}})
    (f,) = [f for f in check_submission(sub) if f.rule == "CALC-IND-001"]
    cell = sub.evaluations[0].indicators[0].cells["score"]
    assert (f.location.table, f.location.row, f.location.col) == (cell.table, cell.row, cell.col)
    assert f.location.field == "evaluations[0].indicators[0].score" and f.location.file == "case.docx"
    assert f.location is not cell  # a copy: the submission is never modified


def test_field_without_a_cell_gets_file_and_field():
    # the year has no cell of its own on any form (it is read from the title): its finding still
    # names the file and the field
    sub = build_submission({"evaluation": {"year": None}, "submission": {"year": None}})
    (f,) = [f for f in check_submission(sub) if f.rule == "MISSING-HDR-001"]
    assert f.location.field == "evaluations[0].year" and f.location.file == "case.docx"
    assert f.location.row is None and f.location.col is None


def test_block_weight_finding_points_at_the_level1_cell():
    sub = build_submission({"evaluation": {"block_weights": {"产出指标": 60}}})
    (f,) = [f for f in check_submission(sub) if f.rule == "CALC-IND-007"]
    assert f.location.field == "evaluations[0].block_weights.产出指标"
    assert f.location.row == sub.evaluations[0].indicators[0].cells["level1"].row


def test_ids_are_stable_and_order_is_deterministic():
    case = {"evaluation": {"impl_unit": None, "funds": {"rate": "100%"}, "indicators": {0: {"actual": "400人"}}}}
    first, second = check_submission(build_submission(case)), check_submission(build_submission(case))
    assert [f.id for f in first] == [f.id for f in second]
    assert len({f.id for f in first}) == len(first)
    rows = [(int(f.location.field[12]), f.location.row if f.location.row is not None else -1) for f in first]
    assert rows == sorted(rows)
    other = check_submission(build_submission(case, sub_id="another"))
    assert {f.id for f in other}.isdisjoint({f.id for f in first})
    assert all(f.submission_id == "case-sub" for f in first)


def test_profile_override_changes_severity_and_thresholds():
    strict = load_profile(PROFILES / "strict.yaml")
    assert strict.name == "strict-test" and strict.execution_weight == 10  # inherited
    sub = build_submission({"evaluation": {"indicators": {3: {"level2": "质量指标"}}}})
    national = {f.rule: f.severity for f in check_submission(sub)}
    overridden = {f.rule: f.severity for f in check_submission(sub, profile=strict)}
    assert national["MISSING-IND-005"] == "info" and overridden["MISSING-IND-005"] == "warning"
    sat = build_submission({})  # satisfaction target ≥90% is below the strict floor of 95%
    assert not [f for f in check_submission(sat) if f.rule == "WEAK-VAL-008"]
    assert [f for f in check_submission(sat, profile=strict) if f.rule == "WEAK-VAL-008"]


def test_profile_can_turn_a_rule_off():
    sub = build_submission({"evaluation": {"signatures": {"项目负责人": "", "财务负责人": ""}}})
    assert [f for f in check_submission(sub) if f.rule == "MISSING-SIGN-001"]
    assert not [f for f in check_submission(sub, profile=load_profile(PROFILES / "strict.yaml"))
                if f.rule == "MISSING-SIGN-001"]


def test_heuristic_rules_are_never_errors():
    # exec_caps is national plus the deviation threshold that switches MISSING-DEV-003 on: every rule runs
    everything_error = load_profile("exec_caps").replace(rules={r.code: "error" for r in rule_classes()})
    for rule in rule_classes():
        sev = effective_severity(rule, everything_error)
        assert (sev == "warning") if rule.tag == "H" else (sev == "error"), rule.code
    sub = build_submission({"evaluation": {"funds": {"rows": {0: {"exec_amount": 130}}}}})
    (f,) = [f for f in check_submission(sub, profile=everything_error) if f.rule == "CALC-FUND-003"]
    assert f.severity == "warning"


def test_sichuan_makes_low_execution_without_reason_an_error():
    case = {"evaluation": {"funds": {"reason": None, "rate": "85%", "score": 8.5,
                                     "rows": {0: {"exec_amount": 102}, 1: {"exec_amount": 93}}}}}
    sev = {p: [f.severity for f in check_submission(build_submission(case), profile=load_profile(p))
               if f.rule == "MISSING-FUND-003"] for p in ("national", "sichuan")}
    assert sev == {"national": ["warning"], "sichuan": ["error"]}


def test_filter_severity():
    sub = build_submission({"evaluation": {"impl_unit": None, "indicators": {3: {"level2": "质量指标"}}}})
    findings = check_submission(sub)
    assert {f.severity for f in filter_severity(findings, "error")} == {"error"}
    assert len(filter_severity(findings, "info")) == len(findings)


def test_related_report_feeds_narrative_rules():
    case = {"evaluation": {"funds": {"reason": None}}}
    report = build_submission({"sections": [{"path": ["二、预算执行"], "text": "执行率95%，因学籍核查未完成暂缓发放。"}]})
    report.evaluations = []
    table = build_submission(case)
    assert [f for f in check_submission(table) if f.rule == "MISSING-FUND-003"]
    assert not [f for f in check_submission(table, related=[report]) if f.rule == "MISSING-FUND-003"]
    results = check_submissions([table, report])
    assert not [f for f in results[0] if f.rule == "MISSING-FUND-003"]


def test_registry_metadata_is_complete():
    rules = rule_classes()
    assert len({r.code for r in rules}) == len(rules)
    for r in rules:
        assert r.family() in FAMILIES and r.tag in TAGS and r.severity in SEVERITY_ORDER
        assert r.title and r.source and r.description and r.why and r.bad and r.good, r.code
        assert r.__module__.startswith(f"assistant.checker.rules.{r.family().lower()}."), r.code
    assert not set(NOT_IMPLEMENTED) & {r.code for r in rules}
    semantic = {r.code for r in rules if r.semantic}
    assert {"WEAK-GOAL-001", "SCORE-NAR-001", "WEAK-STR-004", "SCORE-QUAL-001", "SCORE-SAT-001",
            "MISSING-EVID-001", "MISSING-RPT-001", "WEAK-DUP-001"} <= semantic


def test_bundled_profiles_load_and_validate():
    assert {"national", "sichuan", "municipal"} <= set(available_profiles())
    for name in available_profiles():
        profile = load_profile(name)
        validate_profile(profile)
    municipal = load_profile("municipal")
    assert (municipal.execution_weight, municipal.indicator_points, municipal.qualitative_bands) == (20, 80, [80, 50])
    sichuan = load_profile("sichuan")
    assert sichuan.execution_reason_below == 90 and sichuan.rules["MISSING-FUND-003"] == "error"
    assert sichuan.text_limits["conclusion"] == 200


def test_profile_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: national\nscore_tolerence: 0.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="score_tolerence"):
        load_profile(bad)
    loop = tmp_path / "loop.yaml"
    loop.write_text("extends: loop.yaml\n", encoding="utf-8")
    with pytest.raises(ValueError, match="loop"):
        load_profile(loop)
    unknown_rule = tmp_path / "unknown.yaml"
    unknown_rule.write_text("extends: national\nrules: {NOPE-001: off}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NOPE-001"):
        check_submission(build_submission({}), profile=load_profile(unknown_rule))
    with pytest.raises(FileNotFoundError):
        load_profile("atlantis")


def test_province_profile_in_its_own_folder_extends_by_path(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text("extends: national\nname: base\nsatisfaction_floor: 99\n", encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\nrules:\n  WEAK-VAL-008: off\n", encoding="utf-8")
    profile = load_profile(child)
    assert profile.satisfaction_floor == 99 and profile.rules["WEAK-VAL-008"] == "off"
