"""Conversation state per conversation id: the conversations, their subject and their turns live in
the records store (:mod:`assistant.stores.conversations`); a new conversation gets a fresh id here."""

from __future__ import annotations

import uuid
from typing import Any

from assistant.model import Location
from assistant.stores.conversations import (
    Conversation,
    Subject,
    Turn,
    conversation_subject,
    last_turn,
    save_turn,
)
from assistant.stores.records import RecordStore

__all__ = ["CHIP_LABELS", "Subject", "Turn", "conversation_markdown", "conversation_subject", "last_turn",
           "new_conversation_id", "save_turn", "stored_location", "subject_chips"]


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


def conversation_markdown(conversation: Conversation) -> str:
    """A conversation as a Markdown document: its title and subject, then each question with its
    answer as shown and the passages it cites (file and place)."""
    s = conversation.summary
    lines = [f"# {s.title}", "", f"共{len(conversation.turns)}轮问答，最后更新：{s.updated_at:%Y-%m-%d %H:%M}。"]
    subject = "；".join(f"{CHIP_LABELS[k]}：{v}{'年' if k == 'year' else ''}"
                       for k, v in s.subject.to_dict().items() if v not in (None, "") and k != "submission_id")
    if subject:
        lines.append(f"当前主题：{subject}。")
    for n, t in enumerate(conversation.turns, start=1):
        lines += ["", f"## {n}. {t.question}"]
        if t.resolved:
            lines.append(f"（按上一轮理解为：{t.resolved}）")
        answer = t.answer or {}
        lines += ["", answer.get("text") or "（无回答记录）"]
        for c in answer.get("citations") or []:
            where = stored_location(c.get("location")).describe()
            lines.append(f"- [{c.get('n')}] {c.get('file') or ''} {where}：{(c.get('snippet') or '')[:120]}")
    return "\n".join(lines) + "\n"


def stored_location(data: dict[str, Any] | None) -> Location:
    """A citation's location as a stored answer keeps it (a dict) read back."""
    known = Location.__dataclass_fields__
    return Location(**{k: v for k, v in (data or {}).items() if k in known})
