"""Prompt files and offline text templates of the answer engine, read from ``prompts/ask/``.

``*.md`` files are whole prompts (``str.format`` fields in braces); ``texts.txt`` holds the short
offline phrases as ``key = template`` lines (``#`` starts a comment).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["PROMPTS_DIR", "prompt", "text"]

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts" / "ask"


@lru_cache(maxsize=32)
def prompt(name: str) -> str:
    return (PROMPTS_DIR / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _texts() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in prompt("texts.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        out[key.strip()] = value.strip()
    return out


def text(key: str, **fields: object) -> str:
    return _texts()[key].format(**fields)
