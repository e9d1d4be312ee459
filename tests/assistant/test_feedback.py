"""Ratings of answers (issue 18 item 6): stored per turn and user, a 👎 needs its reason, rating
again replaces, the exports read on their own, and the worst-rated answers come first."""

from __future__ import annotations

import csv
import io
import json

import pytest

from assistant.answer.feedback import feedback_csv, feedback_json, worst_lines
from assistant.answer.types import Answer
from assistant.stores.conversations import Turn, save_turn
from assistant.stores.feedback import FeedbackError, list_feedback, rate_answer, worst_answers
from assistant.stores.records import RecordStore


@pytest.fixture
def records(tmp_path) -> RecordStore:
    records = RecordStore(f"sqlite:///{tmp_path / 'z.db'}")
    for cid, questions in (("c1", ["执行率是多少？", "那2021年呢？"]), ("c2", ["退回的有哪些？"])):
        for q in questions:
            answer = Answer(text=f"{q}的回答=1+1", kind="structured", question=q)
            save_turn(records, cid, Turn(question=q, answer=answer.to_dict()), user_name="张三")
    return records


def test_a_rating_is_stored_with_the_question_and_answer_it_rates(records):
    stored = rate_answer(records, "c1", 1, -1, "  把2022年的数字当成了2021年  ", "张三")
    assert (stored.rating, stored.reason, stored.question) == (-1, "把2022年的数字当成了2021年", "那2021年呢？")
    assert stored.answer == "那2021年呢？的回答=1+1"
    again = rate_answer(records, "c1", 1, 1, None, "张三")  # the same user changes their mind
    assert again.rating == 1 and again.reason is None
    assert [(f.turn, f.rating) for f in list_feedback(records)] == [(1, 1)]
    rate_answer(records, "c1", 1, -1, "不对", "李四")  # another user rates the same answer
    assert len(list_feedback(records, conversation_id="c1")) == 2


@pytest.mark.parametrize(("turn", "rating", "reason", "says"), [
    (0, -1, None, "须写明理由"), (0, -1, "   ", "须写明理由"), (5, 1, None, "没有第6轮回答"), (0, 0, None, "只能是")])
def test_a_bad_rating_is_refused_in_chinese_and_stores_nothing(records, turn, rating, reason, says):
    with pytest.raises(FeedbackError, match=says):
        rate_answer(records, "c1", turn, rating, reason, "张三")
    assert list_feedback(records) == []


def test_the_worst_rated_answers_come_first_with_their_reasons(records):
    rate_answer(records, "c1", 0, 1, None, "张三")
    rate_answer(records, "c1", 1, -1, "年份不对", "张三")
    rate_answer(records, "c1", 1, -1, "没说没有2021年的表", "李四")
    rate_answer(records, "c2", 0, -1, "漏了一份", "张三")
    rate_answer(records, "c2", 0, 1, None, "李四")
    worst = worst_answers(records, 5)
    assert [(w.conversation_id, w.turn, w.score, w.down, w.up) for w in worst] == [("c1", 1, -2, 2, 0),
                                                                                  ("c2", 0, 0, 1, 1)]
    assert set(worst[0].reasons) == {"年份不对", "没说没有2021年的表"}
    assert worst_answers(records, 1) == worst[:1]
    report = "\n".join(worst_lines(worst))
    assert "那2021年呢？" in report and "年份不对" in report and "执行率是多少" not in report


def test_the_exports_read_on_their_own(records):
    rate_answer(records, "c1", 1, -1, "=HYPERLINK(\"x\")", "张三")
    items = list_feedback(records)
    text = feedback_csv(items)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["对话编号", "轮次", "评价人", "评价", "理由"]
    assert rows[1][:5] == ["c1", "2", "张三", "👎", "'=HYPERLINK(\"x\")"]  # no formula reaches a spreadsheet
    data = json.loads(feedback_json(items))
    assert data[0]["rating"] == -1 and data[0]["question"] == "那2021年呢？"
