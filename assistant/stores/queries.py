"""Structured questions as SQL: a :class:`Plan` (entity, conditions, aggregate, group, order,
limit) becomes SQLAlchemy Core statements over the records tables.

The answer engine (:mod:`assistant.answer.executor`) turns its typed query into a plan; this
module owns how each field is computed from the tables. Values are bound parameters and column
names come from :data:`FIELD_SQL` — no text from a question or a model reaches SQL.

==========  ==========================================================  =====================
entity      rows                                                        joined with
==========  ==========================================================  =====================
project     ``evaluations`` (one 自评表, project or 部门整体)            submissions
indicator   ``indicators`` (one 三级指标 row)                            evaluations, submissions
finding     ``findings`` (one 审核发现)                                  submissions, evaluations
submission  ``submissions`` (one 送审材料)                              its first evaluation
==========  ==========================================================  =====================

Every entity also reads the review's workflow: the submission's state, reviewer (``assignee``) and
version number (``submission_reviews``, ``submission_versions``; a submission without a row is
待审, version 1). Findings judged 误报 are left out unless a condition names the decision.

``execution_rate`` is the rate as filled in, else as computed from the total row; ``budget``
the 全年预算数, else the 年初预算数; an indicator is ``met`` (1/0) when its actual value
satisfies its target (≥ ≤ > < =, or 达成 / 未达成 for text values), NULL when neither can be read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, distinct, func, literal, or_, select, true
from sqlalchemy.sql import ColumnElement, Select

from assistant.stores.records import (
    EvaluationRow,
    FindingRow,
    IndicatorRow,
    RecordStore,
    SubmissionReviewRow,
    SubmissionRow,
)
from assistant.stores.versions import SubmissionVersionRow

__all__ = ["FIELD_SQL", "Condition", "Plan", "PlanResult", "assignee_names", "run_plan"]

S = SubmissionRow.__table__
E = EvaluationRow.__table__
IND = IndicatorRow.__table__
F = FindingRow.__table__
R = SubmissionReviewRow.__table__
V = SubmissionVersionRow.__table__


@dataclass(frozen=True)
class Tables:
    """The tables one query runs on (the finding count aliases a second findings table)."""

    s: Any = S
    e: Any = E
    i: Any = IND
    f: Any = F
    r: Any = R
    v: Any = V
    bureau: str | None = None  # the records view's bureau: every entity joins the submissions


def _unit(t: Tables) -> ColumnElement[Any]:
    return func.coalesce(t.s.c.unit, t.e.c.impl_unit, t.e.c.department)


def _met(t: Tables) -> ColumnElement[Any]:
    a, g, op = t.i.c.actual_number, t.i.c.target_number, t.i.c.target_op
    raw = func.coalesce(t.i.c.actual_raw, "")
    unmet_words = or_(*(raw.like(f"%{w}%") for w in ("未达成", "未完成", "部分达成", "未达到", "未实现", "不达标")))
    met_words = or_(*(raw.like(f"%{w}%") for w in ("达成", "完成", "达到", "实现", "达标")))
    numeric = case(
        (op == ">=", a >= g), (op == ">", a > g), (op == "<=", a <= g), (op == "<", a < g),
        (op == "=", a == g), else_=a >= g)
    return case(
        (and_(a.is_not(None), g.is_not(None)), case((numeric, literal(1)), else_=literal(0))),
        (unmet_words, literal(0)),
        (met_words, literal(1)),
        else_=None)


def _finding_count(t: Tables) -> ColumnElement[Any]:
    f2 = F.alias("f_count")
    return (select(func.count()).select_from(f2)
            .where(f2.c.submission_id == t.e.c.submission_id, f2.c.evaluation_idx == t.e.c.idx, *_counted(f2))
            .scalar_subquery())


def _counted(f: Any, *, false_positives: bool = False) -> tuple[ColumnElement[bool], ...]:
    """Answers count defects as the lists and statistics do: findings still made by the latest
    check and not judged 误报 (:attr:`assistant.model.Finding.counted`) — unless the question asks
    about decisions (误报最多的规则), then every decision is a row."""
    if false_positives:
        return (f.c.resolved_at.is_(None),)
    return f.c.resolved_at.is_(None), f.c.decision != "false_positive"


# every field of :data:`assistant.answer.schema.FIELDS`, as an expression over the tables
FIELD_SQL: dict[str, Callable[[Tables], ColumnElement[Any]]] = {
    "year": lambda t: func.coalesce(t.e.c.year, t.s.c.year),
    "unit": _unit,
    "department": lambda t: func.coalesce(t.e.c.department, t.s.c.department),
    "project": lambda t: t.e.c.project_name,
    "evaluation_kind": lambda t: t.e.c.kind,
    "budget": lambda t: func.coalesce(t.e.c.budget_full_year, t.e.c.budget_initial),
    "budget_initial": lambda t: t.e.c.budget_initial,
    "exec_amount": lambda t: t.e.c.exec_amount,
    "execution_rate": lambda t: func.coalesce(t.e.c.exec_rate_filled, t.e.c.exec_rate_computed),
    "exec_score": lambda t: t.e.c.exec_score,
    "total_score": lambda t: t.e.c.total_score,
    "grade": lambda t: t.e.c.grade,
    "finding_count": _finding_count,
    "indicator_count": lambda t: t.e.c.indicator_count,
    "level1": lambda t: t.i.c.level1,
    "level2": lambda t: t.i.c.level2,
    "indicator": lambda t: t.i.c.name,
    "target": lambda t: t.i.c.target_number,
    "actual": lambda t: t.i.c.actual_number,
    "weight": lambda t: t.i.c.weight,
    "score": lambda t: t.i.c.score,
    "met": _met,
    "deviation_reason": lambda t: t.i.c.deviation_reason,
    "rule": lambda t: t.f.c.rule,
    "severity": lambda t: t.f.c.severity,
    "message": lambda t: t.f.c.message,
    "decision": lambda t: t.f.c.decision,
    "state": lambda t: func.coalesce(t.r.c.state, "pending"),
    "assignee": lambda t: t.r.c.assignee,
    "version": lambda t: func.coalesce(t.v.c.number, 1),
}


@dataclass(frozen=True)
class Condition:
    """``field op value``; ``op`` one of = != > >= < <= between in contains. Values are already
    of the field's type (numbers as numbers, ``met`` as 0/1)."""

    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class Plan:
    """What to compute: ``aggregate`` is count / sum / avg / max / min / list (``aggregate_field``:
    the summed field, or for count the field counted distinct); ``columns`` the fields each row shows."""

    entity: str  # project | indicator | finding | submission
    columns: tuple[str, ...]
    conditions: tuple[Condition, ...] = ()
    aggregate: str = "list"
    aggregate_field: str | None = None
    group_by: str | None = None
    order_by: str | None = None  # a field, or "value" (the aggregate of each group)
    descending: bool = True
    limit: int | None = None
    false_positives: bool = False  # findings judged 误报 are rows too (a condition names the decision)


