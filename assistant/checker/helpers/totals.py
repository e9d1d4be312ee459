"""The total score against the rows that make it up: what the filled 得分 add to, which rows are
blank, and the highest total the visible scores still allow (CALC-TOT-001, CALC-TOT-002)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.checker.helpers.funds import execution_row
from assistant.checker.helpers.groups import scored_rows
from assistant.model import Evaluation, Indicator, IndicatorGroup


@dataclass(frozen=True)
class ScoreSums:
    """The 得分 of one table's scored rows (parent rows only where they stand for their children)."""

    filled: float  # Σ filled 得分, plus the execution score on a project table when it is filled
    blanks: tuple[Indicator | IndicatorGroup, ...]  # rows whose 得分 is blank
    weights: float  # Σ known 分值, the execution weight included
    deductions: tuple[tuple[str, float], ...]  # (row name, 分值 − 得分) where a row shows points lost

    @property
    def blank_weights(self) -> float | None:
        """Σ 分值 of the blank-score rows: the most they can add; None when one of them has no 分值."""
        weights = [row.weight for row in self.blanks]
        return None if any(w is None for w in weights) else sum(w for w in weights if w is not None)

    @property
    def top(self) -> float | None:
        """The highest total the blank rows allow when each earns its full 分值."""
        extra = self.blank_weights
        return None if extra is None else self.filled + extra

    @property
    def lost(self) -> float:
        return sum(d for _, d in self.deductions)


def score_sums(ev: Evaluation) -> ScoreSums:
    rows = scored_rows(ev)
    filled = sum(row.score for row in rows if row.score is not None)
    weights = sum(row.weight for row in rows if row.weight is not None)
    deductions = [(row.name or "", row.weight - row.score) for row in rows
                  if row.weight is not None and row.score is not None and row.score < row.weight]
    # a 预算执行率 row among the indicators already holds the execution points: not added twice
    if ev.kind == "project" and execution_row(ev) is None:
        funds = ev.funds
        filled += funds.score or 0.0
        weights += funds.weight or 0.0
        if funds.weight is not None and funds.score is not None and funds.score < funds.weight:
            deductions.append(("预算执行率", funds.weight - funds.score))
    return ScoreSums(filled=filled, blanks=tuple(row for row in rows if row.score is None), weights=weights,
                     deductions=tuple(deductions))
