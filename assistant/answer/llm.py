"""The LLM path: a chat model from settings, the query tool, and streamed answers.

* the model comes from :mod:`assistant.chat_model` (tests swap in LangChain's fake chat models
  there or pass ``llm=`` to ``ask``).
* :func:`plan_query` binds one tool, ``query_records``, whose args schema *is*
  :class:`~assistant.answer.query.StructuredQuery`; a tool call becomes a validated typed query
  (the model never writes SQL), the reply "检索原文" means "answer from the documents", anything
  else is no decision (the engine falls back to the rule parser).
* :func:`stream_answer` streams a document answer from numbered, neutralised evidence with the
  prompts in ``prompts/ask/``; the engine cuts the stream into sentences and guards each one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.tools import StructuredTool

from assistant.answer.executor import execute
from assistant.answer.prompts import prompt
from assistant.answer.query import StructuredQuery
from assistant.answer.words import query_in_words
from assistant.retrieval.gazetteer import Gazetteer
from assistant.stores.records import RecordStore

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["TOOL_NAME", "plan_query", "query_tool", "stream_answer"]

TOOL_NAME = "query_records"
DOCUMENTS_REPLY = "检索原文"  # what prompts/ask/query_system.md tells the model to reply for document questions


def query_tool(records: RecordStore) -> StructuredTool:
    """The ``query_records`` tool: typed query in, rows and the aggregate out."""

    def run(**kwargs: Any) -> dict[str, Any]:
        q = StructuredQuery.model_validate(kwargs)
        r = execute(q, records)
        return {"query_in_words": query_in_words(q), "total_rows": r.total_rows, "value": r.value,
                "groups": r.groups, "rows": r.rows}

    return StructuredTool.from_function(
        func=run, name=TOOL_NAME, args_schema=StructuredQuery,
        description=prompt("query_tool.md").strip())


def _text_of(message: Any) -> str:
    t = getattr(message, "text", None)
    if callable(t):
        t = t()
    if isinstance(t, str):
        return t
    content = getattr(message, "content", "")
    return content if isinstance(content, str) else ""


def plan_query(question: str, llm: BaseChatModel, records: RecordStore, gaz: Gazetteer
               ) -> tuple[bool, StructuredQuery | None]:
    """Ask the model to call ``query_records``: (called, query); ``(False, None)`` when it replied
    :data:`DOCUMENTS_REPLY`. Raises on invalid arguments, and when it did neither: a model that
    cannot call tools (or ignores the prompt) must not turn every question into a document one."""
    tool = query_tool(records)
    try:
        bound: Any = llm.bind_tools([tool])
    except NotImplementedError:  # fake or minimal models: their replies may still carry tool calls
        bound = llm
    system = prompt("query_system.md").format(units="、".join(gaz.units[:80]) or "（无）",
                                              projects="、".join(gaz.projects[:80]) or "（无）")
    reply = bound.invoke([SystemMessage(system), HumanMessage(question)])
    calls = [c for c in (getattr(reply, "tool_calls", None) or []) if c.get("name") == TOOL_NAME]
    if not calls:
        if DOCUMENTS_REPLY in _text_of(reply):
            return False, None
        raise ValueError(f"neither a {TOOL_NAME} call nor {DOCUMENTS_REPLY!r}")
    return True, StructuredQuery.model_validate(calls[0].get("args") or {})


def answer_messages(question: str, evidence: Sequence[tuple[int, str, str]]) -> list[BaseMessage]:
    """Messages for a document answer; ``evidence`` is ``[(n, source, text)]``."""
    blocks = "\n\n".join(f"[{n}] 来源：{source}\n<<<材料开始>>>\n{text}\n<<<材料结束>>>"
                         for n, source, text in evidence)
    return [SystemMessage(prompt("answer_system.md")),
            HumanMessage(prompt("answer_user.md").format(question=question, evidence=blocks))]


def stream_answer(question: str, evidence: Sequence[tuple[int, str, str]], llm: BaseChatModel) -> Iterator[str]:
    """The model's answer, piece by piece as it streams."""
    for chunk in llm.stream(answer_messages(question, evidence)):
        piece = _text_of(chunk)
        if piece:
            yield piece