@dataclass
class PlanResult:
    total_rows: int = 0  # matching rows (before the row cap)
    value: float | int | None = None  # the aggregate, without group_by
    groups: list[dict[str, Any]] = field(default_factory=list)  # {"key", "value", "rows"}
    rows: list[dict[str, Any]] = field(default_factory=list)


def _workflow(joined: Any, t: Tables) -> Any:
    """The submission's review row and version link (one each at most)."""
    return joined.outerjoin(t.r, t.r.c.submission_id == t.s.c.id).outerjoin(t.v, t.v.c.submission_id == t.s.c.id)


def _from(entity: str, t: Tables, false_positives: bool = False) -> Any:
    if entity == "project":
        joined = t.e.join(t.s, t.e.c.submission_id == t.s.c.id)
    elif entity == "indicator":
        joined = t.i.join(t.e, t.i.c.evaluation_id == t.e.c.id).join(t.s, t.e.c.submission_id == t.s.c.id)
    elif entity == "submission":
        # a submission's unit, project and year are its first table's (a report has none)
        joined = t.s.outerjoin(t.e, and_(t.e.c.submission_id == t.s.c.id, t.e.c.idx == 0))
    else:
        joined = t.f.join(t.s, and_(t.f.c.submission_id == t.s.c.id,
                                    *_counted(t.f, false_positives=false_positives))).outerjoin(
            t.e, and_(t.e.c.submission_id == t.f.c.submission_id, t.e.c.idx == t.f.c.evaluation_idx))
    return _workflow(joined, t)


def _expr(name: str, t: Tables) -> ColumnElement[Any]:
    return FIELD_SQL[name](t)


def _condition(c: Condition, t: Tables) -> ColumnElement[bool]:
    col = _expr(c.field, t)
    v = c.value
    if c.op == "between":
        lo, hi = sorted(v)
        return col.between(lo, hi)
    if c.op == "in":
        return col.in_(list(v))
    if c.op == "contains":
        return col.contains(str(v), autoescape=True)
    ops = {"=": col == v, "!=": col != v, ">": col > v, ">=": col >= v, "<": col < v, "<=": col <= v}
    return ops[c.op]


