"""The session's synthetic corpus (tests/support/synth_corpus.py) ingested into SQLite.

Both ``tests/assistant/drafting`` and ``tests/assistant/test_stats.py`` use it; it is ingested once
under the session's base temp dir (a marker file says it is complete), so the two fixture
definitions that import :func:`ingested_corpus` share one build, of the one corpus every synthetic
fixture uses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from assistant.stores import Stores, open_stores
from tests.support.synth_corpus import build_synth_corpus, runs_ocr


@dataclass
class Corpus:
    corpus_dir: Path
    data_dir: Path
    stores: Stores

    @property
    def records(self):
        return self.stores.records

    def busiest_year(self) -> int:
        """The year with the most project tables (the annual tests use it)."""
        years = Counter(s.year for s in self.records.list_submissions() if s.year and s.kind == "table")
        return years.most_common(1)[0][0]


@runs_ocr  # the corpus holds a scanned PDF
def ingested_corpus(base: Path) -> Corpus:
    from ingest.pipeline import IngestOptions, ingest_paths

    root = base / "drafting-corpus"
    corpus_dir, data_dir, done = build_synth_corpus(base), root / "data", root / "ingested"
    if not done.exists():
        root.mkdir(parents=True, exist_ok=True)
        stores = open_stores(Settings(data_dir=data_dir))
        report = ingest_paths([corpus_dir], stores, IngestOptions(defer_vectors=True))
        assert report.count("failed") == 0, report.to_dict()
        stores.close()
        done.write_text("ok")
    return Corpus(corpus_dir, data_dir, open_stores(Settings(data_dir=data_dir)))
