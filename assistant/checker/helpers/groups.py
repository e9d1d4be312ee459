"""Parent rows of the indicator table (:class:`IndicatorGroup`): which rows they stand over, and
which rows make up the form's weight and score totals."""

from __future__ import annotations

from assistant.model import Evaluation, Indicator, IndicatorGroup


def children(ev: Evaluation, group: IndicatorGroup) -> list[Indicator]:
    return [ind for ind in ev.indicators if ind.group == group.name]


def scored_rows(ev: Evaluation) -> list[Indicator | IndicatorGroup]:
    """The rows whose 分值 and 得分 add up to the form's totals: every indicator, except that a
    parent row whose children carry neither 分值 nor 得分 stands in for them. A parent row is
    otherwise left out: its weight is its children's, and counting both counts it twice."""
    bare = {g.name: g for g in ev.groups
            if all(i.weight is None and i.score is None for i in children(ev, g))}
    rows: list[Indicator | IndicatorGroup] = []
    for ind in ev.indicators:
        if ind.group not in bare:
            rows.append(ind)
        elif bare[ind.group] not in rows:
            rows.append(bare[ind.group])
    return rows
