"""The funds block: total and source rows, the execution rate recomputed and as filled in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.checker.helpers.groups import scored_rows
from assistant.checker.helpers.text import amount
from assistant.model import Evaluation, FundRow, Funds, Indicator

if TYPE_CHECKING:
    from assistant.checker.profiles import Profile

MONEY_COLUMNS = ("budget_initial", "budget_full_year", "exec_amount")


def total_row(funds: Funds) -> tuple[int, FundRow] | None:
    return next(((k, r) for k, r in enumerate(funds.rows) if r.category == "total"), None)


def source_rows(funds: Funds) -> list[tuple[int, FundRow]]:
    return [(k, r) for k, r in enumerate(funds.rows) if r.category != "total"]


def amount_tolerance(funds: Funds, profile: Profile) -> float:
    return profile.amount_tolerance * (10000.0 if funds.unit == "元" else 1.0)


@dataclass(frozen=True)
class Execution:
    row: int  # index of the total row
    executed: float
    budget: float
    rate: float  # percent
    from_sources: bool = False  # the total row was left empty: the source rows' sums

    @property
    def formula(self) -> str:
        basis = "，按各资金来源合计" if self.from_sources else ""
        return f"{amount(self.executed)}/{amount(self.budget)}{basis}"


def budget_row(funds: Funds) -> FundRow | None:
    """The row whose amounts state the project's money: the total row, or, when it was left at 0 or
    blank above filled-in sources, their sums. Real forms do that: 年度资金总额 0/0/0 above 本年财政拨款
    90/89.974/89.974, with 执行率 and 得分 then filled as 0 (docs/domain.md P1, a 池州 table)."""
    found = total_row(funds)
    if found is None:
        return None
    total = found[1]
    parts = [r for _, r in source_rows(funds)]
    if not _left_empty(total) or all(_left_empty(r) for r in parts):
        return total
    sums = {col: sum(v for r in parts if (v := getattr(r, col)) is not None) for col in MONEY_COLUMNS}
    return FundRow(name="各资金来源合计", category="total", **sums)


def _left_empty(row: FundRow) -> bool:
    return not any(getattr(row, col) for col in MONEY_COLUMNS)


def execution(funds: Funds, profile: Profile, *, sources: bool = False) -> Execution | None:
    """执行率 recomputed from the total row: 执行数 / the profile's denominator column.

    With ``sources``, a total row left empty gives way to the sums of the source rows
    (:func:`budget_row`); rules that locate a finding on the total row's own cells leave it False.
    """
    found = total_row(funds)
    if found is None:
        return None
    k, row = found
    summed = budget_row(funds) if sources else row
    budget = getattr(summed, profile.execution_denominator, None)
    if summed is None or summed.exec_amount is None or not budget:
        return None
    return Execution(k, summed.exec_amount, budget, summed.exec_amount / budget * 100.0, from_sources=summed is not row)


def stated_rate(funds: Funds, computed: float | None = None) -> float | None:
    """执行率 as filled in, in percent; a bare fraction (0.95) is read as 95% when that fits."""
    v = funds.rate
    if v.number is None or v.unit not in (None, "%"):
        return None
    if v.unit is None and v.number <= 1.5 and (computed is None or abs(v.number * 100 - computed) < abs(v.number - computed)):
        return v.number * 100.0
    return v.number


def rate_for_scoring(funds: Funds, profile: Profile) -> float | None:
    """The execution rate to judge by: recomputed when the amounts allow, else as filled in."""
    exe = execution(funds, profile, sources=True)
    return exe.rate if exe is not None else stated_rate(funds)


# An indicator row that scores budget execution itself (the evaluation framework's 过程 block, some
# provinces' tables): "预算执行率", "预算资金执行率", "资金执行率" — not a policy's "制度严格执行率".
_EXECUTION_ROW = re.compile(r"(预算|资金)执行率")


def execution_row(ev: Evaluation) -> Indicator | None:
    """The indicator row that carries the 预算执行率 score, if the table has one. A row with other
    points than the funds block's own 分值 (funds 10, an effect row "预算执行率" of 15) is not the
    execution score written twice but an indicator of its own (WEAK-STR-001 says it is misplaced)."""
    row = next((ind for ind in ev.indicators if ind.name and _EXECUTION_ROW.search(ind.name)), None)
    if row is None or ev.funds.weight is None or row.weight is None:
        return row
    return row if abs(row.weight - ev.funds.weight) < 0.005 else None


def execution_weight(ev: Evaluation, profile: Profile) -> float | None:
    """The 预算执行率 分值 as the form gives it, None when the form scores no budget execution.

    Taken from the funds block (its 分值 cell or title), else from a 预算执行率 indicator row. The
    profile's weight (全国 10, 市级 20) stands in only where the layout has an execution score and
    the form left its cell blank without its indicator rows already making up the total: a
    framework table (决策/过程/产出/效益) has none, nor has a table whose rows sum to 100.
    """
    if ev.funds.weight is not None:
        return ev.funds.weight
    row = execution_row(ev)
    if row is not None and row.weight is not None:
        return row.weight
    if profile.lacks(ev.layout, "execution_score"):
        return None
    weights = [r.weight for r in scored_rows(ev) if r.weight is not None]
    if weights and abs(sum(weights) - profile.total_points) <= profile.score_tolerance:
        return None
    return profile.execution_weight


def execution_outside_rows(ev: Evaluation, profile: Profile) -> float:
    """The execution points to add to the indicator rows' 分值 for the form's total: none when a
    预算执行率 row among them already carries them (10 on the funds row and 10 on that row are one
    10 points, not 100 + 10 = 110)."""
    if execution_row(ev) is not None:
        return 0.0
    return execution_weight(ev, profile) or 0.0


def level1_sums(ev: Evaluation) -> dict[str, float]:
    """Σ 分值 per level-1 name, a parent row counted only where it stands for its children."""
    sums: dict[str, float] = {}
    for row in scored_rows(ev):
        if row.level1 and row.weight is not None:
            sums[row.level1] = sums.get(row.level1, 0.0) + row.weight
    return sums
