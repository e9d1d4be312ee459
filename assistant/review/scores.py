"""复核打分 (issue 15 item 8): a reviewer's score of one form, as a layer over the self-score.

The bureau "对项目进行审核、打分，作为预算安排的依据": a reviewer adjusts indicator scores (and the
execution score), each with a reason; the self-score is never overwritten. The review total is the
form's scores with the adjustments applied, then the score caps of the active rule pack
(:attr:`assistant.checker.profiles.Profile.caps`: an execution rate below a band caps the total);
its grade is :func:`assistant.numbers.grade_of` of that total.

Pure functions on plain data: the adjustments are stored by :mod:`assistant.stores.scores`.

How the total is made: the self total as stated (总分) plus, for every adjusted item, the
reviewer's score minus the self-score (an empty self-score counts 0). Not a fresh sum of the rows:
a form whose rows were not all read (a missed indicator row) would then lose points no reviewer
took away. A form without a stated total gets the sum of its rows' scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.checker.profiles import ScoreCap
from assistant.model import Evaluation
from assistant.numbers import grade_of, rounded
from assistant.review.errors import Invalid

__all__ = ["EXECUTION", "Adjustment", "CapApplied", "ReviewScore", "ScoreItem", "review_score", "validated"]

EXECUTION = "funds"  # the execution row (预算执行率), named as its field path names it
_INDICATOR = re.compile(r"^indicators\[(\d+)\]$")


@dataclass(frozen=True)
class Adjustment:
    """The reviewer's score of one item: ``item`` is ``indicators[N]`` (the form's N-th indicator
    row, as the canonical JSON's field path names it) or ``funds`` (the execution row)."""

    item: str
    score: float
    reason: str


@dataclass(frozen=True)
class ScoreItem:
    """One scored line, the self-score beside the reviewer's."""

    item: str
    name: str
    weight: float | None
    self_score: float | None
    review_score: float | None  # the reviewer's score, else the self-score
    reason: str | None = None  # why the reviewer changed it (None: not adjusted)

    @property
    def adjusted(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class CapApplied:
    """The cap that limited the review total, and why (the text a reviewer reads)."""

    exec_rate: float
    below: float
    max_total: float
    uncapped: float
    source: str

    @property
    def text(self) -> str:
        return (f"预算执行率{rounded(self.exec_rate, 2)}%，低于{rounded(self.below, 2)}%，复核总分不超过"
                f"{rounded(self.max_total, 2)}分（限定前{rounded(self.uncapped, 2)}分；依据：{self.source}）")


@dataclass(frozen=True)
class ReviewScore:
    """One form's review score: its items, the self total and grade as stated, the review total
    (caps applied) and its grade, and the cap that applied (None: none did)."""

    items: tuple[ScoreItem, ...]
    self_total: float | None
    self_grade: str | None  # derived from the self total, like the statistics' grades
    uncapped: float | None  # the review total before the caps
    total: float | None
    grade: str | None
    cap: CapApplied | None
    exec_rate: float | None
    profile: str
    profile_title: str = ""  # the pack's Chinese title, for the page

    @property
    def adjustments(self) -> tuple[ScoreItem, ...]:
        return tuple(i for i in self.items if i.adjusted)

    @property
    def gap(self) -> float | None:
        """复核得分 − 自评得分 (None when either is missing)."""
        if self.total is None or self.self_total is None:
            return None
        return _round(self.total - self.self_total)

    @property
    def grade_changed(self) -> bool:
        return self.grade is not None and self.self_grade is not None and self.grade != self.self_grade


def items_of(ev: Evaluation) -> list[ScoreItem]:
    """The form's scorable items with their self-scores: every indicator row, then the execution row."""
    out = [ScoreItem(f"indicators[{i}]", ind.name or f"第{i + 1}项指标", ind.weight, ind.score, ind.score)
           for i, ind in enumerate(ev.indicators)]
    out.append(ScoreItem(EXECUTION, "预算执行率", ev.funds.weight, ev.funds.score, ev.funds.score))
    return out


def validated(ev: Evaluation, adjustments: Sequence[Adjustment]) -> tuple[Adjustment, ...]:
    """The adjustments with their reasons trimmed, or :class:`Invalid` with the first problem in
    Chinese: an item the form does not have, a score below 0 or above the item's 分值, a missing
    reason, the same item twice."""
    items = {i.item: i for i in items_of(ev)}
    seen: set[str] = set()
    out = []
    for adj in adjustments:
        item = items.get(adj.item)
        if item is None:
            m = _INDICATOR.match(adj.item)
            what = f"第{int(m.group(1)) + 1}项指标" if m else f"“{adj.item}”"
            raise Invalid(f"该自评表没有{what}，可调整的为 indicators[0]–indicators[{len(ev.indicators) - 1}] "
                          f"与 {EXECUTION}（预算执行率）" if ev.indicators else
                          f"该自评表没有{what}（未识别出绩效指标，只能调整 {EXECUTION} 预算执行率）")
        if adj.item in seen:
            raise Invalid(f"“{item.name}”重复调整，每项只能给出一个复核得分")
        seen.add(adj.item)
        if adj.score < 0:
            raise Invalid(f"“{item.name}”的复核得分不能为负数（{rounded(adj.score, 2)}分）")
        if item.weight is not None and adj.score > item.weight + 1e-9:
            raise Invalid(f"“{item.name}”的复核得分{rounded(adj.score, 2)}分超过该项分值{rounded(item.weight, 2)}分")
        reason = (adj.reason or "").strip()
        if not reason:
            raise Invalid(f"调整“{item.name}”的得分须填写理由")
        out.append(Adjustment(adj.item, float(adj.score), reason))
    return tuple(out)


def review_score(ev: Evaluation, adjustments: Sequence[Adjustment], caps: Sequence[ScoreCap], *,
                 exec_rate: float | None, profile: str, profile_title: str = "") -> ReviewScore:
    """The review score of ``ev`` (see the module docstring). ``adjustments`` must be
    :func:`validated`; ``exec_rate`` is the form's execution rate in percent (computed from the funds
    total row where it can be, else as filled in); ``caps`` those of the active pack."""
    by_item = {a.item: a for a in adjustments}
    items = []
    for it in items_of(ev):
        adj = by_item.get(it.item)
        items.append(it if adj is None else ScoreItem(it.item, it.name, it.weight, it.self_score, adj.score,
                                                      adj.reason))
    delta = sum((i.review_score or 0.0) - (i.self_score or 0.0) for i in items if i.adjusted)
    if ev.total_score is not None:
        uncapped: float | None = _round(ev.total_score + delta)
    else:
        scored = [i.review_score for i in items if i.review_score is not None]
        uncapped = _round(sum(scored)) if scored else None
    total, cap = uncapped, None
    if uncapped is not None and exec_rate is not None:
        # the strictest band the rate falls in (caps are ordered by rate, so the first that applies)
        band = next((c for c in sorted(caps, key=lambda c: c.below) if exec_rate < c.below - 1e-9), None)
        if band is not None and uncapped > band.max_total:
            total = band.max_total
            cap = CapApplied(exec_rate, band.below, band.max_total, uncapped, band.source)
    return ReviewScore(tuple(items), ev.total_score, grade_of(ev.total_score), uncapped, total, grade_of(total), cap,
                       exec_rate, profile, profile_title)


def _round(x: float) -> float:
    return float(rounded(x, 2))
