"""The typed query: what a structured question means, as data — never SQL text.

A :class:`StructuredQuery` names an *entity* (the rows it looks at), *filters* (field, op,
value), an *aggregate* (count / sum / avg / max / min, or a plain list), an optional
*group by* (unit, department, project), an *order* and a *limit*. The deterministic parser
(:mod:`assistant.answer.parser`) and the LLM (through a LangChain tool whose args schema is
this model, :mod:`assistant.answer.llm`) both produce it; :mod:`assistant.answer.executor`
turns it into SQLAlchemy expressions over a fixed set of columns (:mod:`assistant.answer.schema`).
Everything a model could put here is validated against that fixed schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.answer.schema import FIELDS, FieldName

__all__ = ["Aggregate", "Entity", "Filter", "GroupBy", "Op", "OrderBy", "StructuredQuery"]

Entity = Literal["project", "indicator", "finding", "submission"]
Op = Literal["=", "!=", ">", ">=", "<", "<=", "between", "contains", "in"]
GroupBy = Literal["unit", "department", "project", "rule", "severity", "decision", "state", "assignee"]
Scalar = float | int | str | bool


class Filter(BaseModel):
    """One condition, e.g. ``{"field": "execution_rate", "op": "<", "value": 80}``."""

    model_config = ConfigDict(extra="forbid")

    field: FieldName = Field(description="字段名（见字段表）")
    op: Op = Field(description="比较方式：= != > >= < <= between（value 为 [下限, 上限]，含端点） "
                               "contains（文字包含） in（value 为列表）")
    value: Scalar | list[Scalar] = Field(description="比较值；金额以万元、比率以百分数（80 表示 80%）、得分以分计")

    @model_validator(mode="after")
    def _check(self) -> Filter:
        spec = FIELDS[self.field]
        if self.op == "between":
            if not isinstance(self.value, list) or len(self.value) != 2:
                raise ValueError("between 需要 [下限, 上限] / between needs [low, high]")
        elif self.op == "in":
            if not isinstance(self.value, list) or not self.value:
                raise ValueError("in 需要非空列表 / in needs a non-empty list")
        elif isinstance(self.value, list):
            raise ValueError(f"{self.op} 需要单个值 / {self.op} needs one value")
        if spec.type == "number" and self.op in (">", ">=", "<", "<=", "between"):
            values = self.value if isinstance(self.value, list) else [self.value]
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                raise ValueError(f"{spec.label}的比较值必须是数字 / {self.field} compares with numbers")
        if spec.type != "text" and self.op == "contains":
            raise ValueError(f"{spec.label}不能用 contains / contains is for text fields")
        return self


class Aggregate(BaseModel):
    """``count`` (with a field: count distinct), ``sum`` / ``avg`` / ``max`` / ``min`` of a
    number field, or ``list`` the rows."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["count", "sum", "avg", "max", "min", "list"] = Field("list", description="汇总方式")
    field: FieldName | None = Field(None, description="汇总的字段；count 时填 project/unit 表示按项目/单位去重计数")


class OrderBy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: FieldName | Literal["value"] = Field(description="排序字段；分组时用 value 表示按汇总值排序")
    descending: bool = Field(True, description="true 为从高到低")


class StructuredQuery(BaseModel):
    """查询审核数据库中的项目自评表、绩效指标和审核发现（问题）。"""

    model_config = ConfigDict(extra="forbid")

    entity: Entity = Field("project", description="project=项目自评表；indicator=绩效指标行；finding=审核发现（问题）；"
                                                  "submission=送审材料（审核状态、审核人、版本）")
    filters: list[Filter] = Field(default_factory=list, description="筛选条件，全部同时满足")
    aggregate: Aggregate = Field(default_factory=Aggregate)
    group_by: GroupBy | None = Field(None, description="按单位/部门/项目/规则/严重程度/审核决定/审核状态/审核人分组")
    order_by: OrderBy | None = None
    limit: int | None = Field(None, ge=1, le=1000, description="最多返回几行或几组")
    explain: str | None = Field(None, description="混合问题：还需在这些行对应材料原文中查找的内容，如“执行率偏差原因”")

    @model_validator(mode="after")
    def _check_fields(self) -> StructuredQuery:
        used = [f.field for f in self.filters]
        if self.aggregate.field:
            used.append(self.aggregate.field)
        if self.order_by and self.order_by.field != "value":
            used.append(self.order_by.field)
        if self.group_by:
            used.append(self.group_by)
        for name in used:
            if self.entity not in FIELDS[name].entities:
                raise ValueError(f"字段 {name}（{FIELDS[name].label}）不属于 {self.entity}")
        agg = self.aggregate
        if agg.op in ("sum", "avg", "max", "min") and (agg.field is None or FIELDS[agg.field].type != "number"):
            raise ValueError(f"{agg.op} 需要一个数值字段 / {agg.op} needs a number field")
        if self.order_by and self.order_by.field == "value" and self.group_by is None:
            raise ValueError("按 value 排序只用于分组 / order by value needs group_by")
        return self

    def filter_value(self, field: str) -> object | None:
        return next((f.value for f in self.filters if f.field == field and f.op == "="), None)
