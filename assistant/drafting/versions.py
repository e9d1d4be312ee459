"""Draft versions: every generated or reviewer-changed draft is kept, with who and when.

The ``draft_versions`` table lives in the records database (same engine, same SQLAlchemy
metadata as :mod:`assistant.stores.records`, created on first use). A row is one version of one
draft (``draft_key`` = ``review:<submission id>`` or ``annual:<year>:<scope>``): the editor, the
time, what was done (``generated``, ``regenerated``, ``excluded``, ``edited``, ``polished``), the
excluded finding ids and text edits in force, and the whole draft as JSON plus its Markdown.

:func:`revise` is the reviewer's loop: take the latest version, add exclusions and text edits,
rebuild the draft from the current records (so excluded findings leave the text *and* the
counts), re-apply the edits and save the result as the next version. Nothing is overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from assistant.drafting.document import Draft, to_markdown
from assistant.stores.records import Base, RecordStore

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.drafting.library import Library

__all__ = ["DraftStore", "DraftVersion", "DraftVersionRow", "rebuild", "revise"]


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


@dataclass
class DraftVersion:
    key: str
    version: int
    editor: str
    action: str
    created_at: datetime
    draft: Draft
    note: str | None = None
    excluded: list[str] = field(default_factory=list)
    edits: dict[str, dict[str, Any]] = field(default_factory=dict)
    text: str = ""

    @classmethod
    def of(cls, row: DraftVersionRow) -> DraftVersion:
        return cls(key=row.draft_key, version=row.version, editor=row.editor, action=row.action,
                   created_at=row.created_at, draft=Draft.from_dict(row.content or {}), note=row.note,
                   excluded=list(row.excluded or []), edits=dict(row.edits or {}), text=row.text or "")

    def summary(self) -> dict[str, Any]:
        return {"key": self.key, "version": self.version, "editor": self.editor, "action": self.action,
                "created_at": self.created_at.isoformat(), "note": self.note, "excluded": self.excluded,
                "edited_blocks": sorted(self.edits)}


class DraftStore:
    """Versions of drafts in the records database (see the module docstring)."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records
        DraftVersionRow.__table__.create(records.engine, checkfirst=True)

    def save(self, draft: Draft, *, editor: str, action: str = "generated", note: str | None = None,
             edits: dict[str, dict[str, Any]] | None = None) -> DraftVersion:
        """Store ``draft`` as the next version of its key."""
        if not editor:
            raise ValueError("须注明修改人 / an editor is required")
        excluded = list(draft.meta.get("excluded") or [])
        subject = draft.meta.get("submission_id") or (str(draft.meta["year"]) if draft.meta.get("year") else None)
        for attempt in range(3):
            try:
                with self.records.session() as s:
                    last = s.scalar(select(func.max(DraftVersionRow.version))
                                    .where(DraftVersionRow.draft_key == draft.key)) or 0
                    row = DraftVersionRow(draft_key=draft.key, kind=draft.kind, subject=subject, version=last + 1,
                                          editor=editor, action=action, note=note, created_at=_now(),
                                          excluded=excluded, edits=dict(edits or {}), content=draft.to_dict(),
                                          text=to_markdown(draft))
                    s.add(row)
                    s.flush()
                    return DraftVersion.of(row)
            except IntegrityError:  # a concurrent save took this number: try the next one
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")

    def latest(self, key: str) -> DraftVersion | None:
        with self.records.session() as s:
            row = s.scalar(select(DraftVersionRow).where(DraftVersionRow.draft_key == key)
                           .order_by(DraftVersionRow.version.desc()).limit(1))
            return DraftVersion.of(row) if row else None

    def get(self, key: str, version: int) -> DraftVersion | None:
        with self.records.session() as s:
            row = s.scalar(select(DraftVersionRow).where(DraftVersionRow.draft_key == key,
                                                         DraftVersionRow.version == version))
            return DraftVersion.of(row) if row else None

    def versions(self, key: str) -> list[DraftVersion]:
        with self.records.session() as s:
            rows = s.scalars(select(DraftVersionRow).where(DraftVersionRow.draft_key == key)
                             .order_by(DraftVersionRow.version))
            return [DraftVersion.of(r) for r in rows]

    def keys(self, kind: str | None = None) -> list[str]:
        q = select(DraftVersionRow.draft_key).distinct().order_by(DraftVersionRow.draft_key)
        if kind:
            q = q.where(DraftVersionRow.kind == kind)
        with self.records.session() as s:
            return list(s.scalars(q))


