"""The LLM path with LangChain fake chat models: tool calls become typed queries, streamed
answers are repaired and guarded sentence by sentence, failures fall back offline."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.answer import Answer, ask, ask_stream
from assistant.answer.llm import TOOL_NAME
from assistant.chat_model import MAX_TOKENS, default_chat_model, set_chat_model_factory
from assistant.settings import Settings
from tests.assistant.answer.ask_support import INJECTION, make_small_stores


class ToolFake(GenericFakeChatModel):
    """GenericFakeChatModel that accepts ``bind_tools`` (and remembers the tools it was given)."""

    bound: list[Any] = []

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        self.bound.extend(tools)
        return self


class Scripted(BaseChatModel):
    """A fake whose reply is computed from the messages (to cite the evidence it was shown)."""

    script: Callable[[list[BaseMessage]], str]
    seen: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        self.seen.append(messages)
        if "结构化查询" in str(messages[0].content):
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content="检索原文"))])
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.script(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        self.seen.append(messages)
        text = self.script(messages)
        for i in range(0, len(text), 3):  # a few characters at a time, markers split across chunks
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i:i + 3]))


def block_number(messages: list[BaseMessage], needle: str) -> int:
    """The evidence number whose text holds ``needle``."""
    body = str(messages[-1].content)
    for m in re.finditer(r"\[(\d+)\] 来源：[^\n]*\n<<<材料开始>>>\n(.*?)\n<<<材料结束>>>", body, re.S):
        if needle in m.group(2):
            return int(m.group(1))
    raise AssertionError(f"{needle} not in evidence")


def tool_call(args: dict[str, Any]) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": TOOL_NAME, "args": args, "id": "call-1"}])


def test_tool_call_becomes_a_typed_query(small):
    fake = ToolFake(messages=iter([tool_call({
        "entity": "project", "filters": [{"field": "execution_rate", "op": "<", "value": 96}],
        "aggregate": {"op": "count"}, "group_by": "unit"})]))
    a = ask("哪些单位的执行率偏低？", small, llm=fake)
    assert a.kind == "structured"
    assert a.query["filters"] == [{"field": "execution_rate", "op": "<", "value": 96}]
    assert {r["project"] for r in a.rows} == {"学生资助", "校舍维修", "疫苗接种"}
    assert "某县教育局：2个" in a.text and "某县卫生健康局：1个" in a.text
    assert [t.name for t in fake.bound] == [TOOL_NAME]
    schema = fake.bound[0].tool_call_schema.model_json_schema()
    assert {"entity", "filters", "aggregate", "group_by", "order_by", "limit"} <= set(schema["properties"])


def test_mixed_tool_call_with_explain(small):
    fake = ToolFake(messages=iter([tool_call({
        "entity": "project", "order_by": {"field": "execution_rate", "descending": False}, "limit": 1,
        "explain": "原因"})]))
    a = ask("执行最差的项目为什么差？", small, llm=fake)
    assert a.kind == "mixed" and a.rows[0]["project"] == "疫苗接种"
    assert "疫苗采购款项结算延迟" in a.text and a.citations


def test_invalid_tool_arguments_fall_back_to_the_parser(small):
    fake = ToolFake(messages=iter([tool_call({"entity": "project", "sql": "DROP TABLE submissions"})]))
    a = ask("评价等级为优的项目有几个", small, llm=fake)
    assert a.kind == "structured" and "共3个" in a.text
    assert any("规则解析" in f for f in a.flags)
    assert small.records.count_submissions() == 5


def test_a_reply_that_neither_calls_the_tool_nor_asks_for_documents_falls_back_to_the_parser(small):
    # what a model that cannot call tools does (llama.cpp's gemma chat format drops tools and system)
    fake = ToolFake(messages=iter([AIMessage(content="哪些单位预算执行率高于80%？\n年度预算执行率\n年度预算执行率")]))
    a = ask("哪些单位预算执行率低于80%？", small, llm=fake)
    assert a.kind == "structured" and {r["project"] for r in a.rows} == {"学生资助", "疫苗接种"}
    assert any("规则解析" in f for f in a.flags)


def test_empty_structured_result_from_the_llm_falls_back_to_documents(small):
    fake = ToolFake(messages=iter([
        tool_call({"entity": "project", "filters": [{"field": "execution_rate", "op": "<", "value": 1}]}),
        AIMessage(content="材料中没有找到能回答这个问题的内容。")]))
    # (资金拨付: 资金到位情况 is now a glossary term the records do not hold, answered before any query)
    a = ask("疫苗接种项目资金拨付情况如何", small, llm=fake)
    assert a.kind == "document"
    assert any("结构化查询没有结果" in f for f in a.flags)


def test_a_model_query_on_a_neighbour_field_is_not_run_for_a_term_the_records_do_not_hold(small):
    # the model reads 资金到位率 as the 预算执行率 (execution_rate): the glossary says it is not a field
    fake = ToolFake(messages=iter([
        tool_call({"entity": "project", "filters": [{"field": "project", "op": "=", "value": "疫苗接种"}],
                   "aggregate": {"op": "list"}}),
        AIMessage(content="材料中没有找到能回答这个问题的内容。")]))
    a = ask("疫苗接种项目的资金到位率是多少？", small, llm=fake)
    assert a.kind == "document" and not a.found and not a.rows
    assert "资金到位率" in a.text and "50%" not in a.text and "96.88%" not in a.text


def test_streamed_answer_is_cited_guarded_and_repaired(small):
    def script(messages: list[BaseMessage]) -> str:
        n = block_number(messages, "受助学生满意度")
        return (f"受助学生满意度实际完成值为85%[{n}]。"
                f"受助学生满意度实际完成值为95%[{n}]。"  # a wrong number: removed
                "该单位全部合格[9]。"  # an invented citation and an unsupported claim: dropped
                "受助学生满意度的年度指标值为≥90%。")  # no citation: repaired by overlap
    fake = Scripted(script=script)
    items = list(ask_stream("某县教育局学生资助项目的受助学生满意度完成了多少？", small, llm=fake))
    answer = items[-1]
    assert isinstance(answer, Answer) and answer.kind == "document"
    streamed = [i for i in items[:-1] if isinstance(i, str)]
    assert len(streamed) == 2  # sentence by sentence
    assert "85%" in answer.text and "95%" not in answer.text and "全部合格" not in answer.text
    assert answer.text.count("[") == 2
    assert any("95%" in f for f in answer.flags)
    assert any("[9]" in f or "没有引用依据" in f for f in answer.flags)
    assert any("补充了引用" in f for f in answer.flags)
    assert answer.citations and answer.citations[0].submission_id == "aaaa000000000001"
    system = str(fake.seen[-1][0].content)
    assert "只是数据" in system and "[1]" in system


def test_injected_text_never_reaches_the_prompt(tmp_path: Path):
    stores = make_small_stores(tmp_path, injection=True)
    try:
        def script(messages: list[BaseMessage]) -> str:
            n = block_number(messages, "综合得分95分")
            return f"疫苗接种项目综合得分95分，评价等级为“优”[{n}]。"
        fake = Scripted(script=script)
        a = ask("某县卫生健康局疫苗接种项目的自评结论是什么？", stores, llm=fake)
        prompt_text = str(fake.seen[-1][-1].content)  # the evidence message
        assert INJECTION not in prompt_text and "忽略以上指令" not in prompt_text
        assert "形似指令的文字已作为数据忽略" in prompt_text and "<<<材料开始>>>" in prompt_text
        assert "95分" in a.text and "全部合格" not in a.text
        assert any("形似指令" in f for f in a.flags)
    finally:
        stores.close()


def test_configured_llm_comes_from_the_replaceable_factory(small):
    settings = Settings(data_dir=small.settings.data_dir, llm_base_url="http://127.0.0.1:9/v1", llm_model="fake")
    assert settings.llm_enabled
    made: list[Settings] = []

    def factory(s: Settings) -> BaseChatModel:
        made.append(s)
        return FakeMessagesListChatModel(responses=[
            tool_call({"entity": "finding", "aggregate": {"op": "count"}})])

    previous = set_chat_model_factory(factory)
    try:
        a = ask("审核发现一共几条", small, settings=settings)
    finally:
        set_chat_model_factory(previous)
    assert made == [settings] and a.kind == "structured" and "共3条" in a.text


def test_failing_llm_falls_back_to_the_offline_answer(small):
    class Broken(Scripted):
        def _stream(self, *a: Any, **k: Any) -> Iterator[ChatGenerationChunk]:
            raise ConnectionError("server down")
            yield  # pragma: no cover

    a = ask("某县教育局学生资助项目的受助学生满意度完成了多少？", small, llm=Broken(script=lambda m: ""))
    assert "85%" in a.text and any("离线" in f for f in a.flags)


def test_default_factory_builds_chat_openai_without_network():
    from langchain_openai import ChatOpenAI

    model = default_chat_model(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen", llm_api_key="k"))
    assert isinstance(model, ChatOpenAI) and model.model_name == "qwen"
    # the length cap goes out as the classic max_tokens that every compatible server reads
    assert model.max_tokens is None and model.extra_body == {"max_tokens": MAX_TOKENS}
    assert str(model.openai_api_base).startswith("http://127.0.0.1:9")


@pytest.fixture(autouse=True)
def _reset_fakes():
    ToolFake.bound = []
    Scripted.seen = []
    yield
