"""Fixtures of the drafting tests: the shared ingested corpus and a store for versions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.assistant.drafting.corpus import Corpus, ingested_corpus
from tests.support.synth_corpus import runs_ocr


@pytest.fixture(scope="session")
@runs_ocr
def corpus(tmp_path_factory) -> Iterator[Corpus]:
    c = ingested_corpus(tmp_path_factory.getbasetemp())
    yield c
    c.stores.close()


@pytest.fixture(scope="session")
def records(corpus):
    return corpus.records


@pytest.fixture(scope="session")
def year(corpus) -> int:
    return corpus.busiest_year()


@pytest.fixture(scope="session")
def with_findings(records) -> list[str]:
    """Submission ids with at least one finding."""
    return sorted({f.submission_id for f in records.get_findings()})
