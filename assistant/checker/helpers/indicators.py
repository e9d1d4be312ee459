"""Indicator rows: their kind (产出/效益/满意度/成本/时效), the kind of their values, and how a
row is quoted in a finding."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.checker.helpers.cache import _cached
from assistant.checker.helpers.text import clip, compact, has_any, is_blank, norm, num, shown
from assistant.glossary import BENEFIT, COST, OUTPUT, SATISFACTION
from assistant.model import Evaluation, Indicator, Value
from assistant.values import deadline_text

if TYPE_CHECKING:
    from assistant.checker.profiles import Profile


def level2(ind: Indicator) -> str:
    return ind.level2 or ""


def is_output(ind: Indicator) -> bool:
    return ind.level1 == OUTPUT


def is_benefit(ind: Indicator) -> bool:
    return ind.level1 == BENEFIT


def is_satisfaction(ind: Indicator) -> bool:
    return ind.level1 == SATISFACTION or "满意" in level2(ind)


def target_rows(ev: Evaluation, profile: Profile) -> list[tuple[int, Indicator]]:
    """The rows whose targets the unit set, with their index: every row, except on a layout without
    the self-evaluation's indicators (the evaluation framework's table), where only its 产出、效益、
    满意度 rows are; its 决策、管理 rows carry the framework's fixed criteria (WEAK-FORM-001 says so once)."""
    rows = list(enumerate(ev.indicators))
    if not profile.lacks(ev.layout, "self_eval_indicators"):
        return rows
    return [(j, ind) for j, ind in rows if is_output(ind) or is_benefit(ind) or is_satisfaction(ind)]


def is_cost(ind: Indicator) -> bool:
    return ind.level1 == COST or "成本" in level2(ind)


_NONE_WORDS = ("无", "没有", "暂无")


def none_stated(ind: Indicator, profile: Profile | None = None) -> bool:
    """实际完成值 "无" with the reason written beside it: nothing was achieved and the row says why
    (无 | 偏差原因：因疫情未开展). The value parses as a placeholder, but the cell is filled in."""
    return compact(ind.actual.raw).rstrip("。.") in _NONE_WORDS and not is_blank(ind.deviation_reason, profile)


def is_money_unit(unit: str | None) -> bool:
    """元, 万元, 元/人, 万元/公里, 万美元: a unit that counts money (per something or not)."""
    return "元" in (unit or "").partition("/")[0]


_NOTE = re.compile(r"[（(][^（）()]*[)）]\s*$")


def is_rate_name(name: str | None) -> bool:
    """The indicator names a rate: 家庭医生签约率, 签约率（%）."""
    return compact(_NOTE.sub("", norm(name))).endswith("率")


def is_timeliness(ind: Indicator) -> bool:
    return "时效" in level2(ind)


def is_deadline(value: Value) -> bool:
    return not value.blank and _has_deadline(value.raw)


def names_deadline(ind: Indicator) -> bool:
    """The row's name is itself a deadline ("12月底之前完成"): the time limit sits where the
    indicator's name belongs."""
    return bool(ind.name) and _has_deadline(ind.name)


@_cached(8192)
def _has_deadline(raw: str) -> bool:
    return deadline_text(raw) is not None


def is_text_value(value: Value) -> bool:
    """A written-out value: not blank, no number, not a date (效果明显, 完成, 是)."""
    return not value.blank and value.number is None and not is_deadline(value)


def is_vague(value: Value, words: Sequence[str]) -> bool:
    """WEAK-VAL-001: a vague word and no digit (with the profile's word list)."""
    return is_text_value(value) and has_any(value.raw, words) and not re.search(r"[0-9]", compact(value.raw))


def row_evidence(ind: Indicator) -> str:
    """The row as a reviewer reads it, for a finding's evidence."""
    parts = [f"三级指标 {norm(ind.name) or '（空）'}", f"年度指标值 {shown(ind.target)}",
             f"实际完成值 {shown(ind.actual)}", f"分值 {num(ind.weight)}", f"得分 {num(ind.score)}"]
    if ind.deviation_reason:
        parts.append(f"偏差说明 {clip(ind.deviation_reason, 40)}")
    return "；".join(parts)


def label(ind: Indicator) -> str:
    return f"“{norm(ind.name) or '（未命名指标）'}”"
