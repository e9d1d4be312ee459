"""The fixed schema structured questions run on: field names, Chinese labels, types and units.

Three entities over the records store's tables; how each field is computed in SQL is the
store's (:data:`assistant.stores.queries.FIELD_SQL`):

==========  ==========================================================  =====================
entity      rows                                                        joined with
==========  ==========================================================  =====================
project     ``evaluations`` (one 自评表, project or 部门整体)            submissions
indicator   ``indicators`` (one 三级指标 row)                            evaluations, submissions
finding     ``findings`` (one 审核发现)                                  submissions, evaluations
submission  ``submissions`` (one 送审材料)                              its first evaluation
==========  ==========================================================  =====================

The review's workflow is data like the extracted fields: a finding's ``decision`` (open /
confirmed / false_positive / fixed), a submission's ``state`` (the codes of
``assistant/review/states.yaml``), ``assignee`` (the reviewer) and ``version`` (1, 2, …).

Money is in 万元 (the store converts), rates in percent, scores in 分. ``execution_rate`` is
the rate as filled in, else as computed from the total row; ``budget`` the 全年预算数, else the
年初预算数; an indicator is ``met`` when its actual value satisfies its target (≥ ≤ > < =, or
达成 / 未达成 for text values), unknown (NULL) when neither can be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FIELDS", "FieldName", "FieldSpec", "field_label"]

FieldName = Literal[
    "year", "unit", "department", "project", "evaluation_kind", "budget", "budget_initial",
    "exec_amount", "execution_rate", "exec_score", "total_score", "grade", "finding_count",
    "indicator_count", "level1", "level2", "indicator", "target", "actual", "weight", "score",
    "met", "deviation_reason", "rule", "severity", "message", "decision", "state", "assignee", "version",
]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: Literal["number", "text", "bool"]
    entities: tuple[str, ...]
    unit: str | None = None  # 万元 | % | 分 | 个 | 条


ALL = ("project", "indicator", "finding", "submission")
WORKFLOW = ("project", "finding", "submission")  # what carries a submission's review state
_SPECS = [
    FieldSpec("year", "年度", "number", ALL, "年"),
    FieldSpec("unit", "单位", "text", ALL, None),
    FieldSpec("department", "主管部门", "text", ALL, None),
    FieldSpec("project", "项目", "text", ALL, None),
    FieldSpec("evaluation_kind", "自评表类型", "text", ("project",), None),
    FieldSpec("budget", "全年预算数", "number", ("project",), "万元"),
    FieldSpec("budget_initial", "年初预算数", "number", ("project",), "万元"),
    FieldSpec("exec_amount", "全年执行数", "number", ("project",), "万元"),
    FieldSpec("execution_rate", "预算执行率", "number", ("project",), "%"),
    FieldSpec("exec_score", "预算执行率得分", "number", ("project",), "分"),
    FieldSpec("total_score", "自评总分", "number", ("project",), "分"),
    FieldSpec("grade", "评价等级", "text", ("project",), None),
    FieldSpec("finding_count", "审核发现数", "number", ("project",), "条"),
    FieldSpec("indicator_count", "指标数", "number", ("project",), "个"),
    FieldSpec("level1", "一级指标", "text", ("indicator",), None),
    FieldSpec("level2", "二级指标", "text", ("indicator",), None),
    FieldSpec("indicator", "三级指标", "text", ("indicator",), None),
    FieldSpec("target", "年度指标值", "number", ("indicator",), None),
    FieldSpec("actual", "实际完成值", "number", ("indicator",), None),
    FieldSpec("weight", "分值", "number", ("indicator",), "分"),
    FieldSpec("score", "得分", "number", ("indicator",), "分"),
    FieldSpec("met", "是否达标", "bool", ("indicator",), None),
    FieldSpec("deviation_reason", "偏差原因", "text", ("indicator",), None),
    FieldSpec("rule", "规则", "text", ("finding",), None),
    FieldSpec("severity", "严重程度", "text", ("finding",), None),
    FieldSpec("message", "问题说明", "text", ("finding",), None),
    FieldSpec("decision", "审核决定", "text", ("finding",), None),
    FieldSpec("state", "审核状态", "text", WORKFLOW, None),
    FieldSpec("assignee", "审核人", "text", WORKFLOW, None),
    FieldSpec("version", "版本", "number", WORKFLOW, None),
]
FIELDS: dict[str, FieldSpec] = {s.name: s for s in _SPECS}


# row keys that are not query fields
ROW_LABELS = {"submission_id": "提交材料编号", "file": "文件", "evaluation": "自评表序号", "target_raw": "年度指标值",
              "actual_raw": "实际完成值", "indicator_idx": "指标序号", "finding_id": "审核发现编号"}


def field_label(name: str) -> str:
    """The Chinese column label of a query field or row key."""
    return FIELDS[name].label if name in FIELDS else ROW_LABELS.get(name, name)
