"""Money spent against outputs claimed: the execution rate beside the output rows' completion and
scores (SCORE-EXE-001, SCORE-EXE-002 — one finding per form, the score one first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.funds import rate_for_scoring
from assistant.checker.helpers.indicators import is_output
from assistant.checker.helpers.scores import achievement, scored_in_full
from assistant.checker.helpers.text import num
from assistant.model import Evaluation, Indicator

if TYPE_CHECKING:
    from assistant.checker.profiles import Profile


def inflated_on_low_execution(ev: Evaluation, profile: Profile) -> tuple[float, str] | None:
    """(the rate, what is high) when the rate is below ``low_execution_rate`` and every scored
    output row has full marks, or the total reaches ``high_total`` (SCORE-EXE-001)."""
    rate = rate_for_scoring(ev.funds, profile)
    if rate is None or rate >= profile.low_execution_rate - 1e-9:
        return None
    outputs = [i for i in ev.indicators if is_output(i)]
    # a row of a table without 分值 left unscored is not a claim either way
    claimed = [i for i in outputs if i.weight is not None or i.score is not None]
    all_full = bool(claimed) and all(_full_marks(i) for i in claimed)
    high = ev.total_score is not None and ev.total_score >= profile.high_total - 1e-9
    if not (all_full or high):
        return None
    return rate, "产出指标全部满分" if all_full else f"总分 {num(ev.total_score)}"


def _full_marks(ind: Indicator) -> bool:
    """Full marks on an output row; on a table without 分值 (云南县级表: 得分 only), a row scored
    and not short of its target (a date or a text target cannot be compared) is the same claim."""
    cmp = compare(ind)
    return scored_in_full(ind) and (ind.weight is not None or cmp is None or cmp.met)


def outputs_complete(ev: Evaluation, least: int = 2) -> list[Indicator] | None:
    """The output rows whose actual value reaches the target, when every output row that can be
    judged does (a number against its target, or a text that says 完成/未完成) and at least
    ``least`` of them are numbers against a target; None otherwise."""
    outputs = [i for i in ev.indicators if is_output(i)]
    met, compared = [], 0
    for ind in outputs:
        cmp = compare(ind)
        if cmp is not None:
            compared += 1
            if not cmp.met:
                return None
            met.append(ind)
        elif achievement(ind.actual.raw) in ("partial", "unmet"):
            return None
    return met if compared >= least else None
