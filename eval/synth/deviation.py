"""Synthetic self-evaluations with ground truth for MISSING-DEV-003 (issue 19): an actual value
deviating from its target by the pack's threshold (30% under ``exec_caps``) or more, in either
direction, with the 偏差原因 left empty.

Each set starts from a clean cycle (:func:`eval.synth.cycle.make_triple`) whose quantitative rows are
first brought within 8% of their targets, so that only what is planted here deviates. Planted rows:
a ≥ target missed by 32–60% or overshot by 32–80%, a ≤ target (a cost cap) overshot by 32–60%, the
偏差原因 empty or only “无”. Decoys make precision mean something: a 30%+ deviation with its reason
written, a deviation of about 25% (under the threshold) with no reason, a qualitative target
(较好 / 达到预期) with no reason.

The deviation is worked out here from the numbers the generator writes, with the rule's own definition
(|actual − target| / target); the labels are what was planted, never what the rule reports.
:mod:`eval.cycle_eval` grades the checker under ``exec_caps`` against them, and checks that the rule
never fires under ``national``.
"""

from __future__ import annotations

import random

from assistant.values import parse_value
from eval.synth.cycle import Planted, Triple, _fmt, make_triple

RULE = "MISSING-DEV-003"
DEFECTS = ("short", "overshoot", "cap_exceeded")
DECOYS = ("explained", "under_threshold", "qualitative")
THRESHOLD = 30.0  # exec_caps.yaml deviation.threshold: the planted rows must reach it, the decoys stay under
REASONS = ("受上级政策调整影响，年中调减任务量，下一年度将据实设定目标值。",
           "上级追加专项任务，实际完成量大幅增加；下一年度将按实际需求调高目标值。",
           "项目实施期间原材料价格上涨，单位成本上升；已优化采购方式控制成本。")
VAGUE = ("较好", "有效", "明显提升")


def _round(x: float, like: float) -> float:
    return round(x) if like >= 10 else round(x, 1)


def _off(target: float, actual: float) -> float:
    return abs(actual - target) / target * 100


def _set_actual(ind, number: float, unit: str) -> None:
    ind.actual = parse_value(f"{_fmt(number)}{unit}")


def _deviate(rng: random.Random, target: float, lo: float, hi: float, up: bool, ceiling: float | None) -> float | None:
    """An actual whose deviation from ``target``, after rounding, lies in [lo, hi] %, or None."""
    for _ in range(20):
        share = rng.uniform(lo, hi) / 100
        x = _round(target * (1 + share if up else 1 - share), target)
        if ceiling is not None and x > ceiling:
            continue
        if lo <= _off(target, x) <= hi and x > 0:
            return x
    return None


def make_set(rng: random.Random, n: int, defects: list[str], decoys: list[str]) -> Triple:
    """One clean self-evaluation, its numeric rows within 8% of target, then ``defects`` and
    ``decoys`` planted, each on a row of its own; labels for the defects that found a row."""
    triple = make_triple(rng, n, [], name=f"dev-{n:04d}")
    ev = triple.submission.evaluations[0]
    numeric = []
    for j, ind in enumerate(ev.indicators):
        t = ind.target
        if t.number is None or t.number <= 0:
            continue
        numeric.append(j)
        # within 8% on the side the target allows: ≥ rows at or a little above, ≤ rows at or a little under
        up = t.op not in ("<=", "<")
        x = _round(t.number * (1 + rng.uniform(0, 0.08) * (1 if up else -1)), t.number)
        if t.unit == "%":
            x = min(x, 100.0)
        if (x < t.number) if up else (x > t.number):
            x = t.number
        _set_actual(ind, x, t.unit)
        ind.score, ind.deviation_reason = ind.weight, None
    free = list(numeric)
    rng.shuffle(free)

    def take(pred) -> int | None:
        for j in free:
            if pred(ev.indicators[j].target):
                free.remove(j)
                return j
        return None

    for kind in defects:
        if kind == "short":
            j = take(lambda t: t.op in (">=", ">"))
            x = j is not None and _deviate(rng, ev.indicators[j].target.number, 32, 60, False, None)
        elif kind == "overshoot":  # a share cannot pass 100%: only counts overshoot
            j = take(lambda t: t.op in (">=", ">") and t.unit != "%")
            x = j is not None and _deviate(rng, ev.indicators[j].target.number, 32, 80, True, None)
        else:  # cap_exceeded: a ≤ target (a cost, a rate) overshot
            j = take(lambda t: t.op in ("<=", "<") and t.number >= 10)
            x = j is not None and _deviate(rng, ev.indicators[j].target.number, 32, 60, True, None)
        if not x:
            continue
        ind = ev.indicators[j]
        _set_actual(ind, x, ind.target.unit)
        ind.deviation_reason = rng.choice((None, "", "无"))
        if kind == "short":
            ind.score = round(ind.weight * x / ind.target.number, 2)
        triple.planted.append(Planted(RULE, f"evaluations[0].indicators[{j}].deviation_reason", kind))
    for kind in decoys:
        if kind == "qualitative" and (j := take(lambda t: True)) is not None:
            ind = ev.indicators[j]
            ind.target, ind.actual = parse_value(rng.choice(VAGUE)), parse_value("达到预期")
        elif kind in ("explained", "under_threshold") and (j := take(lambda t: t.op in (">=", ">"))) is not None:
            ind = ev.indicators[j]
            t = ind.target
            lo, hi = (32, 60) if kind == "explained" else (20, 27)
            up = t.unit != "%" and rng.random() < 0.5
            x = _deviate(rng, t.number, lo, hi, up, None)
            if x is None:
                continue
            _set_actual(ind, x, t.unit)
            ind.deviation_reason = rng.choice(REASONS) if kind == "explained" else None
        else:
            continue
        triple.decoys.append(kind)
    return triple


def make_sets(n: int, seed: int) -> list[Triple]:
    """``n`` self-evaluations: a third with decoys only, the rest with one to three defects (and a
    decoy now and then on the rows left)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(make_set(rng, i, [], rng.sample(DECOYS, rng.randint(1, 3))))
        else:
            out.append(make_set(rng, i, rng.sample(DEFECTS, rng.randint(1, 3)), rng.sample(DECOYS, rng.randint(0, 1))))
    return out
