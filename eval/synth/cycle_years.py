"""Synthetic performance cycles across two years, with ground truth (issue 19, cross-year and
consistency): the same project's cycle (declaration, monitoring form, self-evaluation) of year
Y-1 and of year Y, the earlier self-evaluation given to the later one as its history, and defects
of each new kind planted into year Y and labelled:

* the 年度总体目标 copied from Y-1 (CYCLE-YEAR-001), the indicator targets copied with about the
  same budget (CYCLE-YEAR-002) or with a budget moved by half (CYCLE-YEAR-003), full marks in
  both years (CYCLE-YEAR-004);
* a boilerplate 完成情况 (MISSING-GOAL-002), under 30% spent with every output complete and the
  scores docked (SCORE-EXE-002), a level-1 block's 分值 in its header, or a parent row's 分值,
  unlike its rows' sum (CALC-IND-007).

A clean year Y sets its targets and goal anew from Y-1's results (a few per cent up), with a budget
within a tenth of Y-1's. Decoys make precision mean something: targets raised with a budget
raised by half, full marks in Y only, a boilerplate phrase followed by figures, half the budget
spent with every output complete, a copied year that is not the year before (a gap year), a parent
row whose 分值 is its rows' sum.

The labels are the generator's own (what it planted, where); :mod:`eval.cycle_eval` grades the
checker against them.
"""

from __future__ import annotations

import dataclasses
import random
import re
from dataclasses import dataclass, field

from assistant.model import IndicatorGroup, PastEvaluation
from assistant.values import parse_value
from eval.synth.cycle import PROJECTS, Planted, Project, Row, Triple, _fmt, _money, make_triple

DEFECTS: dict[str, str] = {
    "goal_copied": "CYCLE-YEAR-001", "targets_copied": "CYCLE-YEAR-002", "budget_moved": "CYCLE-YEAR-003",
    "always_full": "CYCLE-YEAR-004", "boilerplate": "MISSING-GOAL-002", "low_spending": "SCORE-EXE-002",
    "weights_off": "CALC-IND-007", "group_weights_off": "CALC-IND-007",
}
DECOYS = ("raised_with_budget", "full_this_year", "boilerplate_with_figures", "half_spent", "gap_year",
          "group_weights_right")
# kinds that cannot share a year: one budget, and full marks are not docked scores
EXCLUSIVE = ({"targets_copied", "budget_moved"}, {"always_full", "low_spending"})
BOILERPLATE = ("完成年度目标。", "已按计划完成各项任务。", "圆满完成年度绩效目标", "项目按计划实施，全面完成年度目标。",
               "已全部完成年初设定的目标任务")
FIELDS = {"goal_copied": "goal_planned", "targets_copied": "indicators", "budget_moved": "indicators",
          "always_full": "total_score", "boilerplate": "goal_achieved", "low_spending": "funds.rate",
          "weights_off": "block_weights.产出指标", "group_weights_off": "groups[0].weight"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class TwoYears:
    """Year Y's cycle (``current``, its ``cycle.history`` holding year Y-1's self-evaluation), the
    earlier cycle it was compared with, and the labels."""

    name: str
    current: Triple
    previous: Triple
    planted: list[Planted] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)


def _raised(x: float, percent: bool, rng: random.Random) -> float:
    if percent:
        return x if x >= 100 else min(100.0, x + rng.choice((1, 2, 3)))
    y = x * rng.uniform(1.06, 1.2)
    return round(y) if x >= 10 else round(y, 1)


def next_year(project: Project, rng: random.Random) -> Project:
    """The project's targets and goal set anew for the next year: numbers a few per cent up (a
    share stays a share, at most 100%), text targets as they were."""
    rows = tuple(r if r.number is None else dataclasses.replace(r, number=_raised(r.number, r.unit == "%", rng))
                 for r in project.rows)

    def bump(m: re.Match) -> str:
        percent = project.goal[m.end():m.end() + 1] == "%"
        return _fmt(_raised(float(m.group()), percent, rng))

    return dataclasses.replace(project, goal=_NUMBER.sub(bump, project.goal), rows=rows)


def _total_score(triple: Triple, full: bool, rng: random.Random, high: bool = True) -> None:
    ev = triple.submission.evaluations[0]
    ev.total_score = 100.0 if full else round(rng.uniform(90, 99.5) if high else rng.uniform(60, 85), 1)


def _block_weights(triple: Triple) -> None:
    """Each level-1 block's header 分值: the sum of its rows (what a clean form prints)."""
    ev = triple.submission.evaluations[0]
    sums: dict[str, float] = {}
    for ind in ev.indicators:
        if ind.level1 and ind.weight is not None:
            sums[ind.level1] = sums.get(ind.level1, 0.0) + ind.weight
    ev.block_weights = sums


def _group_quantity_rows(triple: Triple, off: float) -> None:
    """The 数量指标 rows under a parent row ("一、数量指标 | 分值"), its 分值 their sum plus ``off``."""
    ev = triple.submission.evaluations[0]
    rows = [i for i in ev.indicators if i.level2 == "数量指标" and i.weight is not None]
    name = "一、数量指标"
    for ind in rows:
        ind.group = name
    ev.groups = [IndicatorGroup(name=name, level1="产出指标", level2="数量指标",
                                weight=sum(i.weight for i in rows) + off)]


