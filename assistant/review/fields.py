"""Corrections of read values as data (issue 15 item 2): which field a path names, what a typed
value parses to, and how stored corrections are laid over a freshly read submission.

A field path is the one the canonical JSON and the findings already use
(``evaluations[0].funds.rows[0].exec_amount``, ``evaluations[0].indicators[3].score``,
``evaluations[0].indicators[2].target``, ``unit``, ``year``). One more name, ``row_kind``, marks
an indicator row the reader took for an indicator as a table header (``表头``: the row is dropped)
or a parent row (``上级行``: it becomes an :class:`~assistant.model.IndicatorGroup` over the rows
below it, so its weight is not counted twice).

Values are parsed once, by :mod:`assistant.values`: an indicator value keeps its text as typed and
its parse, a score must be a number, an amount is read in the funds block's unit. A value that does
not parse is refused with :class:`~assistant.review.errors.Invalid` before anything is stored.

Corrections are applied in the order they were made, each to the record as it stood then: a row
marked as header shifts the rows below it, and a later correction names the shifted row.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import typing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.model import FundRow, Funds, Indicator, IndicatorGroup, Submission, Value, from_dict, to_dict
from assistant.numbers import MONEY_UNITS, in_unit, money_unit
from assistant.review.errors import Invalid
from assistant.values import parse_amount, parse_value

__all__ = ["ROW_KIND", "ROW_KINDS", "Correction", "Target", "apply_corrections", "display", "parse_correction",
           "resolve"]

ROW_KIND = "row_kind"
# what a reviewer may type to mark a row, and what it means
ROW_KINDS: dict[str, str] = {"表头": "header", "表头行": "header", "header": "header",
                             "上级行": "parent", "父级行": "parent", "分组行": "parent", "parent": "parent"}
ROW_KIND_TERMS: dict[str, str] = {"header": "表头行", "parent": "上级行", "indicator": "指标行"}

# fields a reviewer does not correct: identity, what the reader decided about the file, layout
_FIXED = frozenset({"id", "kind", "status", "status_reason", "layout", "category", "denominator", "file",
                    "doc_type", "cells", "signatures", "block_weights", "sections", "group", "unit_source"})
_AMOUNTS = frozenset({"budget_initial", "budget_full_year", "exec_amount"})
_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$")
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Correction:
    """One reviewer's correction of one read value: ``typed`` as entered, ``parsed`` its parse (the
    canonical JSON of the field: a :class:`Value` as a dict, a number, a text, or a row kind), and
    ``original`` the value as the reader read it (canonical JSON)."""

    submission_id: str
    field_path: str
    typed: str
    parsed: Any
    original: Any
    actor: str
    at: datetime | None = None
    id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class Target:
    """Where a field path points: the object holding the field, the field's name, and how its value
    is read (``value``, ``rate``, ``score``, ``amount``, ``year``, ``text``, ``money_unit``, ``row``)."""

    holder: Any
    name: str
    kind: str
    funds: Funds | None = None  # the funds block an amount belongs to (its unit)
    rows: list[Indicator] | None = None  # the indicator list a row-kind mark acts on
    groups: list[IndicatorGroup] | None = None
    index: int | None = None

    @property
    def current(self) -> Any:
        """The value the field holds now, as canonical JSON."""
        if self.kind == "row":
            return "indicator"
        return to_dict(getattr(self.holder, self.name))


def _unknown(path: str, why: str = "") -> Invalid:
    return Invalid(f"无法更正字段“{path}”：{why or '材料中没有这个字段'}。字段路径形如 "
                   "evaluations[0].indicators[3].score、evaluations[0].funds.rows[0].exec_amount")


def resolve(sub: Submission, path: str) -> Target:
    """The field ``path`` names in ``sub``, or :class:`Invalid` saying why it names none."""
    parts = (path or "").strip().split(".")
    obj: Any = sub
    parent_funds: Funds | None = None
    for n, part in enumerate(parts):
        m = _SEGMENT.match(part)
        if m is None:
            raise _unknown(path, f"“{part}”不是有效的路径片段")
        name, indexes = m.group(1), [int(i) for i in _INDEX.findall(m.group(2))]
        last = n == len(parts) - 1
        if last and not indexes and name == ROW_KIND:
            if not isinstance(obj, Indicator):
                raise _unknown(path, "只有指标行可以标记为表头行或上级行")
            return _row_target(sub, parts[:-1], path)
        if not dataclasses.is_dataclass(obj) or name not in {f.name for f in dataclasses.fields(obj)}:
            raise _unknown(path)
        if name in _FIXED:
            raise _unknown(path, f"“{name}”由读取程序确定，不能更正")
        value = getattr(obj, name)
        for i in indexes:
            if not isinstance(value, list):
                raise _unknown(path, f"“{name}”不是列表，不能按序号取")
            if i >= len(value):
                raise _unknown(path, f"“{name}”只有 {len(value)} 项（序号从 0 起），没有第 {i} 项")
            value = value[i]
        if isinstance(obj, Funds):
            parent_funds = obj
        if last:
            if indexes:
                raise _unknown(path, "路径须指向一个字段，而不是整行")
            return Target(obj, name, _kind_of(obj, name, path), funds=parent_funds)
        obj = value
    raise _unknown(path)  # an empty path


def _row_target(sub: Submission, parts: list[str], path: str) -> Target:
    m = re.fullmatch(r"evaluations\[(\d+)\]\.indicators\[(\d+)\]", ".".join(parts))
    if m is None:
        raise _unknown(path, "表头行、上级行只能在指标表中标记")
    ev = sub.evaluations[int(m.group(1))]
    i = int(m.group(2))
    return Target(ev.indicators[i], ROW_KIND, "row", rows=ev.indicators, groups=ev.groups, index=i)


def _kind_of(holder: Any, name: str, path: str) -> str:
    hint = typing.get_type_hints(type(holder))[name]
    args = {a for a in typing.get_args(hint) if a is not type(None)} or {hint}
    if args == {Value}:
        return "rate" if isinstance(holder, Funds) and name == "rate" else "value"
    if args == {float}:
        return "amount" if isinstance(holder, FundRow) and name in _AMOUNTS else "score"
    if args == {int}:
        return "year"
    if args == {str}:
        return "money_unit" if isinstance(holder, Funds) and name == "unit" else "text"
    raise _unknown(path, "这个字段不是单个取值")


def parse_correction(sub: Submission, path: str, typed: str) -> tuple[Target, Any]:
    """(where ``path`` points, the parse of ``typed`` as the field's canonical JSON), or
    :class:`Invalid` with the reason in Chinese."""
    target = resolve(sub, path)
    text = "" if typed is None else str(typed)
    blank = parse_value(text).blank
    kind = target.kind
    if kind in ("value", "rate"):
        value = parse_value(text)
        if kind == "rate" and not value.blank and (value.number is None or value.unit not in (None, "%")):
            raise Invalid(f"“{text}”不是执行率，请填写百分数，如 98.5%")
        return target, to_dict(value)
    if kind == "score":
        if blank:
            return target, None
        value = parse_value(text)
        if value.number is None or value.unit not in (None, "分"):
            raise Invalid(f"“{text}”不是分值，请填写数字，如 18 或 18.5分")
        return target, value.number
    if kind == "amount":
        unit = target.funds.unit if target.funds and target.funds.unit in MONEY_UNITS else "万元"
        if blank:
            return target, None
        amount = parse_amount(text, default_unit=unit)
        if amount.value is None:
            raise Invalid(f"“{text}”不是金额，请填写数字（单位默认为{unit}），如 985000 或 98.5万元")
        return target, round(in_unit(amount.value, amount.unit, unit) or 0.0, 6)
    if kind == "year":
        value = parse_value(text)
        if value.number is None or not value.number.is_integer() or not 1990 <= value.number <= 2100:
            raise Invalid(f"“{text}”不是年度，请填写四位年份，如 2023")
        return target, int(value.number)
    if kind == "money_unit":
        unit = money_unit(text.strip())
        if unit is None:
            raise Invalid(f"“{text}”不是金额单位，可选：{'、'.join(MONEY_UNITS)}")
        return target, unit
    if kind == "row":
        mark = ROW_KINDS.get(text.strip().lower())
        if mark is None:
            raise Invalid(f"“{text}”不是行的标记，可填：表头（表头行，删去该行）或 上级行（作为下面各指标的上级）")
        return target, mark
    stripped = text.strip()
    if not stripped and not _optional(target):
        raise Invalid(f"“{path}”不能为空")
    return target, stripped or None


def _optional(target: Target) -> bool:
    hint = typing.get_type_hints(type(target.holder))[target.name]
    return type(None) in typing.get_args(hint)


def _set(target: Target, parsed: Any) -> None:
    if target.kind == "row":
        _mark_row(target, parsed)
    elif target.kind in ("value", "rate"):
        setattr(target.holder, target.name, from_dict(Value, parsed))
    else:
        setattr(target.holder, target.name, parsed)


def _mark_row(target: Target, mark: str) -> None:
    """Drop a header row read as an indicator, or make a parent row the group of the rows under it
    (the rows that follow in the same level-1/level-2 block and have no group yet)."""
    assert target.rows is not None and target.index is not None and target.groups is not None
    row = target.rows.pop(target.index)
    if mark == "header":
        return
    name = row.name or ""
    target.groups.append(IndicatorGroup(name=name, level1=row.level1, level2=row.level2, weight=row.weight,
                                        score=row.score, cells=dict(row.cells)))
    for child in target.rows[target.index:]:
        if child.group is not None or (child.level1, child.level2) != (row.level1, row.level2):
            break
        child.group = name


def apply_corrections(sub: Submission, corrections: typing.Iterable[Correction]) -> tuple[Submission, list[Correction]]:
    """``sub`` with the corrections laid over it, in order (a copy: ``sub`` is not changed), and
    the corrections that no longer fit it (the file read again no longer has that field)."""
    out = copy.deepcopy(sub)
    skipped = []
    for c in corrections:
        try:
            target = resolve(out, c.field_path)
        except Invalid:
            skipped.append(c)
            continue
        _set(target, c.parsed)
    return out, skipped


def display(value: Any) -> str:
    """A field's canonical JSON as a reviewer reads it: a value's text as written, a row kind in Chinese."""
    if value is None:
        return "（空）"
    if isinstance(value, dict) and "raw" in value:
        return value["raw"] or "（空）"
    if isinstance(value, str) and value in ROW_KIND_TERMS:
        return ROW_KIND_TERMS[value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
