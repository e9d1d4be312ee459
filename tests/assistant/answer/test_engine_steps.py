"""The named steps of ``ask_stream`` alone, on the small hand-made store (``small``)."""

from __future__ import annotations

import pytest

from assistant.answer.conversation import Turn
from assistant.answer.draft import Draft, cited, end_sentence
from assistant.answer.engine import (
    Asked,
    Plan,
    Queried,
    build_answer,
    joined,
    plan_route,
    remembered,
    resolve_question,
    run_query,
    scoped,
)
from assistant.answer.from_documents import answer_from_documents, named_in_question, not_found_message
from assistant.answer.from_records import allowed_numbers, answer_from_records
from assistant.answer.parser import parse_question
from assistant.answer.query import Filter, StructuredQuery
from assistant.retrieval import HybridRetriever
from assistant.retrieval.gazetteer import gazetteer


@pytest.fixture(scope="module")
def gaz(small):
    return gazetteer(small.records)


def test_resolve_question_completes_a_follow_up_and_takes_its_scope(gaz) -> None:
    prev = Turn(question="某县卫生健康局疫苗接种项目的执行率是多少？", unit="某县卫生健康局", project="疫苗接种", year=2022)
    asked = resolve_question("那它的满意度呢？", prev, gaz, None, None)
    assert asked.followed and asked.resolved == "某县卫生健康局疫苗接种的满意度如何？"
    # the year comes from the previous turn; the unit is named in the completed question itself
    assert (asked.year, asked.unit, asked.parsed.units) == (2022, None, ["某县卫生健康局"])
    assert len(asked.flags) == 1 and asked.resolved in asked.flags[0]
    alone = resolve_question("哪些单位预算执行率低于80%？", None, gaz, 2023, None)
    assert not alone.followed and alone.year == 2023 and alone.flags == []


def test_plan_route_without_a_model_is_the_parsers(small, gaz) -> None:
    asked = resolve_question("哪些单位预算执行率低于80%？", None, gaz, None, None)
    plan = plan_route(asked, None, small.records, gaz)
    assert plan.route == "structured" and plan.query is asked.parsed.query and not plan.from_llm


def test_plan_route_falls_back_to_the_parser_when_the_model_fails(small, gaz) -> None:
    class Broken:
        def bind_tools(self, *args, **kwargs):
            raise RuntimeError("server down")

    asked = resolve_question("哪些单位预算执行率低于80%？", None, gaz, None, None)
    plan = plan_route(asked, Broken(), small.records, gaz)
    assert plan.route == "structured" and plan.query is asked.parsed.query
    assert len(plan.flags) == 1 and "RuntimeError" in plan.flags[0]


def test_scoped_adds_the_explicit_scope_unless_the_query_names_its_own() -> None:
    q = StructuredQuery(entity="project", filters=[Filter(field="year", op="=", value=2023)])
    out = scoped(q, 2022, "某县教育局")
    assert [(f.field, f.value) for f in out.filters] == [("unit", "某县教育局"), ("year", 2023)]


def test_run_query_runs_and_an_empty_guess_goes_to_the_documents(small) -> None:
    q = parse_question("哪些项目预算执行率低于80%？").query
    got = run_query(Plan("structured", q, False), None, None, small.records)
    assert got.route == "structured" and {r["project"] for r in got.result.rows} == {"学生资助", "疫苗接种"}
    none = parse_question("哪些项目预算执行率低于10%？").query
    assert run_query(Plan("structured", none, False), None, None, small.records).result.empty
    fallback = run_query(Plan("structured", none, True), None, None, small.records)
    assert (fallback.route, fallback.query, fallback.result) == ("document", None, None) and fallback.flags
    assert run_query(Plan("document", None, False), None, None, small.records).result is None


def test_answer_from_records_states_only_the_rows_numbers(small, gaz) -> None:
    q = parse_question("哪些项目预算执行率低于80%？").query
    result = run_query(Plan("structured", q, False), None, None, small.records).result
    assert {n.value for n in allowed_numbers(result, q)} >= {55.0, 50.0, 80.0}
    draft = answer_from_records(result, q, "structured", HybridRetriever(stores=small, k=4, names=gaz), 4, True)
    assert draft.kind == "structured" and draft.found and draft.citations == []
    assert any("学生资助" in line for line in draft.lines)


def test_a_mixed_answer_explains_each_row_with_a_citation(small, gaz) -> None:
    q = parse_question("执行率最低的两个项目分别说明了什么原因？").query
    result = run_query(Plan("mixed", q, False), None, None, small.records).result
    draft = answer_from_records(result, q, "mixed", HybridRetriever(stores=small, k=4, names=gaz), 4, True)
    assert draft.kind == "mixed" and draft.citations and "retrieval" in draft.timings
    assert any("支付滞后" in line or "结算延迟" in line for line in draft.lines)


def test_answer_from_documents_yields_sentences_then_returns_the_draft(small, gaz) -> None:
    q = "疫苗接种项目存在哪些问题？"
    gen = answer_from_documents(q, parse_question(q, gaz), None, None, small, gaz,
                                HybridRetriever(stores=small, k=4, names=gaz), 4, None, True)
    yielded = []
    try:
        while True:
            yielded.append(next(gen))
    except StopIteration as stop:
        draft = stop.value
    assert yielded == draft.lines and draft.found and draft.citations
    assert all("[" in line for line in draft.lines)


def test_nothing_found_is_said_with_its_scope() -> None:
    assert "2022年、某县教育局" in not_found_message(2022, "某县教育局")
    assert not_found_message(None, None) != not_found_message(2022, None)


def test_named_in_question_keeps_the_longest_spelling_of_a_project(gaz) -> None:
    q = "某县卫生健康局疫苗接种项目的问题"
    names, projects = named_in_question(q, parse_question(q, gaz), gaz)
    assert projects == ["疫苗接种"] and "某县卫生健康局" in names


def test_sentence_helpers() -> None:
    assert end_sentence("执行率为55%") == "执行率为55%。" and end_sentence("如下：") == "如下："
    assert cited("执行率为55%。", 2) == "执行率为55%[2]。" and cited("无标点", 1) == "无标点[1]"
    assert joined(["共2项：", "1. 甲。", "2. 乙。", "另见附表。"]) == "共2项：\n1. 甲。\n2. 乙。另见附表。"


def test_build_answer_and_the_turns_memory(small) -> None:
    q = parse_question("哪些项目预算执行率低于80%？").query
    queried = run_query(Plan("structured", q, False), None, None, small.records)
    asked = Asked(parsed=parse_question("哪些项目预算执行率低于80%？"), resolved="…", followed=False,
                  year=None, unit=None)
    draft = Draft(kind="structured", lines=["甲。", "乙。"])
    answer = build_answer("问", asked, queried, draft, ["a", "b", "a"], "cid-1", {"route": 0.1})
    assert answer.text == "甲。\n乙。" and answer.flags == ["a", "b"] and answer.query_in_words
    assert answer.resolved_question is None and answer.aggregate["total_rows"] == len(answer.rows)
    # two units in the rows: no unit remembered; the previous turn's project fills the gap
    prev = Turn(question="x", project="学生资助", year=2021)
    u, p, y = remembered(asked.parsed, queried.result, [], {}, prev, None, None)
    assert (u, p, y) == (None, "学生资助", 2022)
    assert remembered(asked.parsed, None, [], {}, None, None, "某县教育局") == ("某县教育局", None, None)
    assert isinstance(Queried("document", None, None).flags, list)
