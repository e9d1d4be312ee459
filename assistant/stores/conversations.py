"""Conversation state per conversation id, in the ``ask_turns`` table of the records database.

A turn stores what a follow-up question may refer to: the unit, project and year the answer was
about, and the submissions it used. The table is on the records metadata, so the migrations make it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, Text, func, insert, select

from assistant.stores.records import Base, RecordStore

__all__ = ["Turn", "ask_turns", "last_turn", "save_turn"]

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
)


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


def last_turn(records: RecordStore, conversation_id: str) -> Turn | None:
    with records.session() as s:
        row = s.execute(select(ask_turns).where(ask_turns.c.conversation_id == conversation_id)
                        .order_by(ask_turns.c.seq.desc()).limit(1)).first()
    if row is None:
        return None
    m: Any = row._mapping
    return Turn(question=m["question"], resolved=m["resolved"], kind=m["kind"], unit=m["unit"],
                project=m["project"], year=m["year"], submission_ids=list(m["submission_ids"] or []), seq=m["seq"])


def save_turn(records: RecordStore, conversation_id: str, turn: Turn) -> None:
    with records.session() as s:
        seq = s.scalar(select(func.coalesce(func.max(ask_turns.c.seq) + 1, 0))
                       .where(ask_turns.c.conversation_id == conversation_id)) or 0
        s.execute(insert(ask_turns).values(
            conversation_id=conversation_id, seq=seq, question=turn.question, resolved=turn.resolved,
            kind=turn.kind, unit=turn.unit, project=turn.project, year=turn.year,
            submission_ids=list(turn.submission_ids), created_at=datetime.now(UTC)))
