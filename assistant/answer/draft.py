"""What an answering step hands on (:class:`Draft`), and the small helpers both kinds of answer
use to cite: a citation of a hit, neutralised hits, a piece as a cited sentence."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from assistant.answer.extractive import Piece
from assistant.answer.safety import neutralise
from assistant.answer.types import AnswerKind, Citation
from assistant.retrieval import Hit

__all__ = ["Draft", "citation", "end_sentence", "neutralised", "piece_sentence"]


@dataclass
class Draft:
    """An answer's text before it becomes an :class:`~assistant.answer.types.Answer`."""

    kind: AnswerKind
    lines: list[str] = field(default_factory=list)  # guarded sentences, in the order they were yielded
    citations: list[Citation] = field(default_factory=list)
    hits_by_id: dict[str, Hit] = field(default_factory=dict)  # the hits cited (for the turn's memory)
    found: bool = True
    flags: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def citation(n: int, hit: Hit, snippet: str) -> Citation:
    return Citation(n=n, chunk_id=hit.chunk_id, submission_id=hit.submission_id,
                    file=hit.metadata.get("file"), location=hit.location, snippet=snippet)


def neutralised(hits: list[Hit]) -> tuple[list[Hit], int]:
    """The hits with instruction-like text neutralised, and how many spans were."""
    out, total = [], 0
    for h in hits:
        t, n = neutralise(h.text)
        total += n
        out.append(dataclasses.replace(h, text=t) if n else h)
    return out, total


def end_sentence(sentence: str) -> str:
    s = sentence.rstrip()
    return s if re.search(r"[。！？；!?;：:]$", s) else s + "。"


def cited(body: str, n: int) -> str:
    """``body`` with the marker ``[n]`` before its closing punctuation."""
    m = re.search(r"[。！？；!?;]+$", body)
    return f"{body[: m.start()]}[{n}]{m.group(0)}" if m else f"{body}[{n}]"


def piece_sentence(piece: Piece, n: int, prefix: str = "") -> str:
    return cited(end_sentence(prefix + piece.display), n)
