"""The independent draft check (eval/faithfulness.py): hand-made records where every number's source
is known, then the real drafts of the session corpus — faithful as built, caught when tampered."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from eval.faithfulness import Scope, check_text, claim_blocks, explained, numbers_of
from tests.support.synth_corpus import runs_ocr

SUBS = [
    {"id": "s1", "kind": "table", "unit": "某县教育局", "department": "某县教育局", "year": 2023, "evaluations": [
        {"kind": "project", "project_name": "学生资助", "total_score": 92.5, "grade": "优",
         "funds": {"unit": "万元", "rate": {"number": 55.0},
                   "rows": [{"category": "total", "budget_initial": 100.0, "budget_full_year": 100.0,
                             "exec_amount": 55.0}]},
         "indicators": [{"name": "资助人数"}]}]},
    {"id": "s2", "kind": "table", "unit": "某县卫生健康局", "department": "某县卫生健康局", "year": 2023, "evaluations": [
        {"kind": "project", "project_name": "疫苗接种", "total_score": 88.25, "grade": "良",
         "funds": {"unit": "元", "rate": {"number": 95.0},
                   "rows": [{"category": "total", "budget_initial": 2000000.0, "budget_full_year": 2000000.0,
                             "exec_amount": 1900000.0}]},
         "indicators": []}]},
]
FINDINGS = [
    {"id": "f1", "submission_id": "s1", "rule": "CALC-FUND-001", "severity": "error", "message": "执行率应为55.00%"},
    {"id": "f2", "submission_id": "s1", "rule": "WEAK-VAL-001", "severity": "warning", "message": "指标值表述模糊"},
    {"id": "f3", "submission_id": "s2", "rule": "WEAK-VAL-002", "severity": "warning", "message": "缺少计量单位"},
]
SCOPE = Scope(SUBS, FINDINGS)


def check(text: str):
    return check_text([("b", text)], SCOPE, {2023.0}, set())


def test_rounding_as_written():
    assert explained(98.46, [98.4567]) and explained(98.5, [98.4567]) and explained(98, [98.0])
    assert not explained(98.47, [98.4567]) and not explained(98.4, [98.4567])
    assert numbers_of("1、共发现问题3条，占75%") == [3.0, 75.0]  # the list marker is no claim
    assert numbers_of("合计 1,236.55　37.09 第1，2项") == [1236.55, 37.09, 1.0, 2.0]  # cells stay apart


def test_every_number_of_a_faithful_text_has_a_source():
    r = check("2023年度共2个项目，全年预算数合计300万元，执行数合计245万元；发现问题3条，其中错误类1条、"
              "警告类2条，涉及材料2份，占100%；问题较多的单位为某县教育局（2条）。平均得分90.38分；"
              "“学生资助”项目得分92.5分，执行率55%。")
    assert r.unexplained == [] and r.numbers == 13 and r.names == 2 and r.names_found == 2
    assert r.recorded and r.derived  # both kinds of source were needed


@pytest.mark.parametrize(("text", "bad"), [
    ("全年预算数合计301万元", 301.0),  # a sum that is off
    ("发现问题4条", 4.0),  # a count that is off
    ("平均得分91.38分", 91.38),  # a mean that is off
    ("“学生资助”项目得分93.5分", 93.5),  # a score not in the records
])
def test_a_wrong_number_is_unexplained(text: str, bad: float):
    assert [u.get("number") for u in check(text).unexplained] == [bad]


def test_an_invented_name_is_unexplained():
    r = check("如“乡村振兴示范”项目，某县水利局的自评表。“学生资助”项目，某县教育局。")
    assert [u["name"] for u in r.unexplained] == ["乡村振兴示范", "某县水利局"]
    assert (r.names, r.names_found) == (4, 2)


# --- real drafts ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
@runs_ocr
def drafted(tmp_path_factory):
    from assistant.drafting import build_annual, build_review
    from eval.draft_eval import record_scope
    from tests.assistant.drafting.corpus import ingested_corpus

    corpus = ingested_corpus(tmp_path_factory.getbasetemp())
    records = corpus.records
    subs = [s.to_dict() for s in records.get_submissions([s.id for s in records.list_submissions()])]
    findings = [asdict(f) for f in records.get_findings()]
    year = corpus.busiest_year()
    drafts = [build_annual(records, year)] + [build_review(records, sid)
                                              for sid in sorted({f["submission_id"] for f in findings})[:3]]
    yield [(d, record_scope(records, d, subs, findings)) for d in drafts]
    corpus.stores.close()


def test_real_drafts_are_explained_by_the_records(drafted):
    for d, scope in drafted:
        r = check_text(claim_blocks(d.to_dict()), scope, {float(d.meta["year"])} if d.meta.get("year") else set(),
                       set())
        assert r.numbers > 5 and r.unexplained == [], (d.key, r.unexplained[:5])


def test_a_tampered_real_draft_is_caught(drafted):
    d, scope = drafted[0]
    data = d.to_dict()
    block = next(b for b in data["blocks"] if b["kind"] == "para" and "万元" in (b["text"] or ""))
    block["text"] = block["text"].replace("万元", "1万元", 1)  # 1236.55万元 → 1236.551万元
    r = check_text(claim_blocks(data), scope, {float(d.meta["year"])}, set())
    assert len(r.unexplained) == 1 and r.unexplained[0]["block"] == block["key"]


def test_a_group_sum_counts_only_the_flagged_projects_of_a_file():
    three = {"id": "s3", "kind": "table", "unit": "某县水利局", "year": 2023, "evaluations": [
        {"kind": "project", "project_name": f"工程{i}", "funds": {"unit": "万元", "rows": [
            {"category": "total", "budget_full_year": amount}]}} for i, amount in ((1, 40.0), (2, 70.0), (3, 25.0))]}
    findings = [{"id": f"f{i}", "submission_id": "s3", "rule": "WEAK-VAL-001", "severity": "warning", "message": "",
                 "location": {"field": f"evaluations[{i}].indicators[0].target"}} for i in (0, 1)]
    scope = Scope([three], findings)
    # the two flagged projects: 40 + 70; the file's three projects (135) are explained by the scope total
    assert check_text([("b", "存在该类问题的项目全年预算数合计110万元")], scope, set(), set()).unexplained == []
    wrong = check_text([("b", "存在该类问题的项目全年预算数合计95万元")], scope, set(), set())  # 70 + 25
    assert [u["number"] for u in wrong.unexplained] == [95.0]
