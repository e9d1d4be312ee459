"""What :func:`assistant.answer.ask` returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.model import Location, to_dict

__all__ = ["Answer", "AnswerKind", "Citation", "Option"]

AnswerKind = Literal["structured", "document", "mixed"]


@dataclass
class Citation:
    """``[n]`` in the answer text: a chunk, its submission, file and exact place, and the words used."""

    n: int
    chunk_id: str
    submission_id: str
    file: str | None
    location: Location
    snippet: str

    def describe(self) -> str:
        """``a.docx 第2页 表1 第5行第3列``."""
        return f"{self.file or '（文件未知）'} {self.location.describe()}"


@dataclass(frozen=True)
class Option:
    """One choice of an ask-back (shown as a chip): its words, and the question it asks."""

    label: str
    question: str


@dataclass
class Answer:
    text: str
    kind: AnswerKind
    citations: list[Citation] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # structured rows, each with submission_id
    query_in_words: str | None = None
    flags: list[str] = field(default_factory=list)  # guard and safety notes
    conversation_id: str | None = None
    question: str = ""
    resolved_question: str | None = None  # the question after follow-up resolution
    query: dict[str, Any] | None = None  # the typed query, as JSON
    aggregate: dict[str, Any] | None = None  # structured: {"value", "groups", "total_rows"}
    found: bool = True  # False: the documents / records do not contain the answer
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    # what the conversation is about after this turn (unit, project, year, submission_id, indicator,
    # measure): the follow-up's context, shown as removable chips
    subject: dict[str, Any] | None = None
    # an ambiguous question is asked back: the choices, each a question to ask instead
    options: list[Option] = field(default_factory=list)
    turn: int | None = None  # the turn's number in its conversation (0 for the first): what a rating names

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)