def rebuild(records: RecordStore, key: str, *, excluded: Iterable[str] = (), edits: dict[str, dict] | None = None,
            params: dict[str, Any] | None = None, library: Library | None = None) -> Draft:
    """Build the draft named by ``key`` afresh from the records, with exclusions and edits applied."""
    from assistant.drafting.annual import build_annual
    from assistant.drafting.review import build_review

    params = params or {}
    if key.startswith("review:"):
        draft = build_review(records, key.split(":", 1)[1], excluded=excluded, library=library)
    elif key.startswith("annual:"):
        _, year, scope = key.split(":", 2)
        draft = build_annual(records, int(year), scope, excluded=excluded, library=library,
                             with_statistics=params.get("with_statistics"), anonymise=params.get("anonymise"))
    else:
        raise ValueError(f"未知的稿件 / unknown draft key {key!r}")
    _apply(draft, edits or {})
    return draft


def _apply(draft: Draft, edits: dict[str, dict[str, Any]]) -> None:
    for b in draft.blocks:
        e = edits.get(b.key)
        if e:
            b.text, b.edited, b.edited_by = e["text"], True, e.get("editor")


def revise(records: RecordStore, drafts: DraftStore, key: str, *, editor: str, exclude: Iterable[str] = (),
           include: Iterable[str] = (), edits: dict[str, str] | None = None, note: str | None = None,
           params: dict[str, Any] | None = None, llm: BaseChatModel | None = None,
           library: Library | None = None) -> DraftVersion:
    """Save the next version of ``key``: the latest exclusions and edits, plus these.

    ``exclude``/``include`` add and remove excluded finding ids; ``edits`` maps block keys to the
    reviewer's text (an empty text removes that edit); ``params`` change how an annual draft is
    built (``with_statistics``, ``anonymise``; else the latest version's). With ``llm`` the rebuilt
    template text is polished under the number guard (edited blocks stay as the reviewer wrote
    them). When nothing changed since the latest version, that version is returned as it is.
    """
    latest = drafts.latest(key)
    excluded = (set(latest.excluded) if latest else set()) | set(exclude)
    excluded -= set(include)
    merged: dict[str, dict[str, Any]] = dict(latest.edits) if latest else {}
    at = _now().isoformat()
    for block_key, text in (edits or {}).items():
        if text:
            merged[block_key] = {"text": text, "editor": editor, "at": at}
        else:
            merged.pop(block_key, None)
    build = {k: v for k, v in (latest.draft.meta if latest else {}).items() if k in ("with_statistics", "anonymise")}
    build.update({k: v for k, v in (params or {}).items() if v is not None})
    draft = rebuild(records, key, excluded=sorted(excluded), edits=merged, params=build, library=library)
    for b in draft.blocks:
        if b.edited:
            bad = draft.unsupported().get(b.key)
            if bad:
                draft.notes.append(f"{b.key}：人工修改的文字中有数字不在所引事实中：{'、'.join(bad)}")
    if latest is not None and llm is None and not latest.draft.meta.get("polished") and \
            json.dumps(draft.to_dict(), sort_keys=True, ensure_ascii=False) == \
            json.dumps(latest.draft.to_dict(), sort_keys=True, ensure_ascii=False):
        return latest  # nothing changed: no new version
    action = "edited" if edits else "excluded" if (exclude or include) else "regenerated" if latest else "generated"
    if llm is not None:
        from assistant.drafting.polish import polish

        draft = polish(draft, llm, library=library)
        action = "polished" if action in ("generated", "regenerated") else action
    return drafts.save(draft, editor=editor, action=action, note=note, edits=merged)
