"""Names the records store knows — units, departments, projects — for spotting them in questions.

Read once per store and refreshed when the submissions change (their count or latest update).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from assistant.stores.records import EvaluationRow, RecordStore, SubmissionRow

__all__ = ["Gazetteer", "gazetteer"]


@dataclass(frozen=True)
class Gazetteer:
    units: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    # project name → the units that filed it
    project_units: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def find_units(self, text: str) -> list[str]:
        """Known unit names that occur in ``text``, longest first, none inside another."""
        return _longest_matches(text, self.units)

    def find_projects(self, text: str) -> list[str]:
        return _longest_matches(text, self.projects)

    def units_like(self, part: str) -> list[str]:
        return [u for u in self.units if part in u]


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


_cache: dict[int, tuple[Any, Gazetteer]] = {}
_lock = threading.Lock()


def gazetteer(records: RecordStore) -> Gazetteer:
    with records.session() as s:
        stamp = tuple(s.execute(select(func.count(), func.max(SubmissionRow.updated_at))
                                .select_from(SubmissionRow)).one())
        cached = _cache.get(id(records))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        units: set[str] = set()
        for u, d in s.execute(select(SubmissionRow.unit, SubmissionRow.department)):
            units.update(x.strip() for x in (u, d) if x and x.strip())
        project_units: dict[str, set[str]] = {}
        for name, impl, dept, sub_unit in s.execute(
                select(EvaluationRow.project_name, EvaluationRow.impl_unit, EvaluationRow.department,
                       SubmissionRow.unit).join(SubmissionRow, EvaluationRow.submission_id == SubmissionRow.id)):
            units.update(x.strip() for x in (impl, dept) if x and x.strip())
            if name and name.strip() and len(name.strip()) >= 2:
                project_units.setdefault(name.strip(), set()).update(
                    x for x in (sub_unit, impl) if x)
    g = Gazetteer(units=tuple(sorted(u for u in units if len(u) >= 2)),
                  projects=tuple(sorted(project_units)),
                  project_units={k: tuple(sorted(v)) for k, v in project_units.items()})
    with _lock:
        _cache[id(records)] = (stamp, g)
    return g