def _where(p: Plan, t: Tables) -> ColumnElement[bool]:
    scope = t.s.c.bureau == t.bureau if t.bureau is not None else true()
    return and_(scope, *(_condition(c, t) for c in p.conditions))


def _row_select(p: Plan, t: Tables) -> Select[Any]:
    cols = [t.s.c.id.label("submission_id"), t.s.c.file_name.label("file"), t.e.c.idx.label("evaluation")]
    cols += [_expr(n, t).label(n) for n in p.columns]
    if p.entity == "indicator":
        cols += [t.i.c.target_raw.label("target_raw"), t.i.c.actual_raw.label("actual_raw"),
                 t.i.c.idx.label("indicator_idx")]
    if p.entity == "finding":
        cols += [t.f.c.id.label("finding_id")]
    return select(*cols).select_from(_from(p.entity, t, p.false_positives)).where(_where(p, t))


def _tiebreak(p: Plan, t: Tables) -> list[Any]:
    keys: list[Any] = [t.s.c.id, t.e.c.idx]
    if p.entity == "indicator":
        keys.append(t.i.c.idx)
    if p.entity == "finding":
        keys.append(t.f.c.seq)
    return keys


def _count_expr(p: Plan, t: Tables) -> ColumnElement[Any]:
    key = p.aggregate_field if p.aggregate == "count" else None
    if key == "project":
        return func.count(distinct(t.e.c.id))
    if key:
        return func.count(distinct(_expr(key, t)))
    return func.count()


def _agg_expr(p: Plan, t: Tables) -> ColumnElement[Any]:
    if p.aggregate in ("count", "list"):
        return _count_expr(p, t)
    col = _expr(p.aggregate_field or "", t)
    return {"sum": func.sum, "avg": func.avg, "max": func.max, "min": func.min}[p.aggregate](col)


def _clean_row(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    if "met" in out and out["met"] is not None:
        out["met"] = bool(out["met"])
    return out


def _num(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 4)
    return v


def run_plan(records: RecordStore, p: Plan, *, row_cap: int) -> PlanResult:
    """The plan's aggregate (or groups) over all matching rows, and up to ``row_cap`` rows shown."""
    t = Tables(bureau=records.bureau)
    result = PlanResult()
    where = _where(p, t)
    base = _from(p.entity, t, p.false_positives)
    with records.session() as s:
        result.total_rows = int(s.scalar(select(func.count()).select_from(base).where(where)) or 0)
        if p.group_by is not None:
            key = _expr(p.group_by, t)
            agg = _agg_expr(p, t).label("value")
            stmt = (select(key.label("key"), agg, func.count().label("rows")).select_from(base)
                    .where(and_(where, key.is_not(None))).group_by(key))
            if p.order_by == "value":
                stmt = stmt.order_by(agg.desc() if p.descending else agg.asc(), key)
            else:
                stmt = stmt.order_by(key)
            if p.limit:
                stmt = stmt.limit(p.limit)
            result.groups = [{"key": r.key, "value": _num(r.value), "rows": int(r.rows)} for r in s.execute(stmt)]
            keys = [g["key"] for g in result.groups]
            rows_stmt = _row_select(p, t).where(key.in_(keys)).order_by(key, *_tiebreak(p, t))
            result.rows = [_clean_row(r) for r in s.execute(rows_stmt.limit(row_cap))]
            return result
        rows_stmt = _row_select(p, t)
        op = p.aggregate
        if op != "list":
            result.value = _num(s.scalar(select(_agg_expr(p, t)).select_from(base).where(where)))
        if op in ("max", "min") and result.value is not None:
            col = _expr(p.aggregate_field or "", t)
            rows_stmt = rows_stmt.where(col == result.value)
        if p.order_by is not None:
            col = _expr(p.order_by, t)
            rows_stmt = rows_stmt.where(col.is_not(None)).order_by(
                col.desc() if p.descending else col.asc(), *_tiebreak(p, t))
            if p.limit:
                result.total_rows = min(result.total_rows, p.limit)
        else:
            rows_stmt = rows_stmt.order_by(*_tiebreak(p, t))
        limit = min(p.limit, row_cap) if p.limit else row_cap
        result.rows = [_clean_row(r) for r in s.execute(rows_stmt.limit(limit))]
        if p.limit and op == "list":
            result.total_rows = min(result.total_rows, p.limit)
    return result


def assignee_names(records: RecordStore) -> list[str]:
    """The reviewers submissions are assigned to (for spotting their names in questions)."""
    with records.session() as s:
        return sorted(n for (n,) in s.execute(select(R.c.assignee).distinct().where(
            R.c.assignee.is_not(None), records.in_scope(R.c.submission_id))) if n)
