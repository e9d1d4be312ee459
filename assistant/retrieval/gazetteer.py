"""Names the records store knows — units, departments, projects, reviewers — for spotting them in questions,
and which submissions each unit filed (so that a question naming one needs no query to scope it).

Read once per store and refreshed when the submissions change (their count or latest update).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.stores.queries import assignee_names
from assistant.stores.records import RecordStore

__all__ = ["Gazetteer", "gazetteer"]


@dataclass(frozen=True)
class Gazetteer:
    units: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    # project name → the units that filed it
    project_units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # unit → the submissions filed by or for it (as unit, department, implementing unit)
    unit_submissions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # submission → the projects its evaluations name
    submission_projects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the reviewers submissions are assigned to (read on every call: assigning changes no submission)
    assignees: tuple[str, ...] = ()

    def find_units(self, text: str) -> list[str]:
        """Known unit names that occur in ``text``, longest first, none inside another."""
        return _longest_matches(text, self.units)

    def find_projects(self, text: str) -> list[str]:
        return _longest_matches(text, self.projects)

    def units_like(self, part: str) -> list[str]:
        return [u for u in self.units if part in u]

    def submissions_about(self, units: Sequence[str], projects: Sequence[str] = ()) -> list[str]:
        """The submissions of ``units``; with ``projects``, without the evaluation tables whose
        projects are all other ones (reports, which name no project, stay). Names match when one
        holds the other: ``2020年农村人居环境整治提升`` is the ``农村人居环境整治提升`` of 2020."""
        ids = list(dict.fromkeys(sid for u in units for sid in self.unit_submissions.get(u, ())))
        if not projects:
            return ids
        named = {n for sid in ids for n in self.submission_projects.get(sid, ())}
        same = {n for n in named if any(p in n or n in p for p in projects)}
        return [sid for sid in ids if not (ns := self.submission_projects.get(sid)) or not same.isdisjoint(ns)]


def _longest_matches(text: str, names: tuple[str, ...]) -> list[str]:
    found: list[tuple[int, int, str]] = []
    for name in sorted(names, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(s <= start and end <= e for s, e, _ in found):
                found.append((start, end, name))
                break
            start = text.find(name, start + 1)
    return [n for _, _, n in sorted(found)]


# by engine and bureau: a bureau's view of the records is made per request, its names are its own
_cache: dict[tuple[int, str | None], tuple[Any, Gazetteer]] = {}
_lock = threading.Lock()


def gazetteer(records: RecordStore) -> Gazetteer:
    return replace(_names(records), assignees=tuple(assignee_names(records)))


def _names(records: RecordStore) -> Gazetteer:
    stamp = records.change_stamp()
    key = (id(records.engine), records.bureau)
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    names = records.name_rows()
    unit_subs: dict[str, set[str]] = {}
    for sid, u, d in names.submissions:
        for x in (u, d):
            if x and x.strip():
                unit_subs.setdefault(x.strip(), set()).add(sid)
    project_units: dict[str, set[str]] = {}
    sub_projects: dict[str, set[str]] = {}
    for sid, name, impl, dept, sub_unit in names.evaluations:
        for x in (impl, dept):
            if x and x.strip():
                unit_subs.setdefault(x.strip(), set()).add(sid)
        if name and name.strip():
            sub_projects.setdefault(sid, set()).add(name.strip())
            if len(name.strip()) >= 2:
                project_units.setdefault(name.strip(), set()).update(x for x in (sub_unit, impl) if x)
    g = Gazetteer(units=tuple(sorted(u for u in unit_subs if len(u) >= 2)),
                  projects=tuple(sorted(project_units)),
                  project_units={k: tuple(sorted(v)) for k, v in project_units.items()},
                  unit_submissions={k: tuple(sorted(v)) for k, v in unit_subs.items()},
                  submission_projects={k: tuple(sorted(v)) for k, v in sub_projects.items()})
    with _lock:
        _cache[key] = (stamp, g)
    return g
