"""Run a :class:`~assistant.answer.query.StructuredQuery` on the records store.

The query becomes one SQLAlchemy Core statement for the aggregate (or the groups) and one for
the rows shown with it; values are bound parameters, column names come from the fixed
:data:`~assistant.answer.schema.FIELDS` — no text from a question or a model reaches SQL.
Every row carries its ``submission_id`` (and file name and evaluation index) so an answer can
link each row to its submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, distinct, func, select, true
from sqlalchemy.sql import ColumnElement, Select

from assistant.answer.query import Filter, StructuredQuery
from assistant.answer.schema import FIELDS, Tables
from assistant.stores.records import RecordStore

__all__ = ["ROW_CAP", "QueryResult", "execute"]

ROW_CAP = 50  # rows shown with an answer (aggregates are computed over all matching rows)

# Columns every row shows, per entity, besides the fields the query uses.
IDENTITY = {
    "project": ("unit", "project", "year"),
    "indicator": ("unit", "project", "year", "level1", "indicator"),
    "finding": ("unit", "project", "year", "rule", "severity", "message"),
}


@dataclass
class QueryResult:
    query: StructuredQuery
    rows: list[dict[str, Any]] = field(default_factory=list)
    total_rows: int = 0  # matching rows (before ROW_CAP)
    value: float | int | None = None  # the aggregate, without group_by
    groups: list[dict[str, Any]] = field(default_factory=list)  # {"key", "value", "rows"}
    columns: list[str] = field(default_factory=list)  # field names shown per row

    @property
    def empty(self) -> bool:
        return self.total_rows == 0

    def numbers(self) -> list[float]:
        """Every number this result states (for the number guard)."""
        out: list[float] = []
        if isinstance(self.value, (int, float)):
            out.append(float(self.value))
        out.append(float(self.total_rows))
        out.append(float(len(self.rows)))
        out.append(float(len(self.groups)))
        for g in self.groups:
            for key in ("value", "rows"):
                if isinstance(g.get(key), (int, float)):
                    out.append(float(g[key]))
        for r in self.rows:
            out += [float(v) for v in r.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        return out


def _from(entity: str, t: Tables) -> Any:
    if entity == "project":
        return t.e.join(t.s, t.e.c.submission_id == t.s.c.id)
    if entity == "indicator":
        return t.i.join(t.e, t.i.c.evaluation_id == t.e.c.id).join(t.s, t.e.c.submission_id == t.s.c.id)
    return t.f.join(t.s, t.f.c.submission_id == t.s.c.id).outerjoin(
        t.e, and_(t.e.c.submission_id == t.f.c.submission_id, t.e.c.idx == t.f.c.evaluation_idx))


def _expr(name: str, entity: str, t: Tables) -> ColumnElement[Any]:
    spec = FIELDS[name]
    assert spec.expr is not None
    return spec.expr(t, entity)


def _coerce(name: str, value: Any) -> Any:
    spec = FIELDS[name]
    if spec.type == "bool":
        if isinstance(value, str):
            return 0 if value.strip().lower() in ("false", "0", "否", "no") else 1
        return 1 if value else 0
    if spec.type == "number" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _condition(f: Filter, entity: str, t: Tables) -> ColumnElement[bool]:
    col = _expr(f.field, entity, t)
    v = f.value
    if f.op == "between":
        lo, hi = sorted((_coerce(f.field, v[0]), _coerce(f.field, v[1])))  # type: ignore[index]
        return col.between(lo, hi)
    if f.op == "in":
        return col.in_([_coerce(f.field, x) for x in v])  # type: ignore[union-attr]
    if f.op == "contains":
        return col.contains(str(v), autoescape=True)
    v = _coerce(f.field, v)
    ops = {"=": col == v, "!=": col != v, ">": col > v, ">=": col >= v, "<": col < v, "<=": col <= v}
    return ops[f.op]


def _where(q: StructuredQuery, t: Tables) -> ColumnElement[bool]:
    conds = [_condition(f, q.entity, t) for f in q.filters]
    return and_(true(), *conds)


def _row_columns(q: StructuredQuery) -> list[str]:
    names = list(IDENTITY[q.entity])
    for name in [f.field for f in q.filters] + [q.aggregate.field or ""] + \
            [q.order_by.field if q.order_by else ""]:
        if name and name != "value" and name not in names:
            names.append(name)
    return names


def _row_select(q: StructuredQuery, t: Tables, columns: list[str]) -> Select[Any]:
    cols = [t.s.c.id.label("submission_id"), t.s.c.file_name.label("file"), t.e.c.idx.label("evaluation")]
    cols += [_expr(n, q.entity, t).label(n) for n in columns]
    if q.entity == "indicator":
        cols += [t.i.c.target_raw.label("target_raw"), t.i.c.actual_raw.label("actual_raw"),
                 t.i.c.idx.label("indicator_idx")]
    if q.entity == "finding":
        cols += [t.f.c.id.label("finding_id")]
    return select(*cols).select_from(_from(q.entity, t)).where(_where(q, t))


def _tiebreak(q: StructuredQuery, t: Tables) -> list[Any]:
    keys: list[Any] = [t.s.c.id, t.e.c.idx]
    if q.entity == "indicator":
        keys.append(t.i.c.idx)
    if q.entity == "finding":
        keys.append(t.f.c.seq)
    return keys


def _count_expr(q: StructuredQuery, t: Tables) -> ColumnElement[Any]:
    key = q.aggregate.field if q.aggregate.op == "count" else None
    if key == "project":
        return func.count(distinct(t.e.c.id))
    if key:
        return func.count(distinct(_expr(key, q.entity, t)))
    return func.count()


def _agg_expr(q: StructuredQuery, t: Tables) -> ColumnElement[Any]:
    op = q.aggregate.op
    if op in ("count", "list"):
        return _count_expr(q, t)
    col = _expr(q.aggregate.field or "", q.entity, t)
    return {"sum": func.sum, "avg": func.avg, "max": func.max, "min": func.min}[op](col)


def _clean_row(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    if "met" in out and out["met"] is not None:
        out["met"] = bool(out["met"])
    return out


def execute(q: StructuredQuery, records: RecordStore, *, row_cap: int = ROW_CAP) -> QueryResult:
    t = Tables()
    columns = _row_columns(q)
    result = QueryResult(query=q, columns=columns)
    where = _where(q, t)
    base = _from(q.entity, t)
    with records.session() as s:
        result.total_rows = int(s.scalar(select(func.count()).select_from(base).where(where)) or 0)
        if q.group_by is not None:
            key = _expr(q.group_by, q.entity, t)
            agg = _agg_expr(q, t).label("value")
            stmt = (select(key.label("key"), agg, func.count().label("rows")).select_from(base)
                    .where(and_(where, key.is_not(None))).group_by(key))
            if q.order_by is not None and q.order_by.field == "value":
                stmt = stmt.order_by(agg.desc() if q.order_by.descending else agg.asc(), key)
            else:
                stmt = stmt.order_by(key)
            if q.limit:
                stmt = stmt.limit(q.limit)
            result.groups = [{"key": r.key, "value": _num(r.value), "rows": int(r.rows)} for r in s.execute(stmt)]
            keys = [g["key"] for g in result.groups]
            rows_stmt = _row_select(q, t, columns).where(key.in_(keys)).order_by(key, *_tiebreak(q, t))
            result.rows = [_clean_row(r) for r in s.execute(rows_stmt.limit(row_cap))]
            return result
        rows_stmt = _row_select(q, t, columns)
        op = q.aggregate.op
        if op != "list":
            result.value = _num(s.scalar(select(_agg_expr(q, t)).select_from(base).where(where)))
        if op in ("max", "min") and result.value is not None:
            col = _expr(q.aggregate.field or "", q.entity, t)
            rows_stmt = rows_stmt.where(col == result.value)
        if q.order_by is not None:
            col = _expr(q.order_by.field, q.entity, t)
            rows_stmt = rows_stmt.where(col.is_not(None)).order_by(
                col.desc() if q.order_by.descending else col.asc(), *_tiebreak(q, t))
            if q.limit:
                result.total_rows = min(result.total_rows, q.limit)
        else:
            rows_stmt = rows_stmt.order_by(*_tiebreak(q, t))
        limit = min(q.limit, row_cap) if q.limit else row_cap
        result.rows = [_clean_row(r) for r in s.execute(rows_stmt.limit(limit))]
        if q.limit and op == "list":
            result.total_rows = min(result.total_rows, q.limit)
    return result


def _num(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 4)
    return v
