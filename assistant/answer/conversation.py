"""Conversation state per conversation id: the conversations, their subject and their turns live in
the records store (:mod:`assistant.stores.conversations`); a new conversation gets a fresh id here."""

from __future__ import annotations

import uuid

from assistant.stores.conversations import Subject, Turn, conversation_subject, last_turn, save_turn
from assistant.stores.records import RecordStore

__all__ = ["CHIP_LABELS", "Subject", "Turn", "conversation_subject", "last_turn", "new_conversation_id", "save_turn",
           "subject_chips"]


def new_conversation_id() -> str:
    return uuid.uuid4().hex[:16]


CHIP_LABELS = {"unit": "单位", "project": "项目", "year": "年度", "submission_id": "材料", "indicator": "指标",
               "measure": "所问"}


def subject_chips(subject: Subject, records: RecordStore) -> list[dict[str, str]]:
    """The subject's parts as the page shows them (``{"key", "label", "value"}``), each removable;
    a submission is shown by its file name."""
    out = []
    for key, label in CHIP_LABELS.items():
        value = getattr(subject, key)
        if value is None or value == "":
            continue
        if key == "year":
            shown = f"{value}年"
        elif key == "submission_id":
            summary = records.get_summary(str(value))
            shown = (summary.file_name if summary is not None else None) or str(value)
        else:
            shown = str(value)
        out.append({"key": key, "label": label, "value": shown})
    return out
