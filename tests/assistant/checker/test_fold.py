"""One finding per defect (issue 21): patterns over a table fold into one finding listing its rows,
findings on one row that ask for the same fix merge into the most specific one."""

from __future__ import annotations

import io
import json

import pytest
from case_builder import build_submission

from assistant.checker import check_submission, load_profile
from assistant.checker.export import CheckedFile, to_json, to_markdown, to_xlsx
from assistant.checker.fold import fold, precedence, unfold
from assistant.checker.registry import all_rules
from assistant.model import Finding, from_dict, to_dict

NO_SCORES = {"evaluation": {"indicators": {i: {"weight": None, "score": None} for i in range(7)}}}
NO_SIGNS = {"evaluation": {"indicators": {0: {"target": "500人"}, 2: {"target": "10天"}, 4: {"target": "1%"},
                                          5: {"target": "90%"}, 6: {"target": "90%"}}}}


@pytest.fixture(scope="module")
def national():
    return load_profile("national")


def check(case: dict, profile, **kw) -> list[Finding]:
    return check_submission(build_submission(case), profile=profile, **kw)


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_a_table_without_score_columns_is_one_finding(national):
    before = of(check(NO_SCORES, national, fold=False), "MISSING-IND-001")
    assert len(before) == 14  # 分值 and 得分 blank on each of the 7 rows, as the rules raise them
    (one,) = of(check(NO_SCORES, national), "MISSING-IND-001")
    assert one.location.field == "evaluations[0].indicators" and one.location.table == 0 and one.location.row is None
    assert one.message.startswith("全部 7 项指标的分值、得分同一问题（“资助学生人数”“资助对象认定准确率”“资助资金发放时间”等）")
    assert [o.location.field for o in one.occurrences] == [f.location.field for f in before]
    assert [o.evidence for o in one.occurrences] == [f.evidence for f in before]
    assert all(o.rule is None and o.location.row is not None for o in one.occurrences)
    # unfolding gives back exactly the rules' findings, places and messages
    assert [(f.rule, f.location, f.message) for f in unfold([one])] == [(f.rule, f.location, f.message) for f in before]


def test_signs_missing_in_most_targets_is_one_finding_with_every_row(national):
    (one,) = of(check(NO_SIGNS, national), "WEAK-VAL-003")
    assert one.message.startswith("5 项指标（共 7 项）同一问题（“资助学生人数”“资助资金发放时间”“受助学生辍学率”等），如：")
    assert [o.location.field for o in one.occurrences] == [
        f"evaluations[0].indicators[{i}].target" for i in (0, 2, 4, 5, 6)]
    assert "“500人”" in one.occurrences[0].message and "“90%”" in one.occurrences[-1].message


def test_a_pattern_on_one_row_stays_as_the_rule_raised_it(national):
    case = {"evaluation": {"indicators": {5: {"target": "90%"}}}}
    assert check(case, national) == check(case, national, fold=False)
    (one,) = of(check(case, national), "WEAK-VAL-003")
    assert one.occurrences == [] and one.location.field == "evaluations[0].indicators[5].target"


def test_rows_with_different_numbers_are_different_defects(national):
    """Two wrong scores are two fixes: their messages differ by computed numbers, not only by the row."""
    case = {"evaluation": {"indicators": {0: {"actual": "480人", "deviation_reason": "部分学生转学"},
                                          5: {"actual": "80%", "deviation_reason": "宣传不足"}}}}
    calc = of(check(case, national), "CALC-IND-001")
    assert [f.location.field for f in calc] == ["evaluations[0].indicators[0].score", "evaluations[0].indicators[5].score"]


def test_fold_is_stable_and_keeps_the_ids_of_unfolded_findings(national):
    first, again = check(NO_SIGNS, national), check(NO_SIGNS, national)
    assert [to_dict(f) for f in first] == [to_dict(f) for f in again]
    unfolded = {f.id for f in check(NO_SIGNS, national, fold=False)}
    assert {f.id for f in first if not f.occurrences} <= unfolded
    (folded,) = [f for f in first if f.occurrences and f.rule == "WEAK-VAL-003"]
    assert folded.id not in unfolded and len(folded.id) == 16
    # the id does not depend on the order the findings came in
    sub = build_submission(NO_SIGNS)
    raw = check_submission(sub, profile=national, fold=False)
    assert {f.id for f in fold(raw, sub)} == {f.id for f in fold(list(reversed(raw)), sub)}


