"""Draft versions: every generated or reviewer-changed draft is kept, with who and when.

The versions live in the records database (:mod:`assistant.stores.drafts`). A version is one
state of one draft (``draft_key`` = ``review:<submission id>`` or ``annual:<year>:<scope>``): the
editor, the time, what was done (``generated``, ``regenerated``, ``excluded``, ``edited``, ``polished``), the
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

from assistant.drafting.document import Draft, to_markdown
from assistant.stores.drafts import DraftVersionStore, StoredDraftVersion
from assistant.stores.records import RecordStore

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.drafting.library import Library

__all__ = ["DraftStore", "DraftVersion", "rebuild", "revise"]


def _now() -> datetime:
    return datetime.now(UTC)


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
    def of(cls, stored: StoredDraftVersion) -> DraftVersion:
        return cls(key=stored.key, version=stored.version, editor=stored.editor, action=stored.action,
                   created_at=stored.created_at, draft=Draft.from_dict(stored.content), note=stored.note,
                   excluded=list(stored.excluded), edits=dict(stored.edits), text=stored.text)

    def summary(self) -> dict[str, Any]:
        return {"key": self.key, "version": self.version, "editor": self.editor, "action": self.action,
                "created_at": self.created_at.isoformat(), "note": self.note, "excluded": self.excluded,
                "edited_blocks": sorted(self.edits)}


class DraftStore:
    """Versions of drafts as :class:`Draft` objects, kept by :class:`DraftVersionStore`."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records
        self._rows = DraftVersionStore(records)

    def save(self, draft: Draft, *, editor: str, action: str = "generated", note: str | None = None,
             edits: dict[str, dict[str, Any]] | None = None) -> DraftVersion:
        """Store ``draft`` as the next version of its key."""
        if not editor:
            raise ValueError("须注明修改人 / an editor is required")
        excluded = list(draft.meta.get("excluded") or [])
        subject = draft.meta.get("submission_id") or (str(draft.meta["year"]) if draft.meta.get("year") else None)
        return DraftVersion.of(self._rows.add(
            draft.key, kind=draft.kind, subject=subject, editor=editor, action=action, note=note,
            excluded=excluded, edits=dict(edits or {}), content=draft.to_dict(), text=to_markdown(draft)))

    def latest(self, key: str) -> DraftVersion | None:
        found = self._rows.latest(key)
        return DraftVersion.of(found) if found else None

    def get(self, key: str, version: int) -> DraftVersion | None:
        found = self._rows.get(key, version)
        return DraftVersion.of(found) if found else None

    def versions(self, key: str) -> list[DraftVersion]:
        return [DraftVersion.of(v) for v in self._rows.versions(key)]

    def keys(self, kind: str | None = None) -> list[str]:
        return self._rows.keys(kind)


# how a draft is built besides the records; kept from version to version unless changed
BUILD_PARAMS = ("with_statistics", "anonymise", "letterhead", "annex")


def rebuild(records: RecordStore, key: str, *, excluded: Iterable[str] = (), edits: dict[str, dict] | None = None,
            params: dict[str, Any] | None = None, library: Library | None = None) -> Draft:
    """Build the draft named by ``key`` afresh from the records, with exclusions and edits applied."""
    from assistant.drafting.annual import build_annual
    from assistant.drafting.review import build_review

    params = params or {}
    if key.startswith("review:"):
        draft = build_review(records, key.split(":", 1)[1], excluded=excluded, library=library,
                             letterhead=params.get("letterhead"), annex=bool(params.get("annex")))
    elif key.startswith("annual:"):
        _, year, scope = key.split(":", 2)
        draft = build_annual(records, int(year), scope, excluded=excluded, library=library,
                             with_statistics=params.get("with_statistics"), anonymise=params.get("anonymise"),
                             letterhead=params.get("letterhead"))
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
    built (``with_statistics``, ``anonymise``, ``letterhead``, ``annex``; else the latest version's). With ``llm`` the rebuilt
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
    build = {k: v for k, v in (latest.draft.meta if latest else {}).items() if k in BUILD_PARAMS}
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
