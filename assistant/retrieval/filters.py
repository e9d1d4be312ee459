"""Metadata filters of a retrieval: which submissions and which chunks may come back.

A filter has two halves. *Submission* filters (year, unit, department, submission kind,
submission ids) are resolved once to a set of submission ids against the records store — the
full-text index can only restrict by submission. *Chunk* filters (chunk kind, section, project,
level-1 indicator) are checked on each candidate chunk's metadata. The vector store gets the
exact-match part of both as a Chroma ``where``.

A records view of one bureau (:meth:`RecordStore.within`) is a submission filter of its own: the
full-text and vector indexes are shared by every bureau, so a search in a bureau's view always
resolves the bureau's submissions and drops every other chunk (and asks Chroma for the bureau's
vectors only, which carry it in their metadata).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.stores.records import DEFAULT_BUREAU, RecordStore

__all__ = ["RetrievalFilters"]


@dataclass(frozen=True)
class RetrievalFilters:
    """All optional; an empty filter matches everything.

    ``unit`` matches the submission's unit exactly, ``unit_like`` any part of it (``教育局``);
    ``kind`` is the chunk kind (``section`` | ``table_row`` | ``field``), ``submission_kind`` the
    submission's (``table`` | ``report`` | ``department`` …); ``section`` matches any part of
    the chunk's heading path (``满意度指标``, ``存在的问题``).
    """

    year: int | None = None
    unit: str | None = None
    unit_like: str | None = None
    department: str | None = None
    submission_ids: tuple[str, ...] | None = None
    submission_kind: str | None = None
    kind: str | None = None
    section: str | None = None
    project: str | None = None
    level1: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # further exact metadata matches

    def merged(self, **changes: Any) -> RetrievalFilters:
        """A copy with the given fields set (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def restricts_submissions(self) -> bool:
        return any(v is not None for v in (self.year, self.unit, self.unit_like, self.department,
                                           self.submission_ids, self.submission_kind))

    @property
    def is_empty(self) -> bool:
        return not self.restricts_submissions and not self.extra and all(
            v is None for v in (self.kind, self.section, self.project, self.level1))

    def submission_ids_in(self, records: RecordStore) -> list[str] | None:
        """The submissions these filters (and the records view's bureau) allow, or ``None`` when
        they do not restrict."""
        if not self.restricts_submissions and records.sees_everything():
            return None
        return records.submission_ids_where(year=self.year, unit=self.unit, unit_like=self.unit_like,
                                            department=self.department, kind=self.submission_kind,
                                            ids=self.submission_ids)

    def chroma_where(self, submission_ids: list[str] | None, max_in: int = 500,
                     bureau: str | None = None) -> dict[str, Any] | None:
        """Exact-match conditions for Chroma (``None``: no filter). ``bureau``: the records view's;
        vectors made before bureaus carry none, so the default bureau's are not asked for by it
        (:meth:`accepts` drops other bureaus' chunks all the same)."""
        conds: list[dict[str, Any]] = []
        if bureau is not None and bureau != DEFAULT_BUREAU:
            conds.append({"bureau": bureau})
        for key, value in (("year", self.year), ("unit", self.unit), ("department", self.department),
                           ("submission_kind", self.submission_kind), ("kind", self.kind),
                           ("project", self.project), ("level1", self.level1)):
            if value is not None:
                conds.append({key: value})
        conds += [{k: v} for k, v in self.extra.items()]
        if submission_ids is not None and (self.unit_like or self.submission_ids is not None) \
                and len(submission_ids) <= max_in:
            conds.append({"submission_id": {"$in": list(submission_ids)}})
        if not conds:
            return None
        return conds[0] if len(conds) == 1 else {"$and": conds}

    def accepts(self, submission_id: str, meta: Mapping[str, Any], allowed: set[str] | None) -> bool:
        """Whether a chunk passes every filter (``allowed``: the resolved submission ids)."""
        if allowed is not None and submission_id not in allowed:
            return False
        if self.kind is not None and meta.get("kind") != self.kind:
            return False
        if self.section is not None and self.section not in str(meta.get("section") or ""):
            return False
        if self.project is not None and meta.get("project") != self.project:
            return False
        if self.level1 is not None and meta.get("level1") != self.level1:
            return False
        return all(meta.get(k) == v for k, v in self.extra.items())
