"""The LLM path: a chat model from settings, the query tool, and streamed answers.

* :func:`chat_model` makes the model through a replaceable factory — by default
  ``langchain_openai.ChatOpenAI`` on ``ZIPING_LLM_BASE_URL`` / ``ZIPING_LLM_MODEL`` /
  ``ZIPING_LLM_API_KEY`` (any OpenAI-compatible server); tests swap in LangChain's fake chat
  models with :func:`set_chat_model_factory` or pass ``llm=`` to ``ask``.
* :func:`plan_query` binds one tool, ``query_records``, whose args schema *is*
  :class:`~assistant.answer.query.StructuredQuery`; a tool call becomes a validated typed query
  (the model never writes SQL), the reply "检索原文" means "answer from the documents", anything
  else is no decision (the engine falls back to the rule parser).
* :func:`stream_answer` streams a document answer from numbered, neutralised evidence with the
  prompts in ``prompts/ask/``; the engine cuts the stream into sentences and guards each one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.tools import StructuredTool

from assistant.answer.executor import execute
from assistant.answer.prompts import prompt
from assistant.answer.query import StructuredQuery
from assistant.answer.words import query_in_words
from assistant.retrieval.gazetteer import Gazetteer
from assistant.settings import Settings
from assistant.stores.records import RecordStore

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["TOOL_NAME", "chat_model", "default_chat_model", "plan_query", "query_tool",
           "set_chat_model_factory", "stream_answer"]

TOOL_NAME = "query_records"
DOCUMENTS_REPLY = "检索原文"  # what prompts/ask/query_system.md tells the model to reply for document questions
# The prompt asks for at most three sentences; a weak model that never stops would otherwise
# generate until the server's context is full (minutes on a CPU server) before anything is guarded.
# Sent as the classic ``max_tokens`` in the request body: ChatOpenAI's own field goes out as
# ``max_completion_tokens``, which llama.cpp's and other compatible servers ignore.
MAX_TOKENS = 512
ChatFactory = Callable[[Settings], "BaseChatModel"]


def default_chat_model(settings: Settings) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - dev installs have it
        raise ImportError("未安装 langchain-openai：pip install 'ziping[llm]' / "
                          "langchain-openai is not installed: pip install 'ziping[llm]'") from exc
    return ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model or "",
                      api_key=settings.llm_api_key or "none",  # type: ignore[arg-type]
                      temperature=0, extra_body={"max_tokens": MAX_TOKENS}, timeout=120, max_retries=1)


_factory: ChatFactory = default_chat_model


def set_chat_model_factory(factory: ChatFactory | None) -> ChatFactory:
    """Replace the factory (``None`` restores the default); returns the previous one."""
    global _factory
    previous = _factory
    _factory = factory or default_chat_model
    return previous


def chat_model(settings: Settings) -> BaseChatModel:
    return _factory(settings)


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
