"""Steps that read the shape of the answer: grouping (各单位), ranking (最高的三个, 前5), a
maximum asked for (最高是多少), aggregates (合计, 平均, 多少个) and listing words (哪些, 列出)."""

from __future__ import annotations

import re
from typing import NamedTuple

from assistant.answer.parsing.vocabulary import (
    AVERAGED,
    AVG_RE,
    COUNT_RE,
    GROUP_RE,
    GROUPS,
    LIST_RE,
    MAXV_RE,
    RANK_RE,
    SUM_RE,
    TOP_RE,
    alt,
    blank,
    cn_int,
    take,
)
from assistant.answer.query import Aggregate, OrderBy

_HIGH = ("最高", "最大", "最多")
_LOW = ("最低", "最少", "最小", "最差", "倒数")


def field_near(text: str, synonyms: dict[str, str], pos: int) -> str | None:
    """The field whose synonym is written nearest ``pos`` (on a tie, the later synonym of the table)."""
    best: tuple[int, str] | None = None
    for syn, fname in synonyms.items():
        for m in re.finditer(re.escape(syn), text):
            d = abs(m.start() - pos)
            if best is None or d <= best[0]:
                best = (d, fname)
    return best[1] if best else None


class Grouping(NamedTuple):
    text: str
    group_by: str | None


def find_grouping(text: str, entity: str, group_by: str | None = None) -> Grouping:
    """哪个单位 / 各部门 / 按项目; "哪些项目" over projects is a list, not a grouping. A grouping the
    workflow step read (哪条规则) stands."""
    if group_by is not None:
        return Grouping(text, group_by)
    m = GROUP_RE.search(text)
    if m:
        group_by = GROUPS[m.group(1)]
        if not (group_by == "project" and entity == "project"):
            return Grouping(blank(text, m.start(), m.end()), group_by)
    return Grouping(text, None)


class Ranking(NamedTuple):
    text: str
    entity: str  # a ranking of projects by their 问题 is a ranking of findings grouped by project
    group_by: str | None
    aggregate: Aggregate | None
    order: OrderBy | None
    limit: int | None


def _max_value(m: re.Match[str], text: str, entity: str, synonyms: dict[str, str],
               group_by: str | None) -> Ranking:
    """最高是多少: the maximum of the field asked about, or of the groups' value."""
    fname = field_near(text, synonyms, m.start())
    word = m.group(1)
    text = blank(text, m.start(), m.end())
    if fname and group_by is None:
        return Ranking(text, entity, group_by, Aggregate(op="max" if word in _HIGH else "min", field=fname), None, None)
    return Ranking(text, entity, group_by, None, OrderBy(field="value", descending=word in _HIGH), 1)


def _ranked(m: re.Match[str], text: str, raw: str, entity: str, synonyms: dict[str, str],
            group_by: str | None) -> Ranking:
    """最低的三个 / 前5: an order and a limit (one by default, five after 前)."""
    word = m.group(1) or m.group(3)
    n = cn_int(m.group(2) or m.group(4))
    if n is None:
        top = TOP_RE.search(text)
        if top:
            n = cn_int(top.group(2))
            text = blank(text, top.start(), top.end())
    descending = word not in _LOW
    fname = field_near(text, synonyms, m.start())
    text = blank(text, m.start(), m.end())
    order = None
    if group_by is not None or (fname is None and entity == "finding"):
        order = OrderBy(field="value", descending=descending)
    elif fname is not None:
        order = OrderBy(field=fname, descending=descending)  # type: ignore[arg-type]
    limit = n or (1 if word not in ("前", "倒数") else 5)
    if fname is None and entity == "project" and "问题" in raw and group_by is None:
        entity, group_by = "finding", "project"
        order = OrderBy(field="value", descending=descending)
    aggregate = None
    if group_by is not None and fname is not None:
        aggregate = Aggregate(op="avg" if fname in AVERAGED else "sum", field=fname)  # type: ignore[arg-type]
    return Ranking(text, entity, group_by, aggregate, order, limit)


def find_ranking(text: str, raw: str, entity: str, synonyms: dict[str, str], group_by: str | None) -> Ranking:
    """A maximum asked for (最高是多少) first, else a ranking (最低的三个, 前5)."""
    m = MAXV_RE.search(text)
    if m:
        return _max_value(m, text, entity, synonyms, group_by)
    m = RANK_RE.search(text)
    if m:
        return _ranked(m, text, raw, entity, synonyms, group_by)
    return Ranking(text, entity, group_by, None, None, None)


class Aggregation(NamedTuple):
    text: str
    aggregate: Aggregate | None


def find_aggregate(text: str, entity: str, synonyms: dict[str, str], group_by: str | None,
                   aggregate: Aggregate | None) -> Aggregation:
    """平均 / 合计 of the field written nearest, else a count (多少个项目, 个数); the ranking's
    aggregate, when it made one, stands."""
    if aggregate is not None:
        return Aggregation(text, aggregate)
    # 平均 before 合计: the first aggregate word found decides, and it is consumed either way
    for op, regex in (("avg", AVG_RE), ("sum", SUM_RE)):
        m = regex.search(text)
        if m is not None:
            fname = field_near(text, synonyms, m.start())
            text = blank(text, m.start(), m.end())
            return Aggregation(text, Aggregate(op=op, field=fname) if fname else None)  # type: ignore[arg-type]
    m = COUNT_RE.search(text)
    # "是多少" asks for a value, not a count
    if m and not re.search(r"(?:是|为)多少", text[m.start() - 1:m.end() + 1]):
        target = m.group(2) or m.group(3)
        text = blank(text, m.start(), m.end())
        key = None
        if target == "单位" and group_by is None:
            key = "unit"
        elif target == "项目" and entity != "project":
            key = "project"
        return Aggregation(text, Aggregate(op="count", field=key))  # type: ignore[arg-type]
    return Aggregation(text, None)


class Listing(NamedTuple):
    text: str
    listing: bool


def find_listing(text: str) -> Listing:
    text, found = take(text, LIST_RE)
    return Listing(text, bool(found))


class DefaultAggregate(NamedTuple):
    aggregate: Aggregate | None


def default_aggregate(entity: str, group_by: str | None, aggregate: Aggregate | None,
                      order: OrderBy | None) -> DefaultAggregate:
    """Groups with nothing to sum are counted; so are ordered or grouped findings."""
    if group_by is not None and aggregate is None:
        aggregate = Aggregate(op="count")
    if entity == "finding" and aggregate is None and (order is not None or group_by is not None):
        aggregate = Aggregate(op="count")
    return DefaultAggregate(aggregate)


class FieldWords(NamedTuple):
    text: str


def drop_field_words(text: str, synonyms: dict[str, str]) -> FieldWords:
    """The field names still written (执行率最低 read above leaves 执行率) are understood words."""
    if synonyms:
        for m in re.finditer(alt(list(synonyms)), text):
            text = blank(text, m.start(), m.end())
    return FieldWords(text)
