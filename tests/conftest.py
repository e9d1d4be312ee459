"""Shared test helpers.

Tests that need a system package (a CJK font, chromium, PostgreSQL) call :func:`require_system`:
on a developer's machine a missing package skips the test; under ``CI=true`` it fails, since
``.ci/run`` installs those packages and a skip there would hide a missing install step.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.settings import Settings, get_settings
from tests.support.shared import missing_reason, seed_reports
from tests.support.synth_corpus import build_synth_corpus

if TYPE_CHECKING:
    from assistant.stores.records import RecordStore

# Files are read in this process (no pool of reading processes) unless a test is about the pool:
# ~8 suites share 2 cores, and a pool per small batch would only add start-up time.
os.environ.setdefault("ZIPING_INGEST_WORKERS", "1")


def _runs_ocr(item: pytest.Item) -> bool:
    """Whether a test runs OCR through a fixture or helper tagged ``runs_ocr`` (the ingested
    synthetic corpus holds a scanned PDF)."""
    defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    if any(getattr(d.func, "runs_ocr", False) for name in item.fixturenames for d in defs.get(name, ())):
        return True
    fn = getattr(item, "function", None)
    module_globals = getattr(fn, "__globals__", {})
    return any(getattr(module_globals.get(n), "runs_ocr", False) for n in getattr(fn, "__code__", None).co_names) \
        if fn is not None and hasattr(fn, "__code__") else False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The fast lane (make test-fast) leaves out browser, PostgreSQL and OCR tests by marker; the
    # OCR a test reaches only through a fixture is marked here, where it cannot be seen in the test.
    for item in items:
        if "ocr" not in item.keywords and _runs_ocr(item):
            item.add_marker(pytest.mark.ocr)

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def require_system(what: str, present: bool) -> None:
    if present:
        return
    message = f"system package missing: {what}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI installs it: see Makefile system-deps)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """The CLI reads the process's settings once (``get_settings`` is cached); a test that points
    ``ZIPING_DATA_DIR`` at its own folder must not get the folder an earlier test left cached."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def cjk_font() -> Path:
    require_system("fonts-wqy-microhei", CJK_FONT.exists())
    return CJK_FONT


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require_system("chromium", Path(path).exists())
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL for the session: ``ZIPING_TEST_POSTGRES_URL`` or a throwaway local server."""
    from tests.support.postgres import postgres_bin, temporary_postgres

    if os.environ.get("ZIPING_TEST_POSTGRES_URL"):
        yield os.environ["ZIPING_TEST_POSTGRES_URL"]
        return
    require_system("postgresql", postgres_bin() is not None)
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def records(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RecordStore]:
    """A records store on a real SQLite file and, in the postgres lane, on the session's PostgreSQL."""
    from assistant.stores.records import RecordStore

    if request.param == "sqlite":
        store = RecordStore(f"sqlite:///{tmp_path / 'records.db'}")
    else:
        store = RecordStore(request.getfixturevalue("postgres_url"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def chroma_url() -> Iterator[str]:
    """A real Chroma server for the session: ``ZIPING_TEST_CHROMA_URL`` or a throwaway ``chroma run``."""
    from tests.support.chroma import chroma_bin, temporary_chroma

    if os.environ.get("ZIPING_TEST_CHROMA_URL"):
        yield os.environ["ZIPING_TEST_CHROMA_URL"]
        return
    require_system("chroma (the chromadb package's CLI)", chroma_bin() is not None)
    with temporary_chroma() as url:
        yield url


VECTOR_BACKENDS = ["embedded", pytest.param("chroma_server", marks=pytest.mark.chroma)]


@pytest.fixture(params=VECTOR_BACKENDS)
def vector_backend(request: pytest.FixtureRequest) -> Callable[..., Settings]:
    """Settings for a data directory on each vector store: the embedded ``PersistentClient`` and a
    real Chroma server (a collection of its own per call, on the session's one server)."""
    return _settings_maker(request)


@pytest.fixture(scope="module", params=VECTOR_BACKENDS)
def module_vector_backend(request: pytest.FixtureRequest) -> Callable[..., Settings]:
    """:func:`vector_backend` for module-scoped fixtures."""
    return _settings_maker(request)


@pytest.fixture(params=[*VECTOR_BACKENDS, pytest.param("scale_out", marks=[pytest.mark.postgres, pytest.mark.chroma])])
def stores_backend(request: pytest.FixtureRequest) -> Iterator[Callable[..., Settings]]:
    """:func:`vector_backend`, plus the whole scale-out configuration: records and full text on
    PostgreSQL (a fresh database per test) and vectors on the Chroma server."""
    if request.param != "scale_out":
        yield _settings_maker(request)
        return
    from tests.support.chroma import fresh_collection
    from tests.support.postgres import fresh_database

    url = request.getfixturevalue("chroma_url")
    with fresh_database(request.getfixturevalue("postgres_url")) as database_url:
        def make(data_dir: Path, **kwargs: object) -> Settings:
            return Settings(data_dir=data_dir, database_url=database_url, chroma_url=url,
                            chroma_collection=fresh_collection(), **kwargs)

        make.backend = "scale_out"  # type: ignore[attr-defined]
        yield make


def _settings_maker(request: pytest.FixtureRequest) -> Callable[..., Settings]:
    from tests.support.chroma import fresh_collection

    url = request.getfixturevalue("chroma_url") if request.param == "chroma_server" else None

    def make(data_dir: Path, **kwargs: object) -> Settings:
        if url is None:
            return Settings(data_dir=data_dir, **kwargs)
        return Settings(data_dir=data_dir, chroma_url=url, chroma_collection=fresh_collection(), **kwargs)

    make.backend = request.param  # type: ignore[attr-defined]
    return make


@pytest.fixture
def seed_report() -> Path:
    """The real seed report from ``../shared/seeds`` (not in the repository: skipped without it)."""
    files = seed_reports()
    if not files:
        if os.environ.get("CI") == "true":
            pytest.fail(missing_reason("seeds") + " — CI must have it")
        pytest.skip(missing_reason("seeds"))
    return files[0]


@pytest.fixture(scope="session")
def synth_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's synthetic corpus of every file kind, with labels (12 files, seed 1): the one
    build every fixture of synthetic files shares (see tests/support/synth_corpus.py)."""
    require_system("fonts-wqy-microhei", CJK_FONT.exists())
    return build_synth_corpus(tmp_path_factory.getbasetemp())
