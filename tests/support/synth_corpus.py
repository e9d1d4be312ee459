"""The session's one synthetic corpus (``eval.synth``, 12 files of every kind, seed 1).

Every fixture that needs synthetic files takes it from here: ``synth_corpus`` (tests/conftest.py),
the answer/retrieval store (tests/assistant/answer/ask_support.py) and the ingested drafting and
statistics corpus (tests/assistant/drafting/corpus.py). It is built once under the session's base
temp dir; a marker beside the folder (not in it, as whole folders are ingested) says it is complete.
"""

from __future__ import annotations

from pathlib import Path

N_FILES, SEED = 12, 1


def runs_ocr(fn):
    """Tags a fixture or helper that ingests the corpus's scanned PDF, so OCR runs: a test using it
    is marked ``ocr`` (tests/conftest.py) and stays out of ``make test-fast``."""
    fn.runs_ocr = True
    return fn


def build_synth_corpus(base: Path) -> Path:
    out, done = base / "synth-corpus", base / "synth-corpus.complete"
    if not done.exists():
        from eval.synth import generate_corpus

        generate_corpus(out, n=N_FILES, seed=SEED)
        done.write_text("ok")
    return out
