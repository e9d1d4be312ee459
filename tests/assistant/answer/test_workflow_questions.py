"""Questions about the review itself (issue 18 item 2) and ask-back on ambiguity (item 3), end to
end on the small hand-made store with the review set up here: states, reviewers, decisions and a
second version."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from assistant.answer import ask
from assistant.answer.parser import parse_question
from assistant.answer.parsing.workflow import NO_RULE_NOTE, find_workflow
from assistant.model import Finding, Location, Section
from assistant.retrieval.gazetteer import Gazetteer
from assistant.review.decisions import DecisionRequest
from assistant.review.roles import Actor
from assistant.settings import Settings
from assistant.stores import Stores
from assistant.stores.users import UserStore
from ingest.chunking import chunk_submission
from tests.assistant.answer.ask_support import make_small_stores

ADMIN = Actor("管理员", admin=True)
A, B, C, D, E = "aaaa000000000001", "bbbb000000000002", "cccc000000000003", "dddd000000000004", "eeee000000000005"
A2 = "aaaa00000000000a"  # 学生资助's second version


def _finding(stores: Stores, sid: str, rule: str) -> Finding:
    return next(f for f in stores.records.get_findings(sid) if f.rule == rule)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    """The small store; 学生资助 (a) returned and resubmitted (已重报) as a second version that no
    longer has its CALC-IND-001; 疫苗接种 2022 (c) in review with its one error judged 误报; 校舍维修
    (b) approved; 疫苗接种 2023 (d) returned.
    A second 教育局 and a report naming 政府采购执行率 make two ambiguities."""
    stores = make_small_stores(tmp_path_factory.mktemp("workflow"), settings_for=lambda d: Settings(data_dir=d))
    for name in ("张三", "李四"):
        UserStore(stores.records.engine).add(name, "reviewer")
    rv = stores.review
    rv.assign(A, "张三", ADMIN)
    rv.assign(C, "张三", ADMIN)
    rv.assign(B, "李四", ADMIN)
    rv.assign(D, "李四", ADMIN)
    for sid, path in ((A, ("in_review", "returned")), (C, ("in_review",)), (B, ("in_review", "approved")),
                      (D, ("in_review", "returned"))):
        for target in path:
            rv.transition(sid, target, ADMIN, reason="测试")
    rv.decide(DecisionRequest(_finding(stores, C, "CALC-FUND-001").id, "false_positive", ADMIN.name, reason="测试"))
    rv.decide(DecisionRequest(_finding(stores, A, "WEAK-VAL-001").id, "confirmed", ADMIN.name))

    a = stores.records.get_submission(A)
    v2 = copy.deepcopy(a)
    v2.id, v2.file = A2, copy.deepcopy(a.file)
    v2.file.name, v2.file.sha256 = "a-v2.docx", "f" * 64
    kept = [Finding(rule="WEAK-VAL-001", severity="warning", message="指标值表述模糊",
                    location=Location(field="evaluations[0].indicators[0].target"))]
    stores.save(v2, chunk_submission(v2), kept, replaces=A)

    other = copy.deepcopy(stores.records.get_submission(B))
    other.id, other.unit, other.department = "ffff000000000006", "某市教育局", "某市教育局"
    other.file.name, other.file.sha256 = "f.docx", "9" * 64
    other.evaluations[0].department = other.evaluations[0].impl_unit = "某市教育局"
    stores.save(other, chunk_submission(other), [])
    e = stores.records.get_submission(E)
    e.sections.append(Section(path=["五、政府采购"], level=1, text="政府采购执行率为90%，采购程序规范。",
                              location=Location(file="e.pdf", page=3, paragraph=12)))
    stores.save(e, chunk_submission(e), [])
    stores.sync_vectors()
    yield stores
    stores.close()


def test_states_are_read_as_the_workflow_codes_they_name():
    gaz = Gazetteer(assignees=("张三",))
    w = find_workflow("修改后通过的有哪些", "project", {}, [], [], gaz)
    assert w.entity == "submission"
    assert [(f.field, f.op, f.value) for f in w.filters] == [("state", "=", "approved_with_changes")]
    w = find_workflow("张三手上还有几份没审", "project", {}, [], [], gaz)
    assert {f.field: f.value for f in w.filters} == {"assignee": "张三",
                                                     "state": ["pending", "in_review", "resubmitted"]}
    w = find_workflow("王五手上有哪些材料", "project", {}, [], [], Gazetteer())
    assert {f.field: f.value for f in w.filters} == {"assignee": "王五"}  # a name the store does not know yet
    w = find_workflow("误报最多的是哪条规则", "project", {}, [], [], gaz)
    assert w.entity == "finding" and w.group_by == "rule"
    assert [(f.field, f.value) for f in w.filters] == [("decision", "false_positive")]
    w = find_workflow("哪些单位照抄了上年目标", "project", {}, [], [], gaz)
    assert f"{NO_RULE_NOTE}照抄了上年目标" in w.notes


def test_words_that_are_also_plain_chinese_stay_document_questions():
    # 通过 is also "by means of", 退回 also "money returned": neither is a review state there
    assert parse_question("满意度调查是通过什么方式开展的？").route == "document"
    assert parse_question("结余资金退回资金多少？").route == "document"
    assert parse_question("审核通过的有多少份？").query.filter_value("state") is None  # 通过 or 修改后通过
    assert [f.value for f in parse_question("审核通过的有多少份？").query.filters] == [
        ["approved", "approved_with_changes"]]


def test_returned_submissions_are_listed(review):
    a = ask("退回的有哪些？", review)
    assert a.kind == "structured" and a.query["entity"] == "submission"
    assert {r["submission_id"] for r in a.rows} == {D}  # 学生资助 came back: its new version moved it on
    assert "退回重报" in a.text and "退回重报" in a.query_in_words
    again = ask("已重报的有哪些？", review)
    assert {r["submission_id"] for r in again.rows} == {A} and "已重报" in again.text


def test_a_reviewers_open_submissions_are_counted(review):
    a = ask("张三手上还有几份没审？", review)
    assert a.aggregate["value"] == 2  # 疫苗接种 in review, 学生资助 resubmitted
    assert {r["submission_id"] for r in a.rows} == {A, C}
    assert ask("李四手上还有几份没审？", review).aggregate["value"] == 0  # one approved, one with the unit


def test_false_positives_are_left_out_unless_asked_for(review):
    counted = ask("某县卫生健康局的审核发现有多少条？", review)
    assert counted.aggregate["value"] == 0
    fp = ask("某县卫生健康局有多少条误报？", review)
    assert fp.aggregate["value"] == 1 and fp.rows[0]["rule"] == "CALC-FUND-001"
    top = ask("误报最多的是哪条规则？", review)
    assert top.aggregate["groups"][0]["key"] == "CALC-FUND-001" and "CALC-FUND-001" in top.text


def test_the_project_with_most_errors_counts_only_standing_errors(review):
    a = ask("哪个项目错误最多？", review)
    assert a.query["entity"] == "finding" and a.query["group_by"] == "project"
    assert a.aggregate["groups"][0]["key"] == "学生资助"  # 疫苗接种's one error is a 误报
    assert all(g["key"] != "疫苗接种" for g in a.aggregate["groups"])


def test_decisions_read_as_reviewers_name_them(review):
    a = ask("已确认的问题有多少条？", review)
    # the second version's unchanged finding carries the decision over
    assert a.aggregate["value"] == 2 and {(r["submission_id"], r["rule"]) for r in a.rows} == {
        (A, "WEAK-VAL-001"), (A2, "WEAK-VAL-001")}
    assert "审核决定为确认" in a.query_in_words


def test_a_defect_no_rule_checks_is_said_and_not_counted(review):
    a = ask("哪些单位照抄了上年目标？", review)
    assert not a.found and not a.rows
    assert "没有检查“照抄了上年目标”的规则" in a.text
    assert parse_question("哪些单位照抄了上年目标？").notes


def test_the_second_version_lists_the_problems_the_first_had(review):
    a = ask("某县教育局学生资助第二版比第一版少了哪些问题？", review)
    assert a.found and [r["rule"] for r in a.rows] == ["CALC-IND-001"]
    assert "少了1条" in a.text and "WEAK-VAL-001" not in a.text


def test_a_unit_name_several_units_contain_is_asked_back(review):
    a = ask("教育局学生资助项目的预算执行率是多少？", review)
    assert not a.found and not a.rows
    assert {o.label for o in a.options} == {"某县教育局", "某市教育局"}
    chosen = next(o for o in a.options if o.label == "某县教育局")
    assert chosen.question == "某县教育局学生资助项目的预算执行率是多少？"
    answered = ask(chosen.question, review, conversation_id=a.conversation_id)
    assert "55%" in answered.text and not answered.options


def test_a_bare_rate_is_asked_back_when_the_material_holds_both_rates(review):
    a = ask("某县卫生健康局的执行率是多少？", review, year=2022)
    assert [o.label for o in a.options] == ["预算执行率", "政府采购执行率"]
    assert a.options[1].question == "某县卫生健康局的政府采购执行率是多少？"
    assert "执行率" in a.text and not a.found
    # named in full, the same question is answered
    assert not ask("某县卫生健康局的预算执行率是多少？", review, year=2022).options


def test_a_bare_rate_is_answered_when_only_one_rate_is_in_the_material(review):
    a = ask("某县教育局学生资助的执行率是多少？", review)
    assert not a.options and "55%" in a.text


def test_submissions_are_counted_per_reviewer(review):
    a = ask("各审核人手上各有多少份材料？", review)
    assert a.query["group_by"] == "assignee" and not any(f["field"] == "assignee" for f in a.query["filters"])
    assert {g["key"]: g["value"] for g in a.aggregate["groups"]} == {"张三": 2, "李四": 2}
