"""The last steps: what no step understood, whether the records can answer, and the typed query."""

from __future__ import annotations

from typing import NamedTuple

from pydantic import ValidationError

from assistant.answer.parsing.subject import explain_words
from assistant.answer.parsing.vocabulary import FUNCTION_WORDS_LONGEST_FIRST, PUNCT_RE, YES_NO_RE
from assistant.answer.query import Aggregate, Filter, OrderBy, StructuredQuery


class Leftover(NamedTuple):
    leftover: str  # the words no step understood, function words and punctuation dropped
    filters: list[Filter]


def read_leftover(text: str, raw: str, entity: str, filters: list[Filter]) -> Leftover:
    """What is left; a yes/no question drops its 达标 filter, and indicator words left over name
    the indicator (居民健康素养水平为什么没有达标)."""
    left = text
    for word in FUNCTION_WORDS_LONGEST_FIRST:
        left = left.replace(word, "")
    left = PUNCT_RE.sub("", left)
    if YES_NO_RE.search(raw) or "是否" in raw:
        # "居民健康素养水平达标了吗" asks about one row; it is not a filter on 达标
        filters = [f for f in filters if f.field != "met"]
    if entity == "indicator" and len(left) >= 2 and left in raw:
        filters = [*filters, Filter(field="indicator", op="contains", value=left)]
        left = ""
    return Leftover(left, filters)


class Decision(NamedTuple):
    structured: bool  # the records can answer: build the query
    notes: list[str]


# filters that only narrow the rows; alone they make no question of the records
_SCOPE_FIELDS = ("rule", "level1", "level2", "indicator", "evaluation_kind")


def decide(leftover: str, filters: list[Filter], year: int | None, units: list[str], unit_like: str | None,
           projects: list[str], entity: str, aggregate: Aggregate | None, order: OrderBy | None,
           group_by: str | None, listing: bool, notes: list[str]) -> Decision:
    """Structured when there is a strong signal (a condition, an order, a grouping, a sum…), or a
    weak one (a count, a list of something named) with nothing left unexplained; a report's
    "存在的问题" stays with the documents."""
    has_filter = bool(filters) or bool(units or unit_like or projects or year)
    strong = any(f.field not in _SCOPE_FIELDS for f in filters) or order is not None or group_by is not None \
        or (aggregate is not None and aggregate.op in ("sum", "avg", "max", "min")) or entity in ("finding", "submission")
    weak = aggregate is not None or (listing and has_filter)
    if not (strong or weak):
        return Decision(False, notes)
    if len(leftover) >= 2 and not strong:
        return Decision(False, [*notes, f"未识别的内容：{leftover}"])
    if "report-problems" in notes and entity != "finding":
        return Decision(False, notes)
    return Decision(True, notes)


def _scope_filters(raw: str, entity: str, group_by: str | None, year: int | None, units: list[str],
                   unit_like: str | None, projects: list[str]) -> list[Filter]:
    """Project, unit, year and evaluation kind, in that order, before the conditions."""
    scope = []
    if projects:
        scope.append(Filter(field="project", op="in", value=list(projects)) if len(projects) > 1
                     else Filter(field="project", op="=", value=projects[0]))
    if units:
        scope.append(Filter(field="unit", op="in", value=list(units)) if len(units) > 1
                     else Filter(field="unit", op="=", value=units[0]))
    elif unit_like:
        scope.append(Filter(field="unit", op="contains", value=unit_like))
    if year is not None:
        scope.append(Filter(field="year", op="=", value=year))
    if entity == "project" and "部门整体" in raw:
        scope.append(Filter(field="evaluation_kind", op="=", value="department"))
    elif entity == "project" and "项目" in raw and group_by != "project":
        scope.append(Filter(field="evaluation_kind", op="=", value="project"))
    return scope


class Built(NamedTuple):
    query: StructuredQuery | None
    route: str
    notes: list[str]


def build_query(structured: bool, raw: str, entity: str, filters: list[Filter], year: int | None,
                units: list[str], unit_like: str | None, projects: list[str], aggregate: Aggregate | None,
                group_by: str | None, order: OrderBy | None, limit: int | None, explain: list[str],
                notes: list[str]) -> Built:
    """The typed query (validated against the schema), routed ``mixed`` when it also asks for reasons."""
    if not structured:
        return Built(None, "document", notes)
    try:
        query = StructuredQuery(
            entity=entity, filters=_scope_filters(raw, entity, group_by, year, units, unit_like, projects) + filters,  # type: ignore[arg-type]
            aggregate=aggregate or Aggregate(op="list"), group_by=group_by, order_by=order, limit=limit,  # type: ignore[arg-type]
            explain=explain_words(explain))
    except ValidationError as err:
        return Built(None, "document", [*notes, f"查询无效：{err.errors()[0]['msg']}"])
    return Built(query, "mixed" if explain else "structured", notes)
