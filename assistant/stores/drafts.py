"""Draft versions in the ``draft_versions`` table of the records database.

A row is one version of one draft (``draft_key`` = ``review:<submission id>`` or
``annual:<year>:<scope>``): the editor, the time, what was done, the excluded finding ids and
text edits in force, and the whole draft as JSON plus its Markdown. The store keeps the draft as
the JSON it was given; :mod:`assistant.drafting.versions` turns it back into a ``Draft``.

A review letter belongs to its submission's bureau (its key names the submission). An annual
draft belongs to the bureau of the records view that saves it (``records.home``): outside the
default bureau its row's key is prefixed ``@<bureau>:``, so two bureaus each have their own
``annual:2025:all`` and neither sees the other's; the prefix never leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from assistant.stores.records import DEFAULT_BUREAU, Base, RecordStore

__all__ = ["DraftVersionRow", "DraftVersionStore", "StoredDraftVersion"]


def _now() -> datetime:
    return datetime.now(UTC)


class DraftVersionRow(Base):
    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_key: Mapped[str] = mapped_column(String(256), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # review | annual
    subject: Mapped[str | None] = mapped_column(String(256), index=True)  # submission id, or year
    version: Mapped[int] = mapped_column(Integer)
    editor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32), default="generated")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    excluded: Mapped[list] = mapped_column(JSON, default=list)
    edits: Mapped[dict] = mapped_column(JSON, default=dict)  # block key → {"text", "editor", "at"}
    content: Mapped[dict] = mapped_column(JSON, default=dict)  # Draft.to_dict()
    text: Mapped[str] = mapped_column(Text, default="")  # Markdown


@dataclass(frozen=True)
class StoredDraftVersion:
    key: str
    version: int
    kind: str
    editor: str
    action: str
    created_at: datetime
    content: dict[str, Any]
    note: str | None = None
    excluded: list[str] = field(default_factory=list)
    edits: dict[str, dict[str, Any]] = field(default_factory=dict)
    text: str = ""

    @classmethod
    def of(cls, row: DraftVersionRow) -> StoredDraftVersion:
        key = row.draft_key.split(":", 1)[1] if row.draft_key.startswith("@") else row.draft_key
        return cls(key=key, version=row.version, kind=row.kind, editor=row.editor, action=row.action,
                   created_at=row.created_at, content=dict(row.content or {}), note=row.note,
                   excluded=list(row.excluded or []), edits=dict(row.edits or {}), text=row.text or "")


class DraftVersionStore:
    """Every version of every draft; nothing is overwritten."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records

    def _key(self, key: str) -> str:
        """The row's key: an annual draft outside the default bureau carries its bureau."""
        home = self.records.home
        return f"@{home}:{key}" if key.startswith("annual:") and home != DEFAULT_BUREAU else key

    def add(self, key: str, *, kind: str, subject: str | None, editor: str, action: str, note: str | None,
            excluded: list[str], edits: dict[str, dict[str, Any]], content: dict[str, Any],
            text: str) -> StoredDraftVersion:
        """Store the next version of ``key`` (numbered after the latest one)."""
        key = self._key(key)
        for attempt in range(3):
            try:
                with self.records.session() as s:
                    last = s.scalar(select(func.max(DraftVersionRow.version))
                                    .where(DraftVersionRow.draft_key == key)) or 0
                    row = DraftVersionRow(draft_key=key, kind=kind, subject=subject, version=last + 1,
                                          editor=editor, action=action, note=note, created_at=_now(),
                                          excluded=excluded, edits=edits, content=content, text=text)
                    s.add(row)
                    s.flush()
                    return StoredDraftVersion.of(row)
            except IntegrityError:  # a concurrent save took this number: try the next one
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")

    def latest(self, key: str) -> StoredDraftVersion | None:
        key = self._key(key)
        with self.records.session() as s:
            row = s.scalar(select(DraftVersionRow).where(DraftVersionRow.draft_key == key)
                           .order_by(DraftVersionRow.version.desc()).limit(1))
            return StoredDraftVersion.of(row) if row else None

    def get(self, key: str, version: int) -> StoredDraftVersion | None:
        key = self._key(key)
        with self.records.session() as s:
            row = s.scalar(select(DraftVersionRow).where(DraftVersionRow.draft_key == key,
                                                         DraftVersionRow.version == version))
            return StoredDraftVersion.of(row) if row else None

    def versions(self, key: str) -> list[StoredDraftVersion]:
        key = self._key(key)
        with self.records.session() as s:
            rows = s.scalars(select(DraftVersionRow).where(DraftVersionRow.draft_key == key)
                             .order_by(DraftVersionRow.version))
            return [StoredDraftVersion.of(r) for r in rows]

    def keys(self, kind: str | None = None) -> list[str]:
        home = self.records.home
        annual = DraftVersionRow.draft_key.like("annual:%" if home == DEFAULT_BUREAU else f"@{home}:%")
        review = and_(DraftVersionRow.kind == "review", self.records.in_scope(DraftVersionRow.subject))
        q = select(DraftVersionRow.draft_key).distinct().where(or_(annual, review)).order_by(DraftVersionRow.draft_key)
        if kind:
            q = q.where(DraftVersionRow.kind == kind)
        with self.records.session() as s:
            return sorted(k.split(":", 1)[1] if k.startswith("@") else k for k in s.scalars(q))
