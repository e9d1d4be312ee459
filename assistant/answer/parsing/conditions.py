"""Steps that read conditions on rows: indicator level and 达标, 评价等级, severity, and comparisons
of a field with a number (低于80%, 90分以上, 在100万元到500万元之间)."""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.answer.parsing.vocabulary import (
    FINDING_WORDS_RE,
    GRADE_RE,
    GRADES,
    LEVEL1_RE,
    LEVEL2_RE,
    MET_FALSE_RE,
    MET_TRUE_RE,
    PRE_OPS,
    SATISFACTION_RE,
    SEVERITIES,
    SEVERITY_RE,
    SUF_OPS,
    UNIT_FIELDS,
    UNITS,
    alt,
    blank,
    money,
    take,
)
from assistant.answer.query import Filter


class Conditions(NamedTuple):
    text: str
    filters: list[Filter]


def find_indicator_conditions(text: str, entity: str, filters: list[Filter]) -> Conditions:
    """For indicator rows: 二级 and 一级 levels (满意度 alone means 满意度指标), 达标 / 未达标."""
    if entity != "indicator":
        return Conditions(text, filters)
    filters = list(filters)
    text, found = take(text, LEVEL2_RE)
    filters += [Filter(field="level2", op="=", value=m.group(0)) for m in found]
    text, found = take(text, LEVEL1_RE)
    level1 = found[-1].group(0) if found else None
    if level1 is None and SATISFACTION_RE.search(text):
        level1 = "满意度指标"
    if level1:
        filters.append(Filter(field="level1", op="=", value=level1))
    text, unmet = take(text, MET_FALSE_RE)
    if unmet:
        filters.append(Filter(field="met", op="=", value=False))
    else:
        text, met = take(text, MET_TRUE_RE)
        if met:
            filters.append(Filter(field="met", op="=", value=True))
    return Conditions(text, filters)


def find_grade(text: str, entity: str, filters: list[Filter]) -> Conditions:
    """For projects: 评价等级为优秀 → grade = 优."""
    if entity != "project":
        return Conditions(text, filters)
    text, found = take(text, GRADE_RE)
    return Conditions(text, filters + [Filter(field="grade", op="=", value=GRADES.get(m.group(1), m.group(1)))
                                       for m in found])


def find_severity(text: str, entity: str, filters: list[Filter]) -> Conditions:
    """For findings: 错误 / 警告 / 提示; the words 审核发现 / 问题 themselves are then read."""
    if entity != "finding":
        return Conditions(text, filters)
    text, found = take(text, SEVERITY_RE)
    filters = filters + [Filter(field="severity", op="=", value=SEVERITIES[m.group(1)]) for m in found]
    text, _ = take(text, FINDING_WORDS_RE)
    return Conditions(text, filters)


# one comparison as read: (field or None when only its unit says, op, values, unit)
Comparison = tuple[str | None, str, list[float], str | None]
_NUM = r"(\d+(?:\.\d+)?)"
_UNIT = rf"({alt(UNITS)})?"
_PRE = rf"({alt(list(PRE_OPS))})?"
_SUF = rf"({alt(list(SUF_OPS))})?"
_BETWEEN = rf"(?:在|介于|处于)?{_NUM}{_UNIT}(?:到|至|-|~|和|与){_NUM}{_UNIT}(?:之间)?"
_BARE = re.compile(rf"(?:在)?({alt([k for k in PRE_OPS if len(k) > 1 or k in '<>≤≥'])})?{_NUM}"
                   rf"(万元|亿元|千元|元|%|分){_SUF}")


def _ranges(text: str, synonyms: dict[str, str], field_alt: str | None) -> tuple[str, list[Comparison]]:
    """``[field] 在 lo 到 hi 之间`` (a range of years is no comparison)."""
    pattern = re.compile(rf"(?:({field_alt})(?:的)?)?{_BETWEEN}" if field_alt else _BETWEEN)
    found: list[Comparison] = []
    for m in pattern.finditer(text):
        g = m.groups()
        fname = synonyms.get(g[0]) if field_alt and g[0] else None
        off = 1 if field_alt else 0
        lo, u1, hi, u2 = float(g[off]), g[off + 1], float(g[off + 2]), g[off + 3]
        u = u1 or u2
        if u == "年":
            continue
        found.append((fname, "between", [money(lo, u), money(hi, u)], u))
        text = blank(text, m.start(), m.end())
    return text, found


def _field_comparisons(text: str, synonyms: dict[str, str], field_alt: str | None) -> tuple[str, list[Comparison]]:
    """``field [op] number [unit] [以上]``; no operator word means equal."""
    if not field_alt:
        return text, []
    found: list[Comparison] = []
    for m in re.compile(rf"({field_alt})(?:的|都|均)?(?:在|均|都)?{_PRE}{_NUM}{_UNIT}{_SUF}").finditer(text):
        op = PRE_OPS.get(m.group(2) or "") or SUF_OPS.get(m.group(5) or "") or "="
        found.append((synonyms[m.group(1)], op, [money(float(m.group(3)), m.group(4))], m.group(4)))
        text = blank(text, m.start(), m.end())
    return text, found


def _bare_comparisons(text: str) -> tuple[str, list[Comparison]]:
    """``op number unit`` with no field (低于80%): the unit will say which field."""
    found: list[Comparison] = []
    for m in _BARE.finditer(text):
        op = PRE_OPS.get(m.group(1) or "") or SUF_OPS.get(m.group(4) or "")
        if op is None:
            continue
        found.append((None, op, [money(float(m.group(2)), m.group(3))], m.group(3)))
        text = blank(text, m.start(), m.end())
    return text, found


class Comparisons(NamedTuple):
    text: str
    filters: list[Filter]
    notes: list[str]


def find_comparisons(text: str, entity: str, synonyms: dict[str, str], filters: list[Filter],
                     notes: list[str]) -> Comparisons:
    """Ranges, then comparisons with a field, then bare ones; amounts in 万元."""
    field_alt = alt(list(synonyms)) if synonyms else None
    text, ranges = _ranges(text, synonyms, field_alt)
    text, with_field = _field_comparisons(text, synonyms, field_alt)
    text, bare = _bare_comparisons(text)
    filters, notes = list(filters), list(notes)
    for fname, op, values, u in ranges + with_field + bare:
        fname = fname or UNIT_FIELDS.get(entity, {}).get(u or "")
        if fname is None:
            notes.append(f"无法判断比较对象：{op}{values}")
            continue
        filters.append(Filter(field=fname, op=op, value=values if op == "between" else values[0]))  # type: ignore[arg-type]
    return Comparisons(text, filters, notes)
