"""Re-check stored submissions with today's rules and store the new findings — one service for
``ziping recheck`` and ``POST /api/v1/submissions/{id}/recheck``.

Findings are stored stamped with the version of the rules that made them
(:func:`assistant.checker.version.rules_version`). A re-check recomputes them from the stored
records (nothing is read again), replaces them, re-stamps them, and says which findings appeared
and which went away. :func:`stale_ids` names the submissions whose stamp differs from today's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.checker import check_submission, profile_for
from assistant.checker.version import rules_version
from assistant.model import SEVERITY_ORDER, Finding

if TYPE_CHECKING:
    from assistant.stores.records import RecordStore

# progress(done, total), once per submission re-checked
Progress = Callable[[int, int], None]


@dataclass
class Rechecked:
    submission_id: str
    file_name: str
    profile: str  # the profile actually applied (``auto`` resolved by the submission's layout)
    before: int
    after: int
    added: list[str] = field(default_factory=list)  # rule codes, once per new finding
    removed: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # severity → findings after the re-check
    version: str = ""  # the applied pack's version ("2026.1"; "" = 未标版本)


def _identity(f: Finding) -> tuple[str, str | None]:
    """The same rule at the same field is the same finding (its wording may have changed)."""
    return f.rule, f.location.field


def rule_delta(old: Sequence[Finding], new: Sequence[Finding]) -> tuple[list[str], list[str]]:
    """(rule codes of findings that appeared, of findings that went away), one per finding."""
    old_keys, new_keys = Counter(map(_identity, old)), Counter(map(_identity, new))
    return (sorted(k[0] for k in (new_keys - old_keys).elements()),
            sorted(k[0] for k in (old_keys - new_keys).elements()))


def stale_ids(records: RecordStore, profile: str, year: int | None = None) -> list[str]:
    """Stored submissions whose findings were made by other rules than ``profile``'s today."""
    current = rules_version(profile)
    versions = records.rules_versions()
    in_year = {s.id for s in records.list_submissions(year=year)} if year is not None else versions.keys()
    return sorted(sid for sid, version in versions.items() if sid in in_year and version != current)


def targets(records: RecordStore, profile: str, ids: Sequence[str] = (), *, every: bool = False,
            year: int | None = None) -> tuple[list[str], list[str]]:
    """(ids to re-check, ids asked for but not stored): the ``ids`` given, else every submission
    (of ``year``) when ``every``, else the stale ones."""
    if ids:
        unknown = [i for i in ids if records.get_summary(i) is None]
        return [i for i in ids if i not in unknown], unknown
    if every:
        return [s.id for s in records.list_submissions(year=year)], []
    return stale_ids(records, profile, year), []


def recheck(records: RecordStore, ids: Sequence[str], profile: str,
            progress: Progress | None = None) -> list[Rechecked]:
    """Re-check the stored submissions ``ids`` with ``profile`` (a name, ``auto`` or a YAML path)
    and store their findings (compared with their linked 申报表 / 监控表). Unknown ids are skipped: the
    result has one entry per known id."""
    from assistant.stores.cycle import CycleStore  # the stores import the checker: not at module level

    version = rules_version(profile)
    cycles = CycleStore(records)
    out = []
    for done, sub in enumerate(records.get_submissions(list(ids)), 1):  # one query, not one per id
        chosen = profile_for(sub, profile)
        old, new = records.get_findings(sub.id), check_submission(sub, profile=chosen, cycle=cycles.cycle_for(sub.id))
        records.save_findings(sub.id, new, rules_version=version)
        added, removed = rule_delta(old, new)
        counts = {s: sum(1 for f in new if f.severity == s) for s in SEVERITY_ORDER}
        out.append(Rechecked(sub.id, sub.file.name or "", chosen.name, len(old), len(new), added, removed, counts,
                             chosen.version))
        if progress:
            progress(done, len(ids))
    return out


def recheck_one(records: RecordStore, submission_id: str, profile: str) -> Rechecked | None:
    """Re-check one stored submission; None when no such submission is stored."""
    found = recheck(records, [submission_id], profile)
    return found[0] if found else None
