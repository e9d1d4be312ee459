"""Conversation state (issue 18, item 1) and the glossary of look-alike terms (item 3), end to end on
the small hand-made store: a follow-up carries the subject, a changed year is honoured or said to be
missing, the subject's parts can be removed, conversations are kept per user and reopened."""

from __future__ import annotations

import pytest

from assistant.answer import ask
from assistant.answer.followup import resolve_followup
from assistant.answer.parser import parse_question
from assistant.answer.terms import find_terms
from assistant.retrieval.gazetteer import gazetteer
from assistant.stores.conversations import (
    Subject,
    conversation_subject,
    get_conversation,
    list_conversations,
    rename_conversation,
    set_subject,
)


def test_a_year_only_follow_up_keeps_the_measure_and_changes_the_year(small):
    first = ask("某县卫生健康局疫苗接种项目2022年的预算执行率是多少？", small)
    assert "50%" in first.text and "96.88%" not in first.text
    assert first.subject["measure"] == "预算执行率" and first.subject["year"] == 2022
    follow = ask("那2023年呢？", small, conversation_id=first.conversation_id)
    assert "2023年" in follow.resolved_question and "执行率" in follow.resolved_question
    assert "96.88%" in follow.text and "50%" not in follow.text
    assert {c.submission_id for c in follow.citations} == {"dddd000000000004"}
    assert follow.subject["year"] == 2023 and follow.subject["measure"] == "预算执行率"


def test_a_changed_year_is_the_scope_even_when_the_question_names_two(small, gaz=None):
    from assistant.answer.conversation import Turn
    from assistant.answer.engine import resolve_question

    prev = Turn(question="某县卫生健康局2022年疫苗接种项目的执行率是多少？", unit="某县卫生健康局", project="疫苗接种",
                year=2022)
    asked = resolve_question("那2023年呢？", prev, gazetteer(small.records), None, None)
    assert asked.year == 2023


def test_a_year_with_no_material_is_said_to_be_missing_never_answered_with_another_year(small):
    first = ask("某县教育局学生资助项目的执行率是多少？", small)
    assert "55%" in first.text
    follow = ask("那2021年呢？", small, conversation_id=first.conversation_id)
    assert not follow.found and not follow.citations
    assert "55%" not in follow.text and "55" not in follow.text
    assert "2021年" in follow.text and "a.docx" in follow.text and "2022年" in follow.text
    # the same question asked directly gets the same reply
    direct = ask("2021年某县教育局学生资助项目的执行率是多少？", small)
    assert not direct.found and "55%" not in direct.text and "a.docx" in direct.text


def test_a_new_measure_on_the_same_subject(small):
    first = ask("某县卫生健康局疫苗接种项目2023年的预算执行率是多少？", small)
    follow = ask("它的满意度指标呢？", small, conversation_id=first.conversation_id)
    assert follow.resolved_question.startswith("某县卫生健康局疫苗接种")
    assert "群众满意度" in follow.text and "91%" in follow.text and "80%" not in follow.text
    assert follow.subject["indicator"] == "群众满意度" and follow.subject["measure"] == "满意度"
    short = ask("满意度呢？", small, conversation_id=ask("某县教育局学生资助项目的执行率是多少？", small).conversation_id)
    assert "受助学生满意度" in short.text and "85%" in short.text


def test_a_removed_part_of_the_subject_is_no_longer_carried(small):
    first = ask("某县卫生健康局疫苗接种项目2022年的预算执行率是多少？", small)
    cid = first.conversation_id
    subject = conversation_subject(small.records, cid)
    assert subject == Subject(**first.subject)
    assert set_subject(small.records, cid, subject.without("year"))
    follow = ask("它的满意度指标呢？", small, conversation_id=cid)
    # no year carried: both years' 群众满意度 rows may answer; with the year it was 2022's only
    kept = ask("它的满意度指标呢？", small, conversation_id=ask("某县卫生健康局疫苗接种项目2022年的预算执行率是多少？",
                                                          small).conversation_id)
    assert "80%" in kept.text and "91%" not in kept.text
    assert "91%" in follow.text
    assert set_subject(small.records, cid, Subject()) and not set_subject(small.records, "no-such", Subject())
    alone = ask("满意度呢？", small, conversation_id=cid)
    assert alone.resolved_question is None  # nothing left to refer to