@pytest.mark.parametrize(("row", "specific", "field"), [
    ({"target": "效果明显", "actual": "达到"}, "WEAK-VAL-001", "target"),  # vague wording
    ({"target": "达到标准", "actual": "达到"}, "WEAK-STR-006", "target"),  # no graded standard
    ({"target": "效果明显", "actual": None}, "MISSING-IND-001", "actual"),  # a blank 实际完成值
], ids=["vague", "ungraded", "blank-actual"])
def test_unsupported_full_marks_merge_into_the_specific_finding(national, row, specific, field):
    case = {"evaluation": {"indicators": {5: row}}}
    assert of(check(case, national, fold=False), "SCORE-QUAL-001")  # the rule does fire on that row
    found = check(case, national)
    assert not of(found, "SCORE-QUAL-001")
    (kept,) = [f for f in of(found, specific) if f.location.field == f"evaluations[0].indicators[5].{field}"]
    (merged,) = [o for o in kept.occurrences if o.rule == "SCORE-QUAL-001"]
    assert merged.location.field == "evaluations[0].indicators[5].score"
    assert "最高档" in merged.message and merged.evidence


def test_an_ungraded_vague_target_is_one_finding(national):
    """“效果明显” is vague and has no graded standard: one fix (a measurable value or the grades)."""
    case = {"evaluation": {"indicators": {5: {"target": "效果明显", "actual": "达到"}}}}
    before = {f.rule for f in check(case, national, fold=False) if f.location.field.startswith("evaluations[0].indicators[5].")}
    assert {"WEAK-VAL-001", "WEAK-STR-006", "SCORE-QUAL-001"} <= before
    found = [f for f in check(case, national) if f.location.field.startswith("evaluations[0].indicators[5].")]
    assert [f.rule for f in found] == ["WEAK-VAL-001"]
    assert sorted(o.rule for o in found[0].occurrences) == ["SCORE-QUAL-001", "WEAK-STR-006"]


def test_an_unexplained_shortfall_merges_into_the_score_calculation(national):
    case = {"evaluation": {"indicators": {0: {"actual": "480人"}}}}
    before = check(case, national, fold=False)
    assert of(before, "MISSING-DEV-001") and of(before, "CALC-IND-001") and of(before, "SCORE-UNMET-001")
    found = check(case, national)
    # full marks on the missed target (SCORE-UNMET-001) asks for the same cut of the score too
    assert not of(found, "MISSING-DEV-001") and not of(found, "SCORE-UNMET-001") and len(found) == len(before) - 2
    (calc,) = of(found, "CALC-IND-001")
    assert [(o.rule, o.location.field) for o in calc.occurrences] == [
        ("MISSING-DEV-001", "evaluations[0].indicators[0].deviation_reason"),
        ("SCORE-UNMET-001", "evaluations[0].indicators[0].score")]
    assert {(r, loc.field) for r, loc in calc.places()} == {
        (f.rule, f.location.field) for f in before if f.rule in ("MISSING-DEV-001", "CALC-IND-001", "SCORE-UNMET-001")}


def test_a_merge_on_another_row_does_not_happen(national):
    """A wrong score on row 1 (explained) and an unexplained but rightly scored shortfall on row 2."""
    case = {"evaluation": {"indicators": {0: {"actual": "480人", "deviation_reason": "部分学生转学"},
                                          1: {"deviation_reason": None}}}}
    before = check(case, national, fold=False)
    assert [f.location.field for f in of(before, "CALC-IND-001")] == ["evaluations[0].indicators[0].score"]
    assert [f.location.field for f in of(before, "MISSING-DEV-001")] == ["evaluations[0].indicators[1].deviation_reason"]
    found = check(case, national)
    assert [(f.rule, f.location.field, [(o.rule, o.location.field) for o in f.occurrences]) for f in found
            if f.rule in ("CALC-IND-001", "MISSING-DEV-001")] == [
        ("CALC-IND-001", "evaluations[0].indicators[0].score",
         [("SCORE-UNMET-001", "evaluations[0].indicators[0].score")]),  # its own row's full marks only
        ("MISSING-DEV-001", "evaluations[0].indicators[1].deviation_reason", [])]


def _merged(found: list[Finding], rule: str) -> list[tuple[str, str]]:
    (kept,) = of(found, rule)
    return [(o.rule, o.location.field) for o in kept.occurrences]


def test_full_marks_within_the_tolerance_hold_the_missing_explanation(national):
    """3 points, 97 of 100 done, scored 3: CALC-IND-001's tolerance is silent, SCORE-UNMET-001 is the
    finding and the blank deviation cell is part of it."""
    case = {"evaluation": {"indicators": {0: {"name": "村级服务站建成数", "target": "≥100个", "actual": "97个",
                                              "weight": 3, "score": 3}}}}
    before = check(case, national, fold=False)
    assert not of(before, "CALC-IND-001") and of(before, "MISSING-DEV-001")
    found = check(case, national)
    assert not of(found, "MISSING-DEV-001")
    assert _merged(found, "SCORE-UNMET-001") == [("MISSING-DEV-001", "evaluations[0].indicators[0].deviation_reason")]


