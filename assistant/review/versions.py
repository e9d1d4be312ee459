"""What changed between two versions of a submission (issue 15 item 5): the fields and indicator
cells whose value differs (by field path, old → new, as written) and the findings the new version
no longer has (resolved), has for the first time (new) or still has (still present).

A finding is the same across versions when its rule and field are (as for a re-check,
:func:`assistant.checker.recheck.rule_delta`); its wording and evidence may have changed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from assistant.model import Finding, Submission, Value
from assistant.review.errors import Invalid, NotFound
from assistant.review.fields import display
from assistant.stores.records import RecordStore
from assistant.stores.versions import VersionStore

__all__ = ["FieldChange", "VersionDiff", "diff_submissions", "diff_versions", "flatten"]

# what a reviewer compares: not where a value sat in the file, nor what the reader made of the file
_SKIP = frozenset({"id", "file", "doc_type", "cells", "sections", "signatures", "status_reason", "unit_source",
                   "block_weights"})


@dataclass(frozen=True)
class FieldChange:
    field_path: str
    old: str | None  # None: the old version has no such field (a row was added)
    new: str | None  # None: the new version has none (a row was removed)


@dataclass
class VersionDiff:
    old_id: str
    new_id: str
    changes: list[FieldChange] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)  # the old version's, gone in the new one
    new: list[Finding] = field(default_factory=list)
    still_present: list[Finding] = field(default_factory=list)  # the new version's, with their decisions


def flatten(obj: Any, prefix: str = "") -> dict[str, str]:
    """Every comparable value of a submission by field path, as a reviewer reads it."""
    out: dict[str, str] = {}
    if isinstance(obj, Value):
        out[prefix] = display(dataclasses.asdict(obj))
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if f.name not in _SKIP:
                out.update(flatten(getattr(obj, f.name), f"{prefix}.{f.name}" if prefix else f.name))
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            out.update(flatten(item, f"{prefix}[{i}]"))
    elif not isinstance(obj, dict):
        out[prefix] = display(obj)
    return out


def _key(f: Finding) -> tuple[str, str | None]:
    return f.rule, f.location.field


def diff_submissions(old: Submission, new: Submission, old_findings: list[Finding],
                     new_findings: list[Finding]) -> VersionDiff:
    """The differences from ``old`` to ``new`` (findings: those not resolved in each)."""
    before, after = flatten(old), flatten(new)
    paths = list(after) + [p for p in before if p not in after]
    changes = [FieldChange(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p)]
    old_keys, new_keys = {_key(f) for f in old_findings}, {_key(f) for f in new_findings}
    return VersionDiff(old.id, new.id, changes,
                       resolved=[f for f in old_findings if _key(f) not in new_keys],
                       new=[f for f in new_findings if _key(f) not in old_keys],
                       still_present=[f for f in new_findings if _key(f) in old_keys])


def diff_versions(records: RecordStore, submission_id: str, against: str | None = None) -> VersionDiff:
    """The diff of a stored submission against ``against`` (default: its previous version).

    :class:`NotFound` for an unknown id, :class:`Invalid` when there is nothing to compare with."""
    new = records.get_submission(submission_id)
    if new is None:
        raise NotFound(f"没有编号为“{submission_id}”的材料")
    if against is None:
        link = VersionStore(records).version(submission_id)
        against = link.previous_id if link is not None else None
        if against is None:
            raise Invalid(f"材料“{submission_id}”没有更早的版本；请指定要比较的材料（against）")
    if against == submission_id:
        raise Invalid("不能与自身比较，请指定另一份材料")
    old = records.get_submission(against)
    if old is None:
        raise NotFound(f"没有编号为“{against}”的材料")
    return diff_submissions(old, new, records.get_findings(against), records.get_findings(submission_id))
