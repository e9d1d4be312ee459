"""The queries behind the reviewer's lists: submissions with their scores and finding counts,
and findings with the file, unit and project they belong to — filtered, sorted and paged.

Routes (``/api/v1/submissions``, ``/api/v1/findings``) fill a query object from their
parameters and call these functions; nothing here knows about HTTP.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from assistant.fuzzy import matching
from assistant.model import DECISIONS, Finding
from assistant.stores.records import (
    EvaluationRow,
    FindingRow,
    RecordStore,
    SubmissionReviewRow,
    SubmissionRow,
    SubmissionSummary,
    finding_of,
)

__all__ = ["FindingInContext", "FindingQuery", "SubmissionListRow", "SubmissionQuery", "finding_page",
           "findings_by_submission", "submission_page", "submission_row"]

SortKey = Literal["updated", "-updated", "year", "-year", "unit", "-unit", "file", "-file", "score", "-score",
                  "exec_rate", "-exec_rate", "errors", "-errors", "warnings", "-warnings", "findings", "-findings", "due", "-due"]


# --- submissions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubmissionQuery:
    """Exact matches on ``year``/``unit``/``department``/``status``/``kind``; ``severity``: has a
    finding of it; score and execution-rate bounds hold for any one evaluation table; ``q`` a part
    of the file name, unit, department or a project name; ``unit_like``/``project_like`` a part of the
    unit's or a project's name or its pinyin initials (:mod:`assistant.fuzzy`). ``sort`` a
    :data:`SortKey` (``-``: descending)."""

    year: int | None = None
    unit: str | None = None
    department: str | None = None
    status: str | None = None
    kind: str | None = None
    severity: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    exec_min: float | None = None
    exec_max: float | None = None
    q: str | None = None
    sort: str = "-updated"
    # where it stands in the review (assistant.review.states / queues)
    states: tuple[str, ...] | None = None
    assignee: str | None = None
    unassigned: bool = False
    due_before: date | None = None
    unit_like: str | None = None
    project_like: str | None = None


@dataclass(frozen=True)
class SubmissionListRow(SubmissionSummary):
    """A submission (its :class:`SubmissionSummary`) with its first evaluation's score, grade and
    rate and its findings counted."""

    total_score: float | None
    grade: str | None
    exec_rate: float | None
    errors: int
    warnings: int
    infos: int
    # the review: state, reviewer, due date, the review row's version, findings by decision
    state: str
    assignee: str | None
    due_date: date | None
    review_version: int
    open: int
    confirmed: int
    false_positive: int
    fixed: int
    projects: list[str] = field(default_factory=list)


def _counts_subquery(one: bool) -> Any:
    """Per submission, over the findings still made by the latest check: defects by severity (not
    judged 误报, :attr:`assistant.model.Finding.counted`) and findings by decision. ``one``: only
    the submission of the ``sid`` parameter (the database need not count every submission's)."""
    sev, decision = FindingRow.severity, FindingRow.decision
    counted = decision != "false_positive"
    stmt = (select(FindingRow.submission_id.label("sid"),
                   func.sum(case((and_(counted, sev == "error"), 1), else_=0)).label("errors"),
                   func.sum(case((and_(counted, sev == "warning"), 1), else_=0)).label("warnings"),
                   func.sum(case((and_(counted, sev == "info"), 1), else_=0)).label("infos"),
                   *(func.sum(case((decision == d, 1), else_=0)).label(f"d_{d}") for d in DECISIONS))
            .where(FindingRow.resolved_at.is_(None)))
    if one:
        stmt = stmt.where(FindingRow.submission_id == bindparam("sid"))
    return stmt.group_by(FindingRow.submission_id).subquery()


def _rate(ev: Any) -> Any:
    return func.coalesce(ev.exec_rate_filled, ev.exec_rate_computed)


def _any_evaluation(*conds: Any) -> Any:
    return exists(select(EvaluationRow.id).where(EvaluationRow.submission_id == SubmissionRow.id, *conds))


@lru_cache(maxsize=2)
def _list_select(one: bool = False) -> tuple[Select[Any], Any, dict[str, Any]]:
    """The list's statement (unfiltered; ``one``: of the submission of the ``sid`` parameter), the
    first-evaluation alias and the count columns.

    Built once per process: building this statement took half of a list request's CPU time
    (eval/load.py). Statements are immutable, so the routes' threads share it; a query's
    conditions and order make new statements from it."""
    ev0 = aliased(EvaluationRow)
    counts = _counts_subquery(one)
    c = {"error": func.coalesce(counts.c.errors, 0), "warning": func.coalesce(counts.c.warnings, 0),
         "info": func.coalesce(counts.c.infos, 0)}
    stmt = (select(SubmissionRow.id, SubmissionRow.sha256, SubmissionRow.file_name, SubmissionRow.format, SubmissionRow.kind,
                   SubmissionRow.unit, SubmissionRow.department, SubmissionRow.year, SubmissionRow.status,
                   SubmissionRow.status_reason, SubmissionRow.created_at, SubmissionRow.updated_at,
                   func.coalesce(SubmissionReviewRow.certainty, "recognised").label("certainty"), ev0.total_score, ev0.grade, _rate(ev0).label("exec_rate"),
                   c["error"].label("errors"), c["warning"].label("warnings"), c["info"].label("infos"),
                   func.coalesce(SubmissionReviewRow.state, "pending").label("state"),
                   SubmissionReviewRow.assignee, SubmissionReviewRow.due_date,
                   func.coalesce(SubmissionReviewRow.version, 1).label("review_version"),
                   *(func.coalesce(getattr(counts.c, f"d_{d}"), 0).label(d) for d in DECISIONS))
            .outerjoin(ev0, and_(ev0.submission_id == SubmissionRow.id, ev0.idx == 0))
            .outerjoin(counts, counts.c.sid == SubmissionRow.id)
            .outerjoin(SubmissionReviewRow, SubmissionReviewRow.submission_id == SubmissionRow.id))
    if one:
        stmt = stmt.where(SubmissionRow.id == bindparam("sid"))
    return stmt, ev0, c


def _conditions(q: SubmissionQuery, counts: dict[str, Any]) -> list[Any]:
    conds: list[Any] = []
    if q.year is not None:
        conds.append(SubmissionRow.year == q.year)
    if q.unit:
        conds.append(SubmissionRow.unit == q.unit)
    if q.department:
        conds.append(SubmissionRow.department == q.department)
    if q.status:
        conds.append(SubmissionRow.status == q.status)
    if q.kind:
        conds.append(SubmissionRow.kind == q.kind)
    if q.severity:
        conds.append(counts[q.severity] > 0)
    if q.score_min is not None:
        conds.append(_any_evaluation(EvaluationRow.total_score >= q.score_min))
    if q.score_max is not None:
        conds.append(_any_evaluation(EvaluationRow.total_score <= q.score_max))
    if q.exec_min is not None:
        conds.append(_any_evaluation(_rate(EvaluationRow) >= q.exec_min))
    if q.exec_max is not None:
        conds.append(_any_evaluation(_rate(EvaluationRow) <= q.exec_max))
    if q.states is not None:
        conds.append(func.coalesce(SubmissionReviewRow.state, "pending").in_(q.states))
    if q.assignee:
        conds.append(SubmissionReviewRow.assignee == q.assignee)
    if q.unassigned:
        conds.append(SubmissionReviewRow.assignee.is_(None))
    if q.due_before is not None:
        conds.append(SubmissionReviewRow.due_date < q.due_before)
    if q.q:
        like = f"%{q.q}%"
        conds.append(SubmissionRow.file_name.like(like) | SubmissionRow.unit.like(like)
                     | SubmissionRow.department.like(like) | _any_evaluation(EvaluationRow.project_name.like(like)))
    return conds


def _fuzzy(s: Any, unit_like: str | None, project_like: str | None, *, evaluation: Any = None) -> list[Any]:
    """Conditions for the fuzzy name filters: the stored names the text matches (a part of the name
    or its pinyin initials, :func:`assistant.fuzzy.matching`), as exact lists. ``evaluation``: the
    joined evaluation row a finding belongs to; else a submission matches when any of its tables does."""
    conds: list[Any] = []
    if unit_like and unit_like.strip():
        names = s.scalars(select(SubmissionRow.unit).distinct()).all()
        conds.append(SubmissionRow.unit.in_(matching(unit_like, names)))
    if project_like and project_like.strip():
        names = matching(project_like, s.scalars(select(EvaluationRow.project_name).distinct()).all())
        conds.append(evaluation.project_name.in_(names) if evaluation is not None
                     else _any_evaluation(EvaluationRow.project_name.in_(names)))
    return conds


def _projects(s: Any, ids: list[str]) -> dict[str, list[str]]:
    projects: dict[str, list[str]] = defaultdict(list)
    if ids:
        for sid, name in s.execute(select(EvaluationRow.submission_id, EvaluationRow.project_name)
                                   .where(EvaluationRow.submission_id.in_(ids))
                                   .order_by(EvaluationRow.submission_id, EvaluationRow.idx)):
            if name:
                projects[sid].append(name)
    return projects


def _list_row(r: Any, projects: dict[str, list[str]]) -> SubmissionListRow:
    # the select's labels are the row's field names
    return SubmissionListRow(**r._mapping, projects=list(projects.get(r.id, [])))


def submission_page(records: RecordStore, q: SubmissionQuery, *, offset: int, limit: int
                    ) -> tuple[int, list[SubmissionListRow]]:
    """(how many match, the rows from ``offset``); rows without the sort value come last."""
    stmt, ev0, counts = _list_select()
    stmt = stmt.where(records.in_scope(SubmissionRow.id), *_conditions(q, counts))
    key = q.sort.lstrip("-")
    column = {"updated": SubmissionRow.updated_at, "year": SubmissionRow.year, "unit": SubmissionRow.unit,
              "file": SubmissionRow.file_name, "score": ev0.total_score, "exec_rate": _rate(ev0),
              "errors": counts["error"], "warnings": counts["warning"],
              "findings": counts["error"] + counts["warning"] + counts["info"],
              "due": SubmissionReviewRow.due_date}[key]
    ordered = column.desc() if q.sort.startswith("-") else column.asc()
    stmt = stmt.order_by(column.is_(None), ordered, SubmissionRow.id)
    with records.session() as s:
        stmt = stmt.where(*_fuzzy(s, q.unit_like, q.project_like))
        total = s.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        rows = s.execute(stmt.offset(offset).limit(limit)).all()
        projects = _projects(s, [r.id for r in rows])
    return total, [_list_row(r, projects) for r in rows]


def submission_row(records: RecordStore, submission_id: str) -> SubmissionListRow | None:
    """One submission as the list shows it, or None."""
    stmt, _ev0, _counts = _list_select(one=True)
    stmt = stmt.where(records.in_scope(SubmissionRow.id))
    with records.session() as s:
        r = s.execute(stmt, {"sid": submission_id}).first()
        if r is None:
            return None
        return _list_row(r, _projects(s, [submission_id]))


# --- findings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FindingQuery:
    """Exact matches on ``submission_id``/``rule``/``severity`` and the submission's ``year``/``unit``/
    ``department``; ``q`` a part of the message, file name, unit or rule code; ``unit_like``/``project_like``
    as in :class:`SubmissionQuery`."""

    submission_id: str | None = None
    rule: str | None = None
    severity: str | None = None
    year: int | None = None
    unit: str | None = None
    department: str | None = None
    q: str | None = None
    decision: str | None = None  # one decision; None: every decision but 误报 unless ``with_false_positives``
    with_false_positives: bool = False
    unit_like: str | None = None
    project_like: str | None = None


@dataclass(frozen=True)
class FindingInContext:
    finding: Finding
    file_name: str | None
    unit: str | None
    year: int | None
    project_name: str | None  # of the finding's evaluation table
    evaluation_department: str | None


def _finding_select(f: FindingQuery) -> Select[Any]:
    stmt = (select(FindingRow, SubmissionRow.file_name, SubmissionRow.unit, SubmissionRow.year,
                   EvaluationRow.project_name, EvaluationRow.department)
            .join(SubmissionRow, SubmissionRow.id == FindingRow.submission_id)
            .outerjoin(EvaluationRow, and_(EvaluationRow.submission_id == FindingRow.submission_id,
                                           EvaluationRow.idx == FindingRow.evaluation_idx))
            .where(FindingRow.resolved_at.is_(None)))
    if f.decision:
        stmt = stmt.where(FindingRow.decision == f.decision)
    elif not f.with_false_positives:
        stmt = stmt.where(FindingRow.decision != "false_positive")
    if f.submission_id:
        stmt = stmt.where(FindingRow.submission_id == f.submission_id)
    if f.rule:
        stmt = stmt.where(FindingRow.rule == f.rule)
    if f.severity:
        stmt = stmt.where(FindingRow.severity == f.severity)
    if f.year is not None:
        stmt = stmt.where(SubmissionRow.year == f.year)
    if f.unit:
        stmt = stmt.where(SubmissionRow.unit == f.unit)
    if f.department:
        stmt = stmt.where(SubmissionRow.department == f.department)
    if f.q:
        like = f"%{f.q}%"
        stmt = stmt.where(or_(FindingRow.message.like(like), SubmissionRow.file_name.like(like),
                              SubmissionRow.unit.like(like), FindingRow.rule.like(like)))
    return stmt


def finding_page(records: RecordStore, f: FindingQuery, *, offset: int, limit: int
                 ) -> tuple[int, list[FindingInContext]]:
    """(how many match, the findings from ``offset``): newest submissions first, checker order within."""
    with records.session() as s:
        stmt = _finding_select(f).where(records.in_scope(SubmissionRow.id),
                                        *_fuzzy(s, f.unit_like, f.project_like, evaluation=EvaluationRow))
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = s.execute(stmt.order_by(SubmissionRow.updated_at.desc(), FindingRow.submission_id, FindingRow.seq)
                         .offset(offset).limit(limit)).all()
        return total, [FindingInContext(finding_of(r[0]), file_name=r[1], unit=r[2], year=r[3], project_name=r[4],
                                        evaluation_department=r[5]) for r in rows]


def findings_by_submission(records: RecordStore, f: FindingQuery, *, limit: int = 50_000) -> dict[str, list[Finding]]:
    """The matching findings (at most ``limit``) per submission id, by submission then checker order."""
    by_sub: dict[str, list[Finding]] = defaultdict(list)
    with records.session() as s:
        stmt = (_finding_select(f).where(records.in_scope(SubmissionRow.id),
                                         *_fuzzy(s, f.unit_like, f.project_like, evaluation=EvaluationRow))
                .order_by(FindingRow.submission_id, FindingRow.seq).limit(limit))
        for r in s.execute(stmt):
            by_sub[r[0].submission_id].append(finding_of(r[0]))
    return dict(by_sub)
