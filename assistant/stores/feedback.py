"""Reviewers' ratings of answers (issue 18 item 6): 👍 / 👎 with a reason, per answered turn of a
conversation, in ``ask_feedback``.

A rating names the turn it rates (conversation id + the turn's number) and keeps a copy of the
question and the answer as shown, so that the export and the report of the worst-rated answers
read on their own after conversations are deleted. A user rates a turn once: rating it again
replaces the rating. A 👎 needs a reason (it is what the next evaluation round learns from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    update,
)

from assistant.stores.conversations import ask_turns
from assistant.stores.records import Base, RecordStore

__all__ = ["Feedback", "FeedbackError", "WorstAnswer", "feedback_table", "list_feedback", "rate_answer",
           "worst_answers"]

feedback_table = Table(
    "ask_feedback", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("turn", Integer, nullable=False),  # the rated turn's number in its conversation (0, 1, …)
    Column("user_name", String(64), nullable=False),
    Column("rating", Integer, nullable=False),  # +1 👍, -1 👎
    Column("reason", Text),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("conversation_id", "turn", "user_name"),
)

ANONYMOUS = "匿名"  # who rated, when the page runs without sign-in
REASON_CHARS = 2000


class FeedbackError(ValueError):
    """A rating that cannot be stored; the message says why, in Chinese."""


@dataclass(frozen=True)
class Feedback:
    conversation_id: str
    turn: int
    user: str
    rating: int
    reason: str | None
    question: str
    answer: str
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id, "turn": self.turn, "user": self.user,
                "rating": self.rating, "reason": self.reason, "question": self.question, "answer": self.answer,
                "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat()}


@dataclass(frozen=True)
class WorstAnswer:
    """One rated answer in the report: its ratings summed (👍 − 👎) and the reasons given."""

    conversation_id: str
    turn: int
    question: str
    answer: str
    score: int
    down: int
    up: int
    reasons: tuple[str, ...]


def _now() -> datetime:
    return datetime.now(UTC)


def _feedback(m: Any) -> Feedback:
    return Feedback(conversation_id=m["conversation_id"], turn=m["turn"], user=m["user_name"], rating=m["rating"],
                    reason=m["reason"], question=m["question"], answer=m["answer"], created_at=m["created_at"],
                    updated_at=m["updated_at"])


def rate_answer(records: RecordStore, conversation_id: str, turn: int, rating: int, reason: str | None = None,
                user: str | None = None) -> Feedback:
    """Store ``user``'s rating of the turn (replacing their earlier one); :class:`FeedbackError`
    for an unknown turn, a rating other than 1 / -1, or a 👎 without a reason."""
    if rating not in (1, -1):
        raise FeedbackError("评价只能是 👍（1）或 👎（-1）")
    reason = (reason or "").strip() or None
    if rating == -1 and reason is None:
        raise FeedbackError("👎 须写明理由（哪里不对），以便改进")
    if reason is not None and len(reason) > REASON_CHARS:
        raise FeedbackError(f"理由过长（不超过{REASON_CHARS}字）")
    user = (user or "").strip() or ANONYMOUS
    now = _now()
    with records.session() as s:
        row = s.execute(select(ask_turns.c.question, ask_turns.c.answer).where(
            ask_turns.c.conversation_id == conversation_id, ask_turns.c.seq == turn)).first()
        if row is None:
            raise FeedbackError(f"对话“{conversation_id}”中没有第{turn + 1}轮回答，无法评价")
        answer = (row.answer or {}).get("text") or ""
        key = (feedback_table.c.conversation_id == conversation_id, feedback_table.c.turn == turn,
               feedback_table.c.user_name == user)
        if s.execute(select(feedback_table.c.id).where(*key)).first() is None:
            s.execute(insert(feedback_table).values(conversation_id=conversation_id, turn=turn, user_name=user,
                                                    rating=rating, reason=reason, question=row.question,
                                                    answer=answer, created_at=now, updated_at=now))
        else:
            s.execute(update(feedback_table).where(*key).values(rating=rating, reason=reason, updated_at=now))
        stored = s.execute(select(feedback_table).where(*key)).mappings().one()
        return _feedback(stored)


def list_feedback(records: RecordStore, *, conversation_id: str | None = None,
                  rating: int | None = None) -> list[Feedback]:
    """Every rating, oldest first (optionally of one conversation, or only 👍 / 👎)."""
    stmt = select(feedback_table).order_by(feedback_table.c.created_at, feedback_table.c.id)
    if conversation_id is not None:
        stmt = stmt.where(feedback_table.c.conversation_id == conversation_id)
    if rating is not None:
        stmt = stmt.where(feedback_table.c.rating == rating)
    with records.session() as s:
        return [_feedback(m) for m in s.execute(stmt).mappings()]


def worst_answers(records: RecordStore, n: int = 10) -> list[WorstAnswer]:
    """The ``n`` rated answers with the lowest summed rating (most 👎 first on a tie), each with
    its reasons — the questions for the next evaluation round. Only answers with a 👎 are listed."""
    c = feedback_table.c
    down = func.sum(func.cast(c.rating < 0, Integer))
    stmt = (select(c.conversation_id, c.turn, func.min(c.question).label("question"),
                   func.min(c.answer).label("answer"), func.sum(c.rating).label("score"), down.label("down"),
                   func.count().label("n"))
            .group_by(c.conversation_id, c.turn).having(down > 0)
            .order_by(func.sum(c.rating), down.desc(), c.conversation_id, c.turn).limit(n))
    with records.session() as s:
        rows = list(s.execute(stmt).mappings())
        out = []
        for r in rows:
            reasons = tuple(x for (x,) in s.execute(
                select(c.reason).where(c.conversation_id == r["conversation_id"], c.turn == r["turn"],
                                       c.reason.is_not(None)).order_by(c.rating, c.id)))
            down_n = int(r["down"] or 0)
            out.append(WorstAnswer(conversation_id=r["conversation_id"], turn=int(r["turn"]), question=r["question"],
                                   answer=r["answer"], score=int(r["score"]), down=down_n, up=int(r["n"]) - down_n,
                                   reasons=reasons))
    return out
