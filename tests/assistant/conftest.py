"""Fixtures for the answer and retrieval tests: a small hand-made store (module scope) and the shared
synthetic-corpus store (session scope)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.stores import Stores
from tests.assistant.answer.ask_support import make_small_stores, synth_stores
from tests.support.shared import seed_reports


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, module_vector_backend) -> Iterator[Stores]:
    """The hand-made store, once on the embedded vector store and once on a Chroma server."""
    stores = make_small_stores(tmp_path_factory.mktemp("small"), settings_for=module_vector_backend)
    yield stores
    stores.close()


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory, synth_corpus: Path) -> dict[str, Any]:
    """A few synthetic files and, when ``../shared`` is present, the real seed report (the tests
    on the seed report also take ``seed_report``, which skips without it)."""
    root = tmp_path_factory.getbasetemp() / "ask-synth"
    root.mkdir(exist_ok=True)
    seeds = seed_reports()
    return synth_stores(root, synth_corpus, seeds[0] if seeds else None)
