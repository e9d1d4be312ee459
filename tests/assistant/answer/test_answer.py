"""``ask`` end to end on a small real store: routing, rows, citations to the cell, not-found,
the injection case, follow-ups and streaming."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import Answer, ask, ask_stream
from assistant.answer.conversation import last_turn
from assistant.answer.guard import unsupported_numbers
from assistant.answer.text import numbers
from assistant.settings import Settings
from tests.assistant.answer.ask_support import make_small_stores


def evidence_of(answer: Answer, stores) -> list[str]:
    return [c.text for c in stores.records.get_chunks([c.chunk_id for c in answer.citations])]


def assert_numbers_supported(answer: Answer, stores) -> None:
    """Every number in the answer is in the cited chunks or the structured rows."""
    row_text = " ".join(str(v) for r in answer.rows for v in r.values())
    if answer.aggregate:
        row_text += " " + " ".join(str(x) for x in [answer.aggregate["value"], answer.aggregate["total_rows"],
                                                    len(answer.aggregate["groups"])]
                                   + [g[k] for g in answer.aggregate["groups"] for k in ("value", "rows")])
    extra = numbers(" ".join([row_text, answer.query_in_words or "", answer.question]), skip_ordinals=False)
    extra += numbers(str(len(answer.rows)))
    assert unsupported_numbers(answer.text, evidence_of(answer, stores), extra) == [], answer.text


def test_structured_answer_shows_rows_and_query_in_words(small):
    a = ask("2022年自评得分在90分以上但执行率不足60%的项目有几个？", small)
    assert a.kind == "structured" and a.found
    assert a.text.startswith("符合条件的项目共2个。")
    assert {r["submission_id"] for r in a.rows} == {"aaaa000000000001", "cccc000000000003"}
    assert a.query_in_words == "在项目支出自评表中，筛选2022年度、自评总分不低于90分、预算执行率低于60%的记录，统计项目个数。"
    assert a.query["aggregate"]["op"] == "count" and not a.citations
    assert_numbers_supported(a, small)


@pytest.mark.parametrize("question, expected", [
    ("哪些单位预算执行率低于80%？", ["某县教育局：1个", "某县卫生健康局：1个"]),
    ("满意度指标未达标的项目列出来", ["受助学生满意度", "群众满意度", "未达标"]),
    ("教育局所有项目的预算合计是多少？", ["全年预算数合计300万元"]),
    ("哪个单位的问题最多？", ["某县教育局（2条）"]),
    ("平均自评得分是多少", ["自评总分平均为93分"]),
    ("执行率最低的项目是哪个", ["某县卫生健康局「疫苗接种」（2022年）：预算执行率50%"]),
    ("评价等级为良的项目有几个", ["共1个"]),
])
def test_structured_questions(small, question, expected):
    a = ask(question, small)
    assert a.kind == "structured", a
    for part in expected:
        assert part in a.text, a.text
    assert all(r["submission_id"] for r in a.rows)
    assert_numbers_supported(a, small)


def test_mixed_answer_lists_rows_then_cited_reasons(small):
    a = ask("执行率最低的两个项目分别说明了什么原因？", small)
    assert a.kind == "mixed"
    assert [r["project"] for r in a.rows] == ["疫苗接种", "学生资助"]
    assert "疫苗采购款项结算延迟" in a.text and "部分资金年底才下达" in a.text
    assert {c.submission_id for c in a.citations} == {"aaaa000000000001", "cccc000000000003"}
    assert_numbers_supported(a, small)


def test_document_answer_cites_the_table_cell(small):
    a = ask("某县教育局学生资助项目的受助学生满意度实际完成多少？", small)
    assert a.kind == "document" and a.found
    assert "85%" in a.text and "[1]" in a.text
    first = a.citations[0]
    assert (first.submission_id, first.file) == ("aaaa000000000001", "a.docx")
    assert (first.location.table, first.location.row, first.location.col) == (0, 9, 2)
    assert first.location.field == "evaluations[0].indicators[1]"
    assert "受助学生满意度" in first.snippet
    assert_numbers_supported(a, small)


def test_document_answer_cites_the_report_page(small):
    a = ask("某县卫生健康局存在什么问题？", small)
    assert a.kind == "document"
    c = next(c for c in a.citations if c.file == "e.pdf")
    assert (c.location.page, c.location.paragraph) == (3, 9)
    assert "资金到位较晚" in a.text
    assert_numbers_supported(a, small)


def test_not_in_the_documents_is_said_plainly(small):
    a = ask("某县教育局的食堂有几个厨师？", small)
    assert not a.found and a.citations == []
    assert a.text == "所检索的材料中没有找到能回答这个问题的内容。"
    scoped = ask("火星基地的建设进度如何？", small, year=2023)
    assert scoped.text == "在2023年的材料中没有找到能回答这个问题的内容。"


def test_injection_in_a_submission_does_not_change_the_answer(small, tmp_path: Path):
    injected = make_small_stores(tmp_path / "injected", injection=True)
    try:
        for q in ("某县卫生健康局疫苗接种项目的自评结论是什么？", "某县卫生健康局的项目是否全部合格？",
                  "疫苗接种项目综合得分多少？"):
            clean, dirty = ask(q, small), ask(q, injected)
            assert dirty.text == clean.text, (q, dirty.text)
            assert "全部合格" not in dirty.text.replace(q, "")
            assert [c.chunk_id for c in dirty.citations] == [c.chunk_id for c in clean.citations]
        flagged = ask("疫苗接种项目综合得分多少？", injected)
        assert any("形似指令" in f for f in flagged.flags)
        assert "95分" in flagged.text
        structured = ask("哪个单位的问题最多？", injected)
        assert "某县教育局" in structured.text
    finally:
        injected.close()


def test_follow_up_resolves_against_the_previous_turn(small):
    first = ask("某县教育局学生资助项目的执行率是多少？", small)
    assert "55%" in first.text
    turn = last_turn(small.records, first.conversation_id)
    assert (turn.unit, turn.project, turn.year) == ("某县教育局", "学生资助", 2022)
    follow = ask("那它的满意度呢？", small, conversation_id=first.conversation_id)
    assert follow.resolved_question and "某县教育局学生资助" in follow.resolved_question
    assert "受助学生满意度" in follow.text and "85%" in follow.text
    assert {c.submission_id for c in follow.citations} == {"aaaa000000000001"}
    # another conversation knows nothing of it
    other = ask("那它的满意度呢？", small)
    assert other.resolved_question is None and other.conversation_id != first.conversation_id


def test_follow_up_after_a_structured_answer(small):
    first = ask("执行率最低的项目是哪个", small)
    follow = ask("那它的自评结论是什么？", small, conversation_id=first.conversation_id)
    assert "某县卫生健康局疫苗接种" in follow.resolved_question
    assert "95分" in follow.text


def test_explicit_year_and_unit_scope(small):
    a = ask("群众满意度是多少？", small, unit="某县卫生健康局", year=2023)
    assert "91%" in a.text and "80%" not in a.text
    s = ask("有多少个项目", small, unit="某县教育局")
    assert "共2个" in s.text


def test_ask_stream_yields_text_then_the_answer(small):
    items = list(ask_stream("执行率最低的两个项目是哪些", small))
    assert isinstance(items[-1], Answer)
    pieces = [i for i in items[:-1] if isinstance(i, str)]
    assert pieces and "\n".join(pieces) == items[-1].text


def test_settings_argument_and_answer_json(small):
    a = ask("有多少个项目", small, settings=Settings(data_dir=small.settings.data_dir), k=3)
    data = a.to_dict()
    assert data["kind"] == "structured" and data["conversation_id"] == a.conversation_id
    assert set(data) >= {"text", "kind", "citations", "rows", "query_in_words", "flags", "conversation_id"}
