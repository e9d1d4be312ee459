"""Reviewers' ratings of answers as people and scripts read them: the CSV and JSON exports, and
the report of the worst-rated answers (the store is :mod:`assistant.stores.feedback`)."""

from __future__ import annotations

import csv
import io
import json

from assistant.stores.feedback import Feedback, WorstAnswer

__all__ = ["FEEDBACK_HEADERS", "feedback_csv", "feedback_json", "worst_lines"]

# CSV headers a reviewer reads (Chinese), in the order of Feedback.to_dict()
FEEDBACK_HEADERS = {"conversation_id": "对话编号", "turn": "轮次", "user": "评价人", "rating": "评价",
                    "reason": "理由", "question": "问题", "answer": "回答", "created_at": "评价时间",
                    "updated_at": "修改时间"}
RATING_WORDS = {1: "👍", -1: "👎"}


def _safe(value: object) -> str:
    """A cell as text; one starting like a formula is quoted so a spreadsheet shows it as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def feedback_csv(items: list[Feedback]) -> str:
    """Every rating as CSV with Chinese headers (UTF-8 with BOM, so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FEEDBACK_HEADERS.values())
    for f in items:
        d = f.to_dict()
        d["rating"] = RATING_WORDS.get(f.rating, f.rating)
        d["turn"] = f.turn + 1  # 第1轮 for the first turn, as the page numbers them
        writer.writerow(_safe(d[k]) for k in FEEDBACK_HEADERS)
    return "\ufeff" + out.getvalue()


def feedback_json(items: list[Feedback]) -> str:
    return json.dumps([f.to_dict() for f in items], ensure_ascii=False, indent=2)


def worst_lines(worst: list[WorstAnswer]) -> list[str]:
    """The report of the worst-rated answers, one block per answer."""
    if not worst:
        return ["还没有被评为 👎 的回答。"]
    lines = [f"评价最差的 {len(worst)} 条回答（👍 − 👎 由低到高）："]
    for i, w in enumerate(worst, start=1):
        lines.append(f"{i}. 问题：{w.question}（对话 {w.conversation_id} 第{w.turn + 1}轮；👎 {w.down}，👍 {w.up}）")
        lines.append(f"   回答：{w.answer[:120]}{'…' if len(w.answer) > 120 else ''}")
        lines += [f"   理由：{r}" for r in w.reasons]
    return lines