def test_conversations_are_kept_per_user_and_reopened(small):
    first = ask("某县教育局学生资助项目的执行率是多少？", small, user="张审核")
    ask("那2021年呢？", small, conversation_id=first.conversation_id, user="张审核")
    ask("哪些单位预算执行率低于80%？", small, user="李审核")
    mine = list_conversations(small.records, "张审核")
    assert [c.id for c in mine] == [first.conversation_id]
    assert mine[0].title == "某县教育局学生资助项目的执行率是多少？" and mine[0].turns == 2
    assert first.conversation_id not in {c.id for c in list_conversations(small.records, "李审核")}
    convo = get_conversation(small.records, first.conversation_id)
    assert [t.question for t in convo.turns] == ["某县教育局学生资助项目的执行率是多少？", "那2021年呢？"]
    shown = convo.turns[0].answer
    assert shown["text"] == first.text and shown["citations"][0]["chunk_id"] == first.citations[0].chunk_id
    assert convo.turns[1].answer["found"] is False and convo.summary.subject.year == 2021
    assert rename_conversation(small.records, first.conversation_id, "  学生资助执行率  ")
    assert get_conversation(small.records, first.conversation_id).summary.title == "学生资助执行率"
    assert get_conversation(small.records, "no-such") is None


@pytest.mark.parametrize("question, term", [
    ("政府采购执行率是多少", "政府采购执行率"), ("预算执行率得分多少", "预算执行率得分"), ("复核得分", "复核得分"),
    ("调整后预算是多少", "全年预算"), ("年初预算数", "年初预算"), ("资金到位率", "资金到位率"), ("执行率", "预算执行率"),
])
def test_the_glossary_reads_the_longest_term(question, term):
    assert [t.term for t in find_terms(question)] == [term]


@pytest.mark.parametrize("question, neighbour", [
    ("某县卫生健康局疫苗接种项目的政府采购执行率是多少？", "预算执行率"),
    ("疫苗接种项目的复核得分是多少？", "自评得分"),
    ("某县教育局学生资助项目的资金到位率是多少？", "预算执行率"),
])
def test_a_term_the_records_do_not_hold_is_said_to_be_missing(small, question, neighbour):
    a = ask(question, small)
    assert not a.found and not a.citations and a.kind == "document"
    assert "审核数据中没有" in a.text and neighbour in a.text
    assert not any(x in a.text for x in ("50%", "55%", "95", "92"))


def test_a_look_alike_term_routes_to_its_own_field(small):
    adjusted = ask("疫苗接种项目2022年的调整后预算是多少？", small)
    assert adjusted.found and "全年预算数300" in adjusted.text
    assert {c.submission_id for c in adjusted.citations} == {"cccc000000000003"}


def test_resolve_followup_replaces_only_the_changed_part(small):
    gaz = gazetteer(small.records)
    subject = Subject(unit="某县教育局", project="学生资助", year=2022, measure="预算执行率")
    prev = "某县教育局学生资助项目的执行率是多少？"
    for q in ("那2021年呢？", "2021年的呢？", "那么2021年呢"):
        r = resolve_followup(q, subject, prev, parse_question(q, gaz))
        assert r.followed and r.replaced and r.question == "2021年某县教育局学生资助项目的执行率是多少？", q
    other = resolve_followup("那某县卫生健康局呢？", subject, prev, parse_question("那某县卫生健康局呢？", gaz))
    assert other.question == "某县卫生健康局学生资助项目的执行率是多少？"
    # a project the store spells otherwise (修工程 for 修缮工程): the year inside its name stays
    odd = Subject(unit="江州市文物保护中心", project="2024年文物保护修工程", year=2024)
    named = resolve_followup("那2023年呢？", odd, "江州市文物保护中心2024年文物保护修缮工程2024年的预算执行率是多少？",
                             parse_question("那2023年呢？", gaz))
    assert named.question == "2023年江州市文物保护中心2024年文物保护修缮工程的预算执行率是多少？"
    fresh = resolve_followup("哪些单位预算执行率低于80%？", subject, prev, parse_question("哪些单位预算执行率低于80%？", gaz))
    assert not fresh.followed and fresh.question == "哪些单位预算执行率低于80%？"
    assert not resolve_followup("那2021年呢？", None, None, parse_question("那2021年呢？", gaz)).followed


