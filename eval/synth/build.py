"""Coherent, clean ground-truth evaluations.

:func:`make_draft` builds one project evaluation that no rule of the label universe
(:mod:`eval.synth.oracle`) fires on: default level-1 weights per layout (mof 50/30/10 + 执行 10,
sichuan 50/30/10 in a 90-point block + 10, municipal 40/30/10 in an 80-point block + 20),
scores exact per CALC-IND-001/002/004 and CALC-FUND-002, total = Σ scores, grade from the
N8 bands, at least one indicator below full marks (so SCORE-ALL-001 stays quiet), every unmet
row with a cause and a forward measure, every type present (数量/质量/时效/成本, 效益, 满意度),
quantitative targets with operator and unit, overshoot below 1.5×, an execution rate of at
least 90 % (below 100 % always explained), and 年初 = 全年 budget unless an adjustment reason
row is shown.

``needs`` lets a defect ask for a base it can mutate: ``unmet_pos``, ``unmet_rev``,
``unmet_qual`` (an unmet row of that kind), ``qual``, ``date`` (such a row exists),
``adjusted``, ``rate_high`` (91–97 %), ``rate_low`` (78–88 %, explained, total < 90 with an
unmet output so SCORE-EXE-001 stays quiet), ``no_unmet_output``, ``sat_met`` / ``cost_met``
(the 满意度 / 成本 rows stay met), ``conclusion``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from eval.synth import content as C
from eval.synth.draft import Draft, FundLine, FundsDraft, Ind
from eval.synth.narrative import finalize

BLOCKS = {
    "mof": ({"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}, 10.0, None),
    "sichuan": ({"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}, 10.0, 90.0),
    "municipal": ({"产出指标": 40.0, "效益指标": 30.0, "满意度指标": 10.0}, 20.0, 80.0),
    # the evaluation framework (53号): 决策 20 / 过程 20 / 产出 40 / 效益 20 (满意度 inside 效益), no execution score
    "framework": ({"项目决策": 20.0, "项目过程": 20.0, "产出指标": 40.0, "效益指标": 20.0}, 0.0, None),
    # targets and results only: the weights are the author's, never shown
    "noscore": ({"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}, 10.0, None),
}
FAMILY_LAYOUTS = ("framework", "noscore")  # whole-table defects of their own (WEAK-FORM-001, MISSING-FORM-001)
FUND_ROWS = {
    "mof": (("年度资金总额", "total"), ("其中：当年财政拨款", "current_fiscal"),
            ("上年结转资金", "carryover"), ("其他资金", "other")),
    "sichuan": (("总额", "total"), ("财政资金", "current_fiscal"), ("财政专户管理资金", "special"),
                ("单位资金", "unit_funds"), ("其他资金", "other")),
    "municipal": (("年度财政资金总额", "total"), ("其中：本年财政拨款", "current_fiscal"),
                  ("上年结余结转", "carryover"), ("其他资金", "other")),
}
FUND_ROWS["framework"] = FUND_ROWS["noscore"] = FUND_ROWS["mof"]


@dataclass(frozen=True)
class Who:
    """The submitting unit of one project."""

    sector: C.Sector
    project: C.ProjectT
    place: str  # county or city
    town: str
    year: int

    @property
    def department(self) -> str:
        return self.sector.department.format(c=self.place, t=self.town)

    @property
    def impl_unit(self) -> str:
        return self.project.impl.format(c=self.place, t=self.town)


def person(rng: random.Random) -> str:
    return rng.choice(C.SURNAMES) + rng.choice(C.GIVEN_NAMES)


def _decimals(t: C.IndT) -> int:
    return 1 if t.step < 1 else 0


def _pick_templates(rng: random.Random, who: Who, n_max: int, n_min: int, needs: set[str]) -> list[C.IndT]:
    pool = list(who.project.indicators)
    by2: dict[str, list[C.IndT]] = {}
    for t in pool:
        by2.setdefault(t.level2, []).append(t)
    chosen: list[C.IndT] = []
    for level2, items in by2.items():
        if level2 == "数量指标":
            chosen += items[: rng.randint(1, len(items))] if len(items) > 1 else items
        elif level2 == C.SAT:
            chosen += items[:1]
        else:
            chosen += items
    generic = [g for g in C.GENERIC if g.name not in {t.name for t in chosen}]
    rng.shuffle(generic)
    have = {t.level2 for t in chosen}
    for need2 in ("数量指标", "质量指标", "时效指标", "成本指标", C.SAT):
        if need2 not in have:
            chosen.append(next(g for g in generic if g.level2 == need2))
    if ("qual" in needs or "unmet_qual" in needs) and not any(t.kind == "qual" for t in chosen):
        chosen.append(next(g for g in generic if g.kind == "qual"))
    if "date" in needs and not any(t.kind == "date" for t in chosen):
        chosen.append(next(g for g in generic if g.kind == "date"))
    while len(chosen) < n_min and generic:
        g = generic.pop()
        if g.name not in {t.name for t in chosen} and (g.level2 != C.SAT or len(chosen) > 12):
            chosen.append(g)
    # drop optional effect rows beyond the cap (keep one of each needed family)
    while len(chosen) > n_max:
        removable = [t for t in chosen if t.level1 == "效益指标" and t.kind != "qual"
                     and sum(1 for u in chosen if u.level1 == "效益指标") > 2]
        removable = removable or [t for t in chosen if t.level2 == "数量指标"
                                  and sum(1 for u in chosen if u.level2 == "数量指标") > 1]
        if not removable:
            break
        chosen.remove(removable[-1])
    order = {name: k for k, name in enumerate(C.LEVEL2_ORDER)}
    return sorted(chosen, key=lambda t: order[t.level2])


def distribute(rng: random.Random, total: float, k: int) -> list[float]:
    """``k`` integer weights summing to ``total``, each at least 2, slightly uneven."""
    base, rest = divmod(int(total), k)
    weights = [base + (1 if i < rest else 0) for i in range(k)]
    for _ in range(k // 2):
        a, b = rng.randrange(k), rng.randrange(k)
        step = rng.choice((1, 2))
        if a != b and weights[a] - step >= 2:
            weights[a] -= step
            weights[b] += step
    return [float(w) for w in weights]


def _target(rng: random.Random, t: C.IndT) -> float:
    n = int(round((t.hi - t.lo) / t.step))
    return round(t.lo + t.step * rng.randint(0, n), _decimals(t))


def _fill_numbers(rng: random.Random, ind: Ind, t: C.IndT, met: bool, year: int) -> None:
    """Target and actual of one row; unmet ratios stay in 0.72–0.95 (pos) / 0.8–0.95 (rev)."""
    if t.kind == "qual":
        ind.subject, ind.statement = t.subject, f"{t.subject}{t.achieved}"
        ind.band = "达成" if met else "部分达成"
        ind.result = f"达成：{t.subject}{t.achieved}" if met else f"部分达成：部分{t.subject}{t.achieved}"
        return
    if t.kind == "date":
        month = rng.choice((9, 10, 11, 12))
        ind.statement = f"{year}年{month}月底前"
        ind.result = f"{year}年{rng.randint(month - 2, month)}月完成"
        return
    dec = 1 if t.pct else ind.decimals
    a = _target(rng, t)
    q = 10 ** dec
    if t.kind == "eq":
        b = a
    elif t.kind == "pos" and met:  # overshoot stays below 1.3× (SCORE-OVR-001 starts at 1.5×)
        cap = min(100.0, a + 5.0, a * 1.3) if t.pct else a * 1.3
        b = a if a >= cap else max(a, math.floor(rng.uniform(a, cap) * q) / q)
    elif t.kind == "pos" and t.pct:  # a rate misses by a few points, not by a third
        b = round(a - rng.uniform(1.5, 6.0), 1)
    elif t.kind == "pos":
        b = int(a * rng.uniform(0.72, 0.95) * q) / q
    elif met:  # rev, met: A/B stays below 1.45
        b = -int(-a * rng.uniform(0.75, 1.0) * q) / q
        b = min(max(b, round(a / 1.4, dec) + 1 / q), a)
    else:  # rev, unmet
        b = -int(-a / rng.uniform(0.8, 0.95) * q) / q
        if b <= a:
            b = a + 1 / q
    ind.target, ind.actual, ind.decimals = a, round(b, dec), dec


def causes_for(t: C.IndT | Ind) -> tuple[str, ...]:
    if t.level2 == C.SAT:
        return C.CAUSES_SAT
    return C.CAUSES_QUAL if t.kind == "qual" else C.CAUSES_REV if t.kind == "rev" else C.CAUSES_POS


def _choose_unmet(rng: random.Random, rows: list[tuple[C.IndT, Ind]], needs: set[str]) -> set[int]:
    def ok(k: int, kinds: tuple[str, ...]) -> bool:
        t = rows[k][0]
        return t.kind in kinds and not ("no_unmet_output" in needs and t.level1 == "产出指标") \
            and not ("sat_met" in needs and t.level2 == C.SAT) \
            and not ("cost_met" in needs and t.level2 == "成本指标") \
            and not (t.kind == "pos" and t.pct and t.lo >= 100) \
            and not t.level1.startswith("项目")  # the framework's decision/process rows stay met

    pos = [k for k in range(len(rows)) if ok(k, ("pos",))]
    rev = [k for k in range(len(rows)) if ok(k, ("rev",))]
    qual = [k for k in range(len(rows)) if ok(k, ("qual",))]
    unmet: set[int] = set()
    for need, pool in (("unmet_pos", pos), ("unmet_rev", rev), ("unmet_qual", qual)):
        if need in needs and pool:
            unmet.add(rng.choice(pool))
    wanted = rng.choices((1, 2), (6, 4))[0]
    candidates = pos + pos + rev + qual  # shortfalls on counts are the common case
    while len(unmet) < wanted and candidates:
        unmet.add(rng.choice(candidates))
    return unmet


def _funds(rng: random.Random, who: Who, layout: str, needs: set[str]) -> FundsDraft:
    lo, hi = who.project.budget
    scale = 10000 if rng.random() < 0.15 else 1
    unit = "元" if scale > 1 else "万元"
    total = int(rng.uniform(lo, hi) * 100) * scale  # cents
    names = FUND_ROWS[layout]
    shares = [1.0] + [0.0] * (len(names) - 2)
    if rng.random() < 0.5:
        shares[min(1, len(shares) - 1)] = round(rng.uniform(0.05, 0.2), 2)  # 结转 / 专户
    if rng.random() < 0.3:
        shares[-1] = round(rng.uniform(0.02, 0.1), 2)
    shares[0] = 1.0 - sum(shares[1:])
    parts = [int(total * s) for s in shares]
    parts[0] += total - sum(parts)
    lines = [FundLine(names[0][0], names[0][1], total, total, 0)]
    zero = rng.choice(("0.00", "", "—"))
    for (name, cat), amount in zip(names[1:], parts, strict=True):
        lines.append(FundLine(name, cat, amount, amount, amount, shown_zero=zero))
    funds = FundsDraft(unit=unit, lines=lines, weight=BLOCKS[layout][1], scored=layout not in FAMILY_LAYOUTS)
    if "rate_low" in needs:
        rate = rng.uniform(78, 88)
    elif "rate_high" in needs:
        rate = rng.uniform(91, 97)
    else:
        rate = 100.0 if rng.random() < 0.55 else rng.uniform(92, 99.6)
    shortfall = total - int(total * rate / 100)
    for line in lines[1:]:
        take = min(shortfall, line.full or 0)
        line.exec = (line.full or 0) - take
        shortfall -= take
    lines[0].exec = sum(line.exec or 0 for line in lines[1:])
    if lines[0].exec < total:
        funds.cause, funds.measure = rng.choice(C.FUND_CAUSES), rng.choice(C.FUND_MEASURES)
    if "adjusted" in needs or rng.random() < 0.2:
        delta = int(total * rng.uniform(0.05, 0.2))
        sign = rng.choice((1, -1))
        lines[0].initial = total - sign * delta
        lines[1].initial = (lines[1].full or 0) - sign * delta
        template = rng.choice(C.ADJUST_REASONS[:1] if sign > 0 else C.ADJUST_REASONS[1:])
        funds.adjust_reason = template.format(delta=f"{delta / 100:.2f}", unit=unit)
    return funds


def make_draft(rng: random.Random, who: Who, layout: str, needs: set[str] = frozenset(), *,
               n_max: int = 13, n_min: int = 0) -> Draft:
    """One clean evaluation (see the module docstring); ``n_min``/``n_max`` bound its rows."""
    needs = set(needs)
    blocks, _, ind_block = BLOCKS[layout]
    framework = _framework_rows(rng) if layout == "framework" else []
    templates = _pick_templates(rng, who, n_max - len(framework), n_min, needs)
    if layout == "framework":
        templates = framework + templates
    inds = [Ind(t.level1, t.level2, t.name, t.kind, unit=t.unit, decimals=_decimals(t),
                fixed=t.level1 in blocks and t.level1.startswith("项目")) for t in templates]
    if layout == "framework":
        for ind in inds:
            if ind.level1 == "满意度指标":
                ind.level1 = "效益指标"  # the framework counts satisfaction as an effect (项目效益 → 满意度)
    for level1, total in blocks.items():
        rows = [i for i in inds if i.level1 == level1]
        for ind, w in zip(rows, distribute(rng, total, len(rows)), strict=True):
            ind.weight = w
    pairs = list(zip(templates, inds, strict=True))
    unmet = _choose_unmet(rng, pairs, needs)
    for k, (t, ind) in enumerate(pairs):
        _fill_numbers(rng, ind, t, k not in unmet, who.year)
        if not ind.met:
            ind.cause, ind.measure = rng.choice(causes_for(t)), rng.choice(C.MEASURES)
    sat = next(i for i in inds if i.level2 == C.SAT)
    if layout != "sichuan" and rng.random() < 0.5:
        sat.actual_note = "（问卷调查）"
    funds = _funds(rng, who, layout, needs)
    code = None
    name = who.project.name
    if layout == "sichuan":
        code = f"51{rng.randint(0, 9999):04d}{who.year % 100:02d}R{rng.randint(0, 10**12 - 1):012d}"
    elif rng.random() < 0.5:
        name = f"{who.year}年{name}"
    sent = rng.randint(200, 500)
    d = Draft(
        layout=layout, year=who.year, sector=who.sector.key, project=name, code=code,
        department=who.department, impl_unit=who.impl_unit, purpose=who.project.purpose,
        background=who.project.background, evidence=who.project.evidence, funds=funds, inds=inds,
        block_defaults=dict(blocks), ind_block_weight=ind_block,
        l1_titles=rng.random() < 0.4, show_grade=layout != "noscore" and rng.random() < 0.35,
        has_conclusion=layout == "sichuan" or ("conclusion" in needs) or (layout == "municipal" and rng.random() < 0.4),
        survey=(sent, sent - rng.randint(5, 30)),
    )
    d.title_weights = dict(blocks)
    if layout == "sichuan":
        d.signatures = {"项目负责人": person(rng), "财务负责人": person(rng)}
    finalize(d)
    if "rate_low" in needs:
        _push_total_below_90(rng, d, pairs)
    return d


def _framework_rows(rng: random.Random) -> list[C.IndT]:
    """Two or three decision rows and two or three process rows of the evaluation framework."""
    decision = rng.sample(C.FRAMEWORK_DECISION, rng.randint(2, 3))
    process = rng.sample(C.FRAMEWORK_PROCESS, rng.randint(2, 3))
    order = {name: k for k, name in enumerate(C.LEVEL2_ORDER)}
    return sorted(decision + process, key=lambda t: order[t.level2])


def _push_total_below_90(rng: random.Random, d: Draft, pairs: list[tuple[C.IndT, Ind]]) -> None:
    """Low execution must come with a lower score (else SCORE-EXE-001 fires): miss outputs."""
    def rank(p: tuple[C.IndT, Ind]) -> tuple[int, float]:
        t, ind = p
        return (0 if t.level1 == "产出指标" and not t.pct else 1 if t.kind == "qual" else 2, -ind.weight)

    candidates = sorted((p for p in pairs if p[1].met and p[1].kind in ("pos", "qual")
                         and not (p[0].pct and p[0].lo >= 100)), key=rank)
    while (d.total or 0) >= 89.5 or all(i.met for i in d.inds if i.level1 == "产出指标"):
        if not candidates:
            raise ValueError("cannot lower the total below 90")
        t, ind = candidates.pop(0)
        if t.kind == "qual":
            _fill_numbers(rng, ind, t, False, d.year)
        else:
            q = 10 ** ind.decimals
            share = rng.uniform(0.8, 0.88) if t.pct else rng.uniform(0.55, 0.7)
            ind.actual = int((ind.target or 0) * share * q) / q
        ind.cause, ind.measure = rng.choice(causes_for(t)), rng.choice(C.MEASURES)
        finalize(d)
