"""The self-evaluation beside the same project's self-evaluation of the year before (the
cross-year CYCLE-YEAR-* rules): which indicators kept their name and target, how much the budget
moved, and the profile's cross-year thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.checker.helpers.cycle import threshold
from assistant.checker.helpers.funds import budget_row
from assistant.checker.helpers.text import plain
from assistant.model import Evaluation, PastEvaluation
from assistant.numbers import to_wan

if TYPE_CHECKING:
    from assistant.checker.context import CheckContext


def last_year(ctx: CheckContext) -> PastEvaluation | None:
    """The same project's self-evaluation of the year before, when one is stored."""
    past = ctx.cycle.past(ctx.ev)
    return past[0] if past else None


def where(p: PastEvaluation) -> str:
    """How a message names last year's form: its year and file (or submission id)."""
    return f"{p.year}年度自评表（{p.file_name or p.submission_id or '已入库'}）"


@dataclass(frozen=True)
class Copied:
    """This year's indicators whose name and 年度指标值 are last year's, word for word."""

    pairs: list[tuple[int, int]]  # (this year's row j, last year's row k)
    compared: int  # this year's rows with a target (what the share is of)

    @property
    def share(self) -> float:
        return len(self.pairs) / self.compared if self.compared else 0.0


def copied_targets(ev: Evaluation, before: Evaluation) -> Copied:
    old = {}
    for k, ind in enumerate(before.indicators):
        if plain(ind.name) and not ind.target.blank:
            old.setdefault(plain(ind.name), k)
    rows = [(j, ind) for j, ind in enumerate(ev.indicators) if plain(ind.name) and not ind.target.blank]
    pairs = [(j, old[plain(ind.name)]) for j, ind in rows
             if plain(ind.name) in old and plain(before.indicators[old[plain(ind.name)]].target.raw) == plain(ind.target.raw)]
    return Copied(pairs, len(rows))


def unchanged_indicators(ctx: CheckContext) -> tuple[PastEvaluation, Copied] | None:
    """Last year's form and the copied rows, when at least ``cycle.year_min_indicators`` rows and
    a share of ``cycle.year_target_share`` of this year's rows are last year's word for word."""
    p = last_year(ctx)
    if p is None:
        return None
    copied = ctx.memo("year_copied", lambda: copied_targets(ctx.ev, p.evaluation))
    if len(copied.pairs) < threshold(ctx.profile, "year_min_indicators"):
        return None
    if copied.share + 1e-9 < threshold(ctx.profile, "year_target_share"):
        return None
    return p, copied


def full_year_budget(ev: Evaluation) -> float | None:
    """The project's 全年预算数 (or 年初预算数 when that is all the form says), in 万元."""
    row = budget_row(ev.funds)
    if row is None:
        return None
    value = row.budget_full_year if row.budget_full_year is not None else row.budget_initial
    return to_wan(value, ev.funds.unit)


def budget_change(ev: Evaluation, before: Evaluation) -> tuple[float, float, float] | None:
    """(last year's budget, this year's, the change in percent of last year's), in 万元."""
    now, was = full_year_budget(ev), full_year_budget(before)
    if now is None or was is None or was <= 0:
        return None
    return was, now, (now - was) / was * 100.0