def _spend(triple: Triple, rate: float) -> None:
    """Year-end execution at ``rate`` percent, with its reason (the rate, not the reason, is in question)."""
    ev = triple.submission.evaluations[0]
    funds = ev.funds
    for row in funds.rows:
        row.exec_amount = _money((row.budget_full_year or 0) * rate / 100)
    funds.rate = parse_value(f"{_fmt(rate)}%")
    funds.score = _money(rate / 10)
    funds.reason = "项目建设进度滞后，部分资金结转下年支付"
    mon = triple.cycle.monitoring
    if mon is not None:
        mon.executed = min(mon.executed or 0, funds.rows[0].exec_amount or 0)
        mon.expected_rate = parse_value(f"{_fmt(rate)}%")


def _dock_outputs(triple: Triple) -> None:
    """Every output met, yet a point or two off each output row's score."""
    for ind in triple.submission.evaluations[0].indicators:
        if ind.level1 == "产出指标" and ind.weight:
            ind.score = _money(ind.weight * 0.8)


def make_pair(rng: random.Random, n: int, defects: list[str], decoys: list[str] = (), year: int = 2025) -> TwoYears:
    project = rng.choice(PROJECTS)
    base_total = _money(rng.uniform(50, 800))
    prev = make_triple(rng, n, [], year=year - 1, project=project, total=base_total, name=f"years-{n:04d}-a")
    y = prev.submission.year + 1  # make_triple moves the year back by the place's round
    gap = "gap_year" in decoys and not defects  # copied, but from two years back: last year's form is missing
    copy_targets = "targets_copied" in defects or "budget_moved" in defects or gap
    this = next_year(project, rng)
    if copy_targets:  # last year's targets, this year's goal (unless copied too)
        this = dataclasses.replace(project, goal=this.goal)
    if "goal_copied" in defects or gap:
        this = dataclasses.replace(this, goal=project.goal)
    total = _money(base_total * rng.uniform(0.92, 1.08))
    if "budget_moved" in defects or "raised_with_budget" in decoys:
        total = _money(base_total * rng.choice((1.5, 1.6, 0.6)))
    cur = make_triple(rng, n, [], year=y + (n // 30), project=this, total=total, name=f"years-{n:04d}-b")
    assert cur.submission.year == y
    for t in (prev, cur):
        _block_weights(t)
        _total_score(t, full=False, rng=rng)
    planted: list[tuple[str, str]] = []
    ev = cur.submission.evaluations[0]
    for kind in defects:
        if kind == "always_full":
            _total_score(prev, True, rng)
            _total_score(cur, True, rng)
        elif kind == "boilerplate":
            ev.goal_achieved = rng.choice(BOILERPLATE)
        elif kind == "low_spending":
            _spend(cur, round(rng.uniform(10, 27), 1))
            _dock_outputs(cur)
            _total_score(cur, False, rng, high=False)
        elif kind == "group_weights_off":
            _group_quantity_rows(cur, rng.choice((5.0, -5.0, 10.0)))
        elif kind == "weights_off":
            ev.block_weights["产出指标"] = ev.block_weights["产出指标"] + rng.choice((10.0, -10.0, 15.0))
        planted.append((kind, f"evaluations[0].{FIELDS[kind]}"))
    history_year = y - 2 if gap else y - 1
    for kind in decoys:
        if kind == "full_this_year" and "always_full" not in defects:
            _total_score(cur, True, rng)
        elif kind == "boilerplate_with_figures" and "boilerplate" not in defects:
            ev.goal_achieved = f"完成年度目标，{ev.goal_achieved}"
        elif kind == "group_weights_right" and "group_weights_off" not in defects:
            _group_quantity_rows(cur, 0.0)
        elif kind == "half_spent" and "low_spending" not in defects:
            _spend(cur, round(rng.uniform(45, 60), 1))
            _dock_outputs(cur)
            _total_score(cur, False, rng, high=False)
    before = prev.submission.evaluations[0]
    before.year = history_year
    cur.cycle.history = [PastEvaluation(history_year, before, prev.submission.id, prev.submission.file.name)]
    out = TwoYears(f"years-{n:04d}", cur, prev, decoys=list(decoys))
    out.planted = [Planted(DEFECTS[kind], where, kind) for kind, where in planted]
    return out


def make_pairs(n: int, seed: int) -> list[TwoYears]:
    """``n`` two-year pairs: a third clean with decoys, the rest with one to three defects, every
    kind planted about equally often."""
    rng = random.Random(seed)
    kinds = list(DEFECTS)
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(make_pair(rng, i, [], rng.sample(DECOYS, rng.randint(1, 2))))
            continue
        chosen = rng.sample(kinds, rng.randint(1, 3))
        for pair in EXCLUSIVE:
            if pair <= set(chosen):
                chosen.remove(sorted(pair)[0])
        out.append(make_pair(rng, i, chosen))
    return out


__all__ = ["DECOYS", "DEFECTS", "Row", "TwoYears", "make_pair", "make_pairs"]
