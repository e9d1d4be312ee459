"""Run a :class:`~assistant.answer.query.StructuredQuery` on the records store.

The query becomes a store plan (:class:`assistant.stores.queries.Plan`): its filter values read
as their fields' types, the columns each row shows chosen here. The store turns the plan into SQL
over a fixed set of field expressions — no text from a question or a model reaches SQL. Every
row carries its ``submission_id`` (and file name and evaluation index) so an answer can link each
row to its submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.answer.query import Filter, StructuredQuery
from assistant.answer.schema import FIELDS
from assistant.stores.queries import Condition, Plan, run_plan
from assistant.stores.records import RecordStore

__all__ = ["ROW_CAP", "QueryResult", "execute", "plan_of"]

ROW_CAP = 50  # rows shown with an answer (aggregates are computed over all matching rows)

# Columns every row shows, per entity, besides the fields the query uses.
IDENTITY = {
    "project": ("unit", "project", "year"),
    "indicator": ("unit", "project", "year", "level1", "indicator"),
    "finding": ("unit", "project", "year", "rule", "severity", "message"),
    "submission": ("unit", "project", "year", "state", "assignee", "version"),
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


def _condition(f: Filter) -> Condition:
    if f.op in ("between", "in"):
        return Condition(f.field, f.op, tuple(_coerce(f.field, x) for x in f.value))  # type: ignore[union-attr]
    if f.op == "contains":
        return Condition(f.field, f.op, str(f.value))
    return Condition(f.field, f.op, _coerce(f.field, f.value))


def _row_columns(q: StructuredQuery) -> list[str]:
    names = list(IDENTITY[q.entity])
    for name in [f.field for f in q.filters] + [q.aggregate.field or ""] + \
            [q.order_by.field if q.order_by else ""]:
        if name and name != "value" and name not in names:
            names.append(name)
    return names


def plan_of(q: StructuredQuery) -> Plan:
    """The store plan of a typed query."""
    return Plan(entity=q.entity, columns=tuple(_row_columns(q)), conditions=tuple(_condition(f) for f in q.filters),
                aggregate=q.aggregate.op, aggregate_field=q.aggregate.field, group_by=q.group_by,
                order_by=q.order_by.field if q.order_by else None,
                descending=q.order_by.descending if q.order_by else True, limit=q.limit,
                false_positives=any(f.field == "decision" for f in q.filters) or q.group_by == "decision")


def execute(q: StructuredQuery, records: RecordStore, *, row_cap: int = ROW_CAP) -> QueryResult:
    plan = plan_of(q)
    found = run_plan(records, plan, row_cap=row_cap)
    return QueryResult(query=q, rows=found.rows, total_rows=found.total_rows, value=found.value,
                       groups=found.groups, columns=list(plan.columns))
