"""Conversation state per conversation id: the conversations, their subject and their turns live in
the records store (:mod:`assistant.stores.conversations`); a new conversation gets a fresh id here."""

from __future__ import annotations

import uuid

from assistant.stores.conversations import Subject, Turn, conversation_subject, last_turn, save_turn

__all__ = ["Subject", "Turn", "conversation_subject", "last_turn", "new_conversation_id", "save_turn"]


def new_conversation_id() -> str:
    return uuid.uuid4().hex[:16]
