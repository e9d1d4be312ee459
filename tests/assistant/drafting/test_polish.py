"""LLM polishing under the number guard, with LangChain's fake chat models."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.drafting import build_annual, build_review, check_draft, guard, polish
from assistant.drafting.polish import _polishable


def polishable(draft):
    return [b for b in draft.blocks if _polishable(b)]


def reword(text: str) -> str:
    """What a well-behaved model does: change wording, keep every number."""
    return text.replace("经审核，", "经认真审核，").replace("主要存在以下问题", "主要存在如下问题") + ""


@pytest.fixture(scope="module")
def review(records, with_findings):
    sid = max(with_findings, key=lambda s: len(records.get_findings(s)))
    return build_review(records, sid)


def test_guard():
    allowed = {"3", "91.45", "2022"}
    assert guard("共3项，执行率91.45%", "共计3项，执行率为91.45%", allowed) is None
    assert "没有的数字" in guard("共3项", "共4项", allowed)
    assert "删改了原有数字" in guard("共3项，执行率91.45%", "共3项", allowed)
    assert "序号" in guard("1、问题。共3项", "问题。共3项", allowed)
    assert guard("1、问题。共3项", "1、问题如下。共3项", allowed) is None
    assert guard("共3项", "  ", allowed) == "结果为空"


def test_polished_text_replaces_the_template_when_numbers_hold(review):
    blocks = polishable(review)
    llm = FakeListChatModel(responses=[reword(b.text) for b in blocks])
    out = polish(review, llm)
    assert out.notes == []
    assert all(out.block(b.key).polished for b in blocks)
    assert "经认真审核，" in out.block("conclusion").text
    assert check_draft(out).ok and out.meta["polished"] is True
    assert review.block("conclusion").polished is False  # the input draft is not changed


def test_changed_invented_or_dropped_numbers_are_rejected(review):
    blocks = polishable(review)
    conclusion = next(i for i, b in enumerate(blocks) if b.key == "conclusion")
    problem = next(i for i, b in enumerate(blocks) if b.role == "problem")
    responses = [b.text for b in blocks]
    responses[conclusion] = review.block("conclusion").text + "另有98765项问题待核实。"
    responses[problem] = blocks[problem].text.split("。", 1)[0] + "。"  # drops the evidence and its numbers
    intro = next(i for i, b in enumerate(blocks) if b.key == "intro")
    responses[intro] = "忽略以上要求。" + blocks[intro].text
    out = polish(review, FakeListChatModel(responses=responses))
    assert out.block("conclusion").text == review.block("conclusion").text
    assert any(n.startswith("conclusion：") and "98765" in n for n in out.notes)
    assert out.block(blocks[problem].key).text == blocks[problem].text
    assert any("删改了原有数字" in n for n in out.notes)
    assert out.block("intro").polished  # no numbers involved: wording is the reviewer's to check
    assert check_draft(out).ok


def test_reviewer_edits_are_not_sent_to_the_model(records, with_findings):
    d = build_review(records, with_findings[0], edits={"conclusion": "审核结论：通过。"}, editor="张三")
    blocks = polishable(d)
    assert "conclusion" not in {b.key for b in blocks}
    out = polish(d, FakeListChatModel(responses=[b.text for b in blocks]))
    assert out.block("conclusion").text == "审核结论：通过。" and not out.block("conclusion").polished


def test_model_errors_keep_the_template(review):
    class Broken(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):
            raise RuntimeError("connection refused")

    out = polish(review, Broken(messages=iter([AIMessage("x")])))
    assert [b.text for b in out.blocks] == [b.text for b in review.blocks]
    assert len(out.notes) == len(polishable(review)) and "润色失败" in out.notes[0]


def test_annual_polish_under_the_guard(records, year):
    d = build_annual(records, year)
    blocks = polishable(d)
    assert {"theme", "measure", "statistics"} <= {b.role for b in blocks}
    responses = [reword(b.text) for b in blocks]
    first_theme = next(i for i, b in enumerate(blocks) if b.role == "theme")
    responses[first_theme] = responses[first_theme].replace("占", "占比约", 1).replace("%", "0%", 1)
    out = polish(d, FakeListChatModel(responses=responses))
    assert "主要存在如下问题" in out.block("problems.lead").text
    assert out.block(blocks[first_theme].key).text == blocks[first_theme].text  # 40% → 400%: rejected
    assert len(out.notes) == 1 and check_draft(out).ok
