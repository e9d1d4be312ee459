"""The overview's list and the questions' change stamp read an index, not the submissions table.

Both run on every page view and every question; a table scan reads each row's ``data`` JSON
(about 100 ms per question at 10,000 submissions on SQLite before the index).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event

from assistant.stores.records import RecordStore


def _statements(store: RecordStore, action) -> list[tuple[str, tuple]]:
    seen: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if "FROM submissions" in statement:
            seen.append((statement, tuple(parameters or ())))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    assert seen, "the action read no submissions"
    return seen


def _plans(db_path: Path, statements: list[tuple[str, tuple]]) -> list[str]:
    db = sqlite3.connect(db_path)
    try:
        return [" | ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params))
                for sql, params in statements]
    finally:
        db.close()


@pytest.mark.parametrize("bureau", [None, "default"], ids=["every-bureau", "one-bureau"])
def test_list_and_change_stamp_use_an_index(tmp_path: Path, bureau: str | None) -> None:
    db_path = tmp_path / "records.db"
    store = RecordStore(f"sqlite:///{db_path}").within(bureau)
    try:
        statements = _statements(store, lambda: (store.change_stamp(), store.list_submissions(limit=50)))
    finally:
        store.close()
    for (sql, _), plan in zip(statements, _plans(db_path, statements), strict=True):
        scans = [step for step in plan.split(" | ") if step.startswith("SCAN submissions")]
        assert all("INDEX" in step for step in scans), f"{sql}\n→ {plan}"
        assert "ix_submissions_" in plan and "recent" in plan, f"{sql}\n→ {plan}"
