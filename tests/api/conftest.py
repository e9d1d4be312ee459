"""Fixtures of the API and browser tests: synthetic files made by ``eval.synth``.

Everything runs on the real app (real SQLite, full-text index and, where a test asks for it,
Chroma) in a temporary data directory; nothing is mocked. Helpers live in ``tests/api/support.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def synth(synth_corpus: Path) -> dict[str, Path]:
    """One file of each kind from the shared synthetic corpus, keyed by kind (docx_table, …)."""
    out = synth_corpus
    files: dict[str, Path] = {}
    for labels in sorted(out.glob("*.labels.json")):
        data = json.loads(labels.read_text(encoding="utf-8"))
        kind = data["kind"]
        # prefer files with planted defects, so there are findings to look at
        if kind not in files or (data["defects"] and not json.loads(
                (out / f"{files[kind].stem}.labels.json").read_text(encoding="utf-8"))["defects"]):
            files[kind] = out / data["file"]
    return files
