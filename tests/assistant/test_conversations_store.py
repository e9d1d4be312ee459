"""The conversations store (assistant/stores/conversations.py) on SQLite and on a real PostgreSQL:
a conversation is made by its first turn, owned by a user, keeps its subject and its answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assistant.stores.conversations import (
    Subject,
    Turn,
    conversation_subject,
    get_conversation,
    last_turn,
    list_conversations,
    rename_conversation,
    save_turn,
    set_subject,
)
from assistant.stores.records import RecordStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def records(request, tmp_path) -> Iterator[RecordStore]:
    if request.param == "sqlite":
        store = RecordStore(f"sqlite:///{tmp_path / 'ziping.db'}")
        yield store
        store.close()
        return
    server = make_url(request.getfixturevalue("postgres_url"))
    name = "zp_conv_" + uuid.uuid4().hex[:12]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    store = RecordStore(server.set(database=name).render_as_string(hide_password=False))
    try:
        yield store
    finally:
        store.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_conversation_keeps_its_owner_subject_and_answers(records):
    answer = {"text": "执行率：55%[1]。", "kind": "document", "found": True, "rows": [{"year": 2022, "rate": 55.0}],
              "citations": [{"n": 1, "chunk_id": "a:c1", "location": {"file": "a.docx", "table": 0}}]}
    save_turn(records, "c1", Turn(question="某县教育局学生资助项目的执行率是多少？", kind="document", unit="某县教育局",
                                  project="学生资助", year=2022, submission_ids=["a"], submission_id="a",
                                  measure="预算执行率", answer=answer), user_name="张审核")
    save_turn(records, "c1", Turn(question="那2021年呢？", resolved="2021年某县教育局学生资助项目的执行率是多少？",
                                  unit="某县教育局", project="学生资助", year=2021, measure="预算执行率",
                                  answer={"text": "没有找到", "found": False}), user_name="张审核")
    save_turn(records, "c2", Turn(question="有哪些项目？"), user_name="李审核")
    assert conversation_subject(records, "c1") == Subject(unit="某县教育局", project="学生资助", year=2021,
                                                          measure="预算执行率")
    assert conversation_subject(records, "nope") is None
    (mine,) = list_conversations(records, "张审核")
    assert (mine.id, mine.title, mine.turns) == ("c1", "某县教育局学生资助项目的执行率是多少？", 2)
    convo = get_conversation(records, "c1")
    assert [t.seq for t in convo.turns] == [0, 1] and convo.turns[0].answer == answer
    assert convo.turns[1].resolved.startswith("2021年") and last_turn(records, "c1").year == 2021
    assert set_subject(records, "c1", Subject(unit="某县教育局"))
    assert conversation_subject(records, "c1") == Subject(unit="某县教育局")
    assert rename_conversation(records, "c1", "学生资助") and get_conversation(records, "c1").summary.title == "学生资助"
    assert not rename_conversation(records, "nope", "x") and [c.id for c in list_conversations(records, "李审核")] == ["c2"]
