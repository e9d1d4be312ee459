"""Fixtures of the live-model tests: the server's settings (a missing server is a failure, not a
skip — these tests only run when selected with ``-m llm``), the small hand-made stores with and
without the injection sentence, and a recorder of every prompt and raw reply of the real model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult

from assistant.chat_model import default_chat_model, set_chat_model_factory
from assistant.settings import Settings
from assistant.stores import Stores
from tests.assistant.answer.ask_support import make_small_stores


class Recorder(BaseCallbackHandler):
    """What the real model was sent and what it wrote, before any guard touched it."""

    def __init__(self) -> None:
        self.prompts: list[list[BaseMessage]] = []
        self.replies: list[str] = []

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[BaseMessage]],
                            **kwargs: Any) -> None:
        self.prompts += messages

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.replies += [g.text for gens in response.generations for g in gens]

    def clear(self) -> None:
        self.prompts.clear()
        self.replies.clear()


@pytest.fixture(scope="session")
def live_server() -> str:
    url, model = os.environ.get("ZIPING_LLM_BASE_URL"), os.environ.get("ZIPING_LLM_MODEL")
    if not url or not model:
        pytest.fail("ZIPING_LLM_BASE_URL and ZIPING_LLM_MODEL are not set: the llm tests need a live "
                    "OpenAI-compatible server — run `make test-llm`, which starts one")
    return f"{model} at {url}"


@pytest.fixture(scope="session")
def recorder(live_server: str) -> Iterator[Recorder]:
    """The engine's configured chat model (the default factory, ChatOpenAI), with a recorder attached."""
    rec = Recorder()

    def factory(settings: Settings) -> BaseChatModel:
        model = default_chat_model(settings)
        model.callbacks = [rec]
        return model

    previous = set_chat_model_factory(factory)
    yield rec
    set_chat_model_factory(previous)


def _live_stores(tmp_path_factory: pytest.TempPathFactory, name: str, injection: bool) -> Iterator[Stores]:
    stores = make_small_stores(tmp_path_factory.mktemp(name), injection=injection)
    # Settings read ZIPING_* from the environment: the engine must see the live server
    assert stores.settings.llm_enabled, stores.settings
    yield stores
    stores.close()


@pytest.fixture(scope="module")
def stores(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    yield from _live_stores(tmp_path_factory, "live-small", injection=False)


@pytest.fixture(scope="module")
def injected_stores(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    yield from _live_stores(tmp_path_factory, "live-injected", injection=True)


@pytest.fixture(autouse=True)
def _fresh_recording(recorder: Recorder) -> None:
    recorder.clear()
