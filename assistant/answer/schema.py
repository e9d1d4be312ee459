"""The fixed schema structured questions run on: field names, Chinese labels, units, SQL.

Three entities over the records store's tables (:mod:`assistant.stores.records`):

==========  ==========================================================  =====================
entity      rows                                                        joined with
==========  ==========================================================  =====================
project     ``evaluations`` (one 自评表, project or 部门整体)            submissions
indicator   ``indicators`` (one 三级指标 row)                            evaluations, submissions
finding     ``findings`` (one 审核发现)                                  submissions, evaluations
==========  ==========================================================  =====================

Money is in 万元 (the store converts), rates in percent, scores in 分. ``execution_rate`` is
the rate as filled in, else as computed from the total row; ``budget`` the 全年预算数, else the
年初预算数; an indicator is ``met`` when its actual value satisfies its target (≥ ≤ > < =, or
达成 / 未达成 for text values), unknown (NULL) when neither can be read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.sql import ColumnElement

from assistant.stores.records import EvaluationRow, FindingRow, IndicatorRow, SubmissionRow

__all__ = ["FIELDS", "FieldName", "FieldSpec", "Tables", "field_label"]

FieldName = Literal[
    "year", "unit", "department", "project", "evaluation_kind", "budget", "budget_initial",
    "exec_amount", "execution_rate", "exec_score", "total_score", "grade", "finding_count",
    "indicator_count", "level1", "level2", "indicator", "target", "actual", "weight", "score",
    "met", "deviation_reason", "rule", "severity", "message",
]

S = SubmissionRow.__table__
E = EvaluationRow.__table__
IND = IndicatorRow.__table__
F = FindingRow.__table__


@dataclass(frozen=True)
class Tables:
    """The (aliased) tables one query runs on; finding queries alias a second findings table."""

    s: Any = S
    e: Any = E
    i: Any = IND
    f: Any = F


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: Literal["number", "text", "bool"]
    entities: tuple[str, ...]
    unit: str | None = None  # 万元 | % | 分 | 个 | 条
    expr: Callable[[Tables, str], ColumnElement[Any]] | None = None


def _unit(t: Tables, _entity: str) -> ColumnElement[Any]:
    return func.coalesce(t.s.c.unit, t.e.c.impl_unit, t.e.c.department)


def _met(t: Tables, _entity: str) -> ColumnElement[Any]:
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


def _finding_count(t: Tables, _entity: str) -> ColumnElement[Any]:
    f2 = F.alias("f_count")
    return (select(func.count()).select_from(f2)
            .where(f2.c.submission_id == t.e.c.submission_id, f2.c.evaluation_idx == t.e.c.idx)
            .scalar_subquery())


ALL = ("project", "indicator", "finding")
_SPECS = [
    FieldSpec("year", "年度", "number", ALL, "年", lambda t, _: func.coalesce(t.e.c.year, t.s.c.year)),
    FieldSpec("unit", "单位", "text", ALL, None, _unit),
    FieldSpec("department", "主管部门", "text", ALL, None,
              lambda t, _: func.coalesce(t.e.c.department, t.s.c.department)),
    FieldSpec("project", "项目", "text", ALL, None, lambda t, _: t.e.c.project_name),
    FieldSpec("evaluation_kind", "自评表类型", "text", ("project",), None, lambda t, _: t.e.c.kind),
    FieldSpec("budget", "全年预算数", "number", ("project",), "万元",
              lambda t, _: func.coalesce(t.e.c.budget_full_year, t.e.c.budget_initial)),
    FieldSpec("budget_initial", "年初预算数", "number", ("project",), "万元", lambda t, _: t.e.c.budget_initial),
    FieldSpec("exec_amount", "全年执行数", "number", ("project",), "万元", lambda t, _: t.e.c.exec_amount),
    FieldSpec("execution_rate", "预算执行率", "number", ("project",), "%",
              lambda t, _: func.coalesce(t.e.c.exec_rate_filled, t.e.c.exec_rate_computed)),
    FieldSpec("exec_score", "预算执行率得分", "number", ("project",), "分", lambda t, _: t.e.c.exec_score),
    FieldSpec("total_score", "自评总分", "number", ("project",), "分", lambda t, _: t.e.c.total_score),
    FieldSpec("grade", "评价等级", "text", ("project",), None, lambda t, _: t.e.c.grade),
    FieldSpec("finding_count", "审核发现数", "number", ("project",), "条", _finding_count),
    FieldSpec("indicator_count", "指标数", "number", ("project",), "个", lambda t, _: t.e.c.indicator_count),
    FieldSpec("level1", "一级指标", "text", ("indicator",), None, lambda t, _: t.i.c.level1),
    FieldSpec("level2", "二级指标", "text", ("indicator",), None, lambda t, _: t.i.c.level2),
    FieldSpec("indicator", "三级指标", "text", ("indicator",), None, lambda t, _: t.i.c.name),
    FieldSpec("target", "年度指标值", "number", ("indicator",), None, lambda t, _: t.i.c.target_number),
    FieldSpec("actual", "实际完成值", "number", ("indicator",), None, lambda t, _: t.i.c.actual_number),
    FieldSpec("weight", "分值", "number", ("indicator",), "分", lambda t, _: t.i.c.weight),
    FieldSpec("score", "得分", "number", ("indicator",), "分", lambda t, _: t.i.c.score),
    FieldSpec("met", "是否达标", "bool", ("indicator",), None, _met),
    FieldSpec("deviation_reason", "偏差原因", "text", ("indicator",), None, lambda t, _: t.i.c.deviation_reason),
    FieldSpec("rule", "规则", "text", ("finding",), None, lambda t, _: t.f.c.rule),
    FieldSpec("severity", "严重程度", "text", ("finding",), None, lambda t, _: t.f.c.severity),
    FieldSpec("message", "问题说明", "text", ("finding",), None, lambda t, _: t.f.c.message),
]
FIELDS: dict[str, FieldSpec] = {s.name: s for s in _SPECS}


# row keys that are not query fields
ROW_LABELS = {"submission_id": "提交材料编号", "file": "文件", "evaluation": "自评表序号", "target_raw": "年度指标值",
              "actual_raw": "实际完成值", "indicator_idx": "指标序号", "finding_id": "审核发现编号"}


def field_label(name: str) -> str:
    """The Chinese column label of a query field or row key."""
    return FIELDS[name].label if name in FIELDS else ROW_LABELS.get(name, name)