def test_a_list_of_a_projects_indicators_is_every_indicator_row(small):
    a = ask("列出某县教育局学生资助项目的全部指标", small)
    assert a.kind == "structured" and a.query["entity"] == "indicator"
    assert {r["indicator"] for r in a.rows} == {"资助学生人数", "受助学生满意度"}


def test_all_rows_are_returned_when_all_are_asked_for(small, monkeypatch):
    from assistant.answer.executor import execute

    monkeypatch.setattr(execute, "__kwdefaults__", {"row_cap": 1})  # as if there were more rows than the cap
    some = ask("有哪些指标未达标？", small)
    assert some.aggregate["total_rows"] == 2 and len(some.rows) == 1 and "仅列出前1" in some.text
    every = ask("列出所有未达标的指标", small)
    assert len(every.rows) == every.aggregate["total_rows"] == 2


def test_what_is_missing_is_said_with_the_materials_searched_and_the_finding_that_reports_it(tmp_path):
    from assistant.model import Finding, Location
    from ingest.chunking import chunk_submission
    from tests.assistant.answer.ask_support import _ind, _table, make_small_stores

    stores = make_small_stores(tmp_path / "gap")
    try:
        # a 2022 table of 某县民政局 with no 满意度 row: the checker's MISSING-IND-003 says so
        sub = _table("ffff000000000006", "某县民政局", 2022, "低保救助", "f.docx", 80.0, 78.0, "97.5%", 90.0, "优",
                     [_ind("产出指标", "数量指标", "救助人数", "≥300人", "310人", 30, 30, 5, "f.docx")])
        missing = Finding(rule="MISSING-IND-003", severity="warning", message="未设置满意度指标",
                          location=Location(field="evaluations[0].indicators"))
        stores.save(sub, chunk_submission(sub), [missing])
        stores.sync_vectors()
        a = ask("某县民政局低保救助项目的满意度是多少？", stores)
        assert not a.found and not a.citations
        assert "f.docx（2022年自评表）" in a.text and "MISSING-IND-003" in a.text and "未设置满意度指标" in a.text
        assert "97.5" not in a.text and "%" not in a.text  # no figure fills the gap
        from assistant.answer import ask_stream

        items = list(ask_stream("某县民政局低保救助项目的满意度是多少？", stores))
        assert "\n".join(i for i in items if isinstance(i, str)) == items[-1].text  # streamed as answered
    finally:
        stores.close()


def test_a_changed_unit_that_filed_nothing_on_the_project_is_said_never_answered_with_its_other_project(small):
    first = ask("某县卫生健康局疫苗接种2023年的预算执行率是多少？", small)
    assert first.found and "96.88%" in first.text
    # 某县教育局 filed 学生资助 and 校舍维修, never 疫苗接种: its 55% / 95% are not the answer
    other = ask("那某县教育局呢？", small, conversation_id=first.conversation_id)
    assert other.resolved_question == "某县教育局疫苗接种2023年的预算执行率是多少？"
    assert not other.found and not other.citations, other.text
    assert "某县教育局没有报送关于“疫苗接种”的材料" in other.text and "学生资助" in other.text
    assert not any(x in other.text for x in ("55%", "95%", "96.88%"))
    # the unit that did file it is still answered
    again = ask("某县卫生健康局疫苗接种2022年的预算执行率是多少？", small)
    assert again.found and "50%" in again.text
