"""The configured chat model, shared by the answer engine and draft polishing.

By default ``langchain_openai.ChatOpenAI`` on ``ZIPING_LLM_BASE_URL`` / ``ZIPING_LLM_MODEL`` /
``ZIPING_LLM_API_KEY`` (any OpenAI-compatible server). The factory is replaceable: tests swap in
LangChain's fake chat models with :func:`set_chat_model_factory`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["MAX_TOKENS", "chat_model", "default_chat_model", "set_chat_model_factory"]

# The prompts ask for a few sentences; a weak model that never stops would otherwise generate
# until the server's context is full (minutes on a CPU server) before anything is guarded.
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


def chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured model, or None offline (no LLM in the settings)."""
    return _factory(settings) if settings.llm_enabled else None
