"""What can be made of a read file without the stores: its defaults, findings, chunks and index words.

The stores have one writer (:mod:`ingest.pipeline`), and before this module its time went mostly
to CPU work that needs no store: segmenting every chunk with jieba for the full-text index was
57 % of it, chunking and checking a few per cent more. :func:`prepare` does that work beside the
reading, in the reading processes of :mod:`ingest.pool`, so the writer only looks up what the
stores know of the file and writes.

Two things only the stores know change a submission's findings: a reviewer's corrections of an
earlier read of the same file, and the forms linked to it (its :class:`~assistant.model.Cycle`:
declaration, monitoring rounds, earlier years). The findings made here are checked with neither,
so the writer uses them only when the file has no corrections and an empty cycle
(:func:`findings_for`); chunks are used only when no correction changed the submission. Index
words are a function of a chunk's text alone, so they are looked up by text and stay right
whatever the writer re-chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.checker import check_submission
from assistant.checker.profiles import profile_for
from assistant.model import Cycle, Finding, Submission
from assistant.stores.fulltext import index_terms
from ingest.chunking import Chunk, chunk_submission

__all__ = ["Defaults", "Prepared", "check", "chunked", "fill_defaults", "findings_for", "prepare", "with_terms"]


@dataclass(frozen=True)
class Defaults:
    """A batch's fill-ins for what a file does not state, and the profile it is checked with
    (plain values: they cross a process boundary)."""

    year: int | None = None
    unit: str | None = None
    profile: str = "auto"


@dataclass
class Prepared:
    """A read file with what was made of it outside the writer."""

    submission: Submission
    findings: list[Finding]  # checked without corrections and without a linked cycle
    chunks: list[Chunk]
    terms: dict[str, str] = field(default_factory=dict)  # chunk text → its full-text index words


def fill_defaults(sub: Submission, defaults: Defaults) -> None:
    """Fill the submission's year and unit from the batch's when the file does not state them."""
    if defaults.year and not sub.year:
        sub.year = defaults.year
        for ev in sub.evaluations:
            ev.year = ev.year or defaults.year
    if defaults.unit and not sub.unit:
        sub.unit = defaults.unit


def check(sub: Submission, profile: str, cycle: Cycle | None = None) -> list[Finding]:
    """The one way a batch checks a file (the reading processes and the writer alike)."""
    return check_submission(sub, profile=profile_for(sub, profile), cycle=cycle)


def prepare(sub: Submission, defaults: Defaults) -> Prepared:
    """Defaults filled, checked, chunked and every chunk's index words made (see the module docstring)."""
    fill_defaults(sub, defaults)
    return Prepared(sub, check(sub, defaults.profile), *chunked(sub))


def chunked(sub: Submission) -> tuple[list[Chunk], dict[str, str]]:
    """The submission's chunks, each carrying its index words, and those words by chunk text."""
    chunks = chunk_submission(sub)
    terms = {c.text: index_terms(c.text) for c in chunks}
    return with_terms(chunks, terms), terms


def findings_for(prepared: Prepared | None, sub: Submission, profile: str, cycle: Cycle) -> list[Finding]:
    """``sub``'s findings: the prepared ones when they were made of this very submission with
    nothing linked to it, else checked here with its cycle."""
    if prepared is not None and prepared.submission is sub and cycle == Cycle():
        return prepared.findings
    return check(sub, profile, cycle)


def with_terms(chunks: list[Chunk], terms: dict[str, str]) -> list[Chunk]:
    """The chunks with the index words made for their text attached, where there are some."""
    for chunk in chunks:
        if chunk.terms is None and chunk.text in terms:
            chunk.terms = terms[chunk.text]
    return chunks
