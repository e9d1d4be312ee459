"""Shared CLI output helpers: plain-text tables that line up Chinese text, and error exits."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NoReturn

import typer

from ingest.errors import IngestError


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def table_text(header: Sequence[str], rows: Iterable[Sequence[object]], max_width: int = 60) -> str:
    cells = [[str(c) for c in header]] + [[_clip(str(c), max_width) for c in row] for row in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    out, used = "", 0
    for ch in text:
        used += display_width(ch)
        if used > width:
            return out + "…"
        out += ch
    return out


def fail(err: IngestError, *, as_json: bool = False) -> NoReturn:
    """Report a read error without a traceback and exit with code 2."""
    if as_json:
        typer.echo(json.dumps({"error": err.to_dict()}, ensure_ascii=False))
    else:
        typer.echo(f"错误 / error: {err}", err=True)
    sys.exit(2)
