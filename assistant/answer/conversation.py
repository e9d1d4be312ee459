"""Conversation state per conversation id: the turns live in the records store
(:mod:`assistant.stores.conversations`); a new conversation gets a fresh id here."""

from __future__ import annotations

import uuid

from assistant.stores.conversations import Turn, last_turn, save_turn

__all__ = ["Turn", "last_turn", "new_conversation_id", "save_turn"]


def new_conversation_id() -> str:
    return uuid.uuid4().hex[:16]