def test_a_row_that_measures_no_satisfaction_holds_the_satisfaction_findings(national):
    case = {"evaluation": {"indicators": {6: {"name": "粮食安全事件发生数", "target": "无重大事件",
                                              "actual": "未发生"}},
                           "conclusion": "项目年度绩效目标基本实现。"}}  # no survey named anywhere
    before = check(case, national, fold=False)
    assert {f.rule for f in before} >= {"WEAK-STR-007", "WEAK-VAL-008", "SCORE-SAT-001"}
    found = check(case, national)
    assert not of(found, "WEAK-VAL-008") and not of(found, "SCORE-SAT-001")
    assert _merged(found, "WEAK-STR-007") == [("SCORE-SAT-001", "evaluations[0].indicators[6].score"),
                                              ("WEAK-VAL-008", "evaluations[0].indicators[6].target")]


def test_a_cost_rate_with_a_floor_is_one_finding(national):
    case = {"evaluation": {"indicators": {3: {"name": "生均补助标准达标率", "target": "≥100%", "actual": "100%"}}}}
    assert of(check(case, national, fold=False), "WEAK-VAL-005")
    found = check(case, national)
    assert not of(found, "WEAK-VAL-005")
    assert _merged(found, "WEAK-VAL-009") == [("WEAK-VAL-005", "evaluations[0].indicators[3].target")]


def test_precedence_is_data_naming_known_rules():
    codes = {r.code for r in all_rules()}
    pairs = precedence()
    assert pairs and all(p.specific in codes and p.general in codes and p.why for p in pairs)
    assert not {(p.specific, p.general) for p in pairs} & {(p.general, p.specific) for p in pairs}


def test_occurrences_survive_the_json_round_trip(national):
    found = check(NO_SCORES, national) + check({"evaluation": {"indicators": {0: {"actual": "480人"}}}}, national)
    assert any(f.occurrences for f in found)
    for f in found:
        assert from_dict(Finding, json.loads(json.dumps(to_dict(f), ensure_ascii=False))) == f
    old = to_dict(found[0])
    del old["occurrences"]  # JSON written before findings had occurrences
    assert from_dict(Finding, old).occurrences == []


def test_exports_show_the_occurrences(national):
    sub = build_submission(NO_SCORES)
    item = CheckedFile(source="case.docx", submission=sub, findings=check_submission(sub, profile=national))
    (data,) = to_json([item])
    (folded,) = [f for f in data["findings"] if f["rule"] == "MISSING-IND-001"]
    assert folded["location_text"] == "表1（14 处）" and len(folded["occurrences"]) == 14
    assert folded["occurrences"][0]["location_text"].startswith("表1 第") and folded["occurrences"][0]["evidence"]
    assert data["counts"]["error"] == len([f for f in item.findings if f.severity == "error"])

    md = to_markdown([item])
    assert "出现位置（14 处）：表1 第" in md and md.count("| 错误 | MISSING-IND-001 |") == 1

    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(to_xlsx([item])))["审核发现"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    (row,) = [r for r in rows if r["规则"] == "MISSING-IND-001"]
    assert row["出现位置"].startswith("出现位置（14 处）：表1 第")

    from api.cli.check import render_table
    text = render_table([item])
    assert "· MISSING-IND-001" in text and "出现位置（14 处）" in text


def test_exports_show_merged_findings(national):
    sub = build_submission({"evaluation": {"indicators": {0: {"actual": "480人"}}}})
    item = CheckedFile(source="case.docx", submission=sub, findings=check_submission(sub, profile=national))
    md = to_markdown([item])
    assert "同处另有 MISSING-DEV-001（有偏差未说明原因）：" in md
    (data,) = to_json([item])
    (calc,) = [f for f in data["findings"] if f["rule"] == "CALC-IND-001"]
    assert calc["occurrences"][0]["rule"] == "MISSING-DEV-001"


def test_statistics_and_the_review_letter_count_defects(national, tmp_path):
    from assistant.drafting.review import review_from
    from assistant.stats import year_statistics
    from assistant.stores.records import RecordStore

    sub = build_submission(NO_SCORES)
    sub.file.sha256 = "f" * 64
    found = check_submission(sub, profile=national)
    rows = len(check_submission(sub, profile=national, fold=False))
    assert len(found) < rows
    records = RecordStore(f"sqlite:///{tmp_path / 'records.db'}")
    records.save_submission(sub, findings=found)
    assert records.get_findings(sub.id) == found  # the occurrences are stored with them

    stats = year_statistics(records, 2023)
    assert len(stats.findings) == len(found)
    (facts,) = [f for f in stats.findings if f.rule == "MISSING-IND-001"]
    assert facts.occurrences == 7 * 2 and facts.location == "表1（14 处）"

    letter = review_from(sub, records.get_findings(sub.id))
    assert f"审核发现问题{len(found)}项" in letter.facts["review:counts"].text
    (folded,) = [f for f in found if f.rule == "MISSING-IND-001"]
    (problem,) = [b for b in letter.blocks_with("problem") if b.cites == [folded.id]]
    # the letter speaks to the unit (issue 20): the rows it names, each once, and how many
    assert problem.text.count("第1行“资助学生人数”") == 1 and "等7行" in problem.text
    records.close()
