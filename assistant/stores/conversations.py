"""Conversations of the ask page, in the records database: ``conversations`` (one per conversation,
its owner, title and current subject) and ``ask_turns`` (its questions and answers, in order).

A conversation's *subject* is what a follow-up question refers to — the unit, project, year,
submission, indicator and measure (执行率, 满意度 …) the conversation is about. Each answered turn
sets it; the reviewer can remove a part of it (a chip on the page) and the next follow-up no
longer carries that part. A turn keeps the answer as shown (text, citations, rows) so that a
reopened conversation reads as it was. The tables are on the records metadata, so the migrations
make them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, Text, func, insert, select, update

from assistant.stores.records import Base, RecordStore

__all__ = ["SUBJECT_KEYS", "Conversation", "ConversationSummary", "Subject", "Turn", "ask_turns",
           "conversation_subject", "conversations_table", "get_conversation", "last_turn", "list_conversations",
           "rename_conversation", "save_turn", "set_subject"]

ask_turns = Table(
    "ask_turns", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), index=True, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("question", Text, nullable=False),
    Column("resolved", Text),
    Column("kind", String(16)),
    Column("unit", String(256)),
    Column("project", String(512)),
    Column("year", Integer),
    Column("submission_ids", JSON),
    Column("created_at", DateTime(timezone=True)),
    Column("indicator", String(256)),
    Column("measure", String(64)),
    Column("submission_id", String(64)),
    Column("answer", JSON),
)

conversations_table = Table(
    "conversations", Base.metadata,
    Column("id", String(64), primary_key=True),
    Column("user_name", String(64), index=True),
    Column("title", Text, nullable=False),
    Column("subject", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

TITLE_CHARS = 40  # a new conversation is titled with its first question, cut to this length


@dataclass
class Subject:
    """What a conversation is about; every part optional."""

    unit: str | None = None
    project: str | None = None
    year: int | None = None
    submission_id: str | None = None
    indicator: str | None = None
    measure: str | None = None  # the term asked about, as the glossary spells it (预算执行率)

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> Subject:
        data = data or {}
        return cls(**{k: data.get(k) for k in SUBJECT_KEYS})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def without(self, *keys: str) -> Subject:
        return replace(self, **{k: None for k in keys if k in SUBJECT_KEYS})

    @property
    def empty(self) -> bool:
        return all(getattr(self, k) is None for k in SUBJECT_KEYS)


SUBJECT_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Subject))


@dataclass
class Turn:
    question: str
    resolved: str | None = None
    kind: str | None = None
    unit: str | None = None
    project: str | None = None
    year: int | None = None
    submission_ids: list[str] = field(default_factory=list)
    seq: int = 0
    indicator: str | None = None
    measure: str | None = None
    submission_id: str | None = None
    answer: dict[str, Any] | None = None  # the answer as shown (text, citations, rows, found)

    @property
    def subject(self) -> Subject:
        return Subject(unit=self.unit, project=self.project, year=self.year, submission_id=self.submission_id,
                       indicator=self.indicator, measure=self.measure)


@dataclass
class ConversationSummary:
    id: str
    user_name: str | None
    title: str
    subject: Subject
    created_at: datetime
    updated_at: datetime
    turns: int = 0


@dataclass
class Conversation:
    summary: ConversationSummary
    turns: list[Turn]


def _turn(m: Any) -> Turn:
    return Turn(question=m["question"], resolved=m["resolved"], kind=m["kind"], unit=m["unit"],
                project=m["project"], year=m["year"], submission_ids=list(m["submission_ids"] or []), seq=m["seq"],
                indicator=m["indicator"], measure=m["measure"], submission_id=m["submission_id"],
                answer=m["answer"])


def last_turn(records: RecordStore, conversation_id: str) -> Turn | None:
    with records.session() as s:
        row = s.execute(select(ask_turns).where(ask_turns.c.conversation_id == conversation_id)
                        .order_by(ask_turns.c.seq.desc()).limit(1)).first()
    return None if row is None else _turn(row._mapping)


def save_turn(records: RecordStore, conversation_id: str, turn: Turn, *, user_name: str | None = None) -> int:
    """Append ``turn``; the conversation (made on its first turn, owned by ``user_name``) takes the
    turn's subject as its own. Returns the turn's number (0 for the first)."""
    now = datetime.now(UTC)
    subject = turn.subject.to_dict()
    with records.session() as s:
        seq = s.scalar(select(func.coalesce(func.max(ask_turns.c.seq) + 1, 0))
                       .where(ask_turns.c.conversation_id == conversation_id)) or 0
        s.execute(insert(ask_turns).values(
            conversation_id=conversation_id, seq=seq, question=turn.question, resolved=turn.resolved,
            kind=turn.kind, unit=turn.unit, project=turn.project, year=turn.year,
            submission_ids=list(turn.submission_ids), created_at=now, indicator=turn.indicator,
            measure=turn.measure, submission_id=turn.submission_id, answer=turn.answer))
        exists = s.scalar(select(conversations_table.c.id).where(conversations_table.c.id == conversation_id))
        if exists is None:
            title = " ".join(turn.question.split())[:TITLE_CHARS] or "新对话"
            s.execute(insert(conversations_table).values(id=conversation_id, user_name=user_name, title=title,
                                                         subject=subject, created_at=now, updated_at=now))
        else:
            s.execute(update(conversations_table).where(conversations_table.c.id == conversation_id)
                      .values(subject=subject, updated_at=now))
    return int(seq)


def conversation_subject(records: RecordStore, conversation_id: str) -> Subject | None:
    """The conversation's current subject (its last turn's, less the parts the reviewer removed);
    ``None`` for an unknown conversation."""
    with records.session() as s:
        row = s.execute(select(conversations_table.c.subject)
                        .where(conversations_table.c.id == conversation_id)).first()
    if row is not None:
        return Subject.of(row[0])
    turn = last_turn(records, conversation_id)  # a conversation from before the conversations table
    return turn.subject if turn is not None else None


def set_subject(records: RecordStore, conversation_id: str, subject: Subject) -> bool:
    with records.session() as s:
        done = s.execute(update(conversations_table).where(conversations_table.c.id == conversation_id)
                         .values(subject=subject.to_dict(), updated_at=datetime.now(UTC)))
        return bool(done.rowcount)


def rename_conversation(records: RecordStore, conversation_id: str, title: str) -> bool:
    with records.session() as s:
        done = s.execute(update(conversations_table).where(conversations_table.c.id == conversation_id)
                         .values(title=title.strip()[:200], updated_at=datetime.now(UTC)))
        return bool(done.rowcount)


def _summary(m: Any, turns: int) -> ConversationSummary:
    return ConversationSummary(id=m["id"], user_name=m["user_name"], title=m["title"],
                               subject=Subject.of(m["subject"]), created_at=m["created_at"],
                               updated_at=m["updated_at"], turns=turns)


def list_conversations(records: RecordStore, user_name: str | None, *, limit: int = 50,
                       offset: int = 0) -> list[ConversationSummary]:
    """``user_name``'s conversations, the latest first, with their turn counts."""
    counts = (select(ask_turns.c.conversation_id, func.count().label("n"))
              .group_by(ask_turns.c.conversation_id).subquery())
    q = (select(conversations_table, counts.c.n)
         .join(counts, counts.c.conversation_id == conversations_table.c.id, isouter=True)
         .where(conversations_table.c.user_name == user_name)
         .order_by(conversations_table.c.updated_at.desc(), conversations_table.c.id).limit(limit).offset(offset))
    with records.session() as s:
        return [_summary(r._mapping, r._mapping["n"] or 0) for r in s.execute(q)]


def get_conversation(records: RecordStore, conversation_id: str) -> Conversation | None:
    with records.session() as s:
        row = s.execute(select(conversations_table).where(conversations_table.c.id == conversation_id)).first()
        if row is None:
            return None
        turns = [_turn(r._mapping) for r in s.execute(
            select(ask_turns).where(ask_turns.c.conversation_id == conversation_id).order_by(ask_turns.c.seq))]
    return Conversation(summary=_summary(row._mapping, len(turns)), turns=turns)
