"""Target A against actual B of a quantitative indicator (10号 N6, G5) and the score it earns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.checker.helpers.cache import _cached
from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.scores import differs, is_below
from assistant.checker.helpers.text import is_blank, num, shown
from assistant.model import Indicator, Value
from assistant.numbers import fixed, to_wan

if TYPE_CHECKING:
    from assistant.checker.context import CheckContext

_POSITIVE_OPS, _REVERSE_OPS = (">=", ">", None), ("<=", "<")


def direction(value: Value) -> str:
    """``positive`` (≥, >, plain A), ``reverse`` (≤, <) or ``equal`` (=)."""
    if value.op in _REVERSE_OPS:
        return "reverse"
    return "equal" if value.op == "=" else "positive"


@dataclass(frozen=True)
class Comparison:
    """Target A vs actual B of one quantitative indicator, in the same unit."""

    direction: str
    target: float
    actual: float
    met: bool
    share: float  # expected score / weight: 1.0 when met, else the 10号 proportion

    @property
    def formula(self) -> str:
        """The proportion as a reviewer checks it: "80/100" (B/A), or A/B for reverse indicators."""
        a, b = self.target, self.actual
        if self.direction == "reverse" or (self.direction == "equal" and b > a):
            return f"{num(a)}/{num(b)}"
        return f"{num(b)}/{num(a)}"

    @property
    def overshoot(self) -> float | None:
        """B/A (positive) or A/B (reverse); None when undefined."""
        a, b = (self.actual, self.target) if self.direction == "positive" else (self.target, self.actual)
        return a / b if b > 0 and a >= 0 else None


def compare(ind: Indicator) -> Comparison | None:
    """Compare target and actual by the target's operator (10号 N6, G5).

    None when either side is blank, text or a date, or their units cannot be reconciled
    (money units are converted; a % against a bare fraction such as 0.96 is not guessed).
    """
    return _compare(ind.target, ind.actual)


@_cached(8192)
def _compare(tv: Value, av: Value) -> Comparison | None:
    if not tv.quantitative or not av.quantitative:
        return None
    a, b = tv.number, av.number
    assert a is not None and b is not None
    if tv.unit != av.unit and tv.unit is not None and av.unit is not None:
        a, b = to_wan(a, tv.unit), to_wan(b, av.unit)
        if a is None or b is None:
            return None
    if (tv.unit == "%") != (av.unit == "%") and min(a, b) <= 1.0 < max(a, b):
        return None
    kind = direction(tv)
    eps = 1e-9
    if kind == "reverse":
        met = b - eps <= a
        share = 1.0 if met else (a / b if b > 0 and a >= 0 else 0.0)
    elif kind == "equal":
        met = abs(b - a) <= eps
        if met or a <= 0 or b <= 0:
            share = 1.0 if met else 0.0
        else:
            share = b / a if b < a else a / b
    else:
        met = b + eps >= a
        share = 1.0 if met else (b / a if a > 0 and b >= 0 else 0.0)
    return Comparison(kind, a, b, met, min(share, 1.0))


def needs_explanation(ind: Indicator) -> bool:
    """Score below the points, or the target missed: 10号 N2 asks for reasons and measures."""
    if is_below(ind.score, ind.weight):
        return True
    cmp = compare(ind)
    return cmp is not None and not cmp.met


def score_findings(rule: Any, ctx: CheckContext, kind: str) -> Iterator[Any]:
    """CALC-IND-001/002/003: recompute each quantitative row's score by 10号 N6 / G5."""
    tol = ctx.profile.score_tolerance
    for j, ind in enumerate(ctx.ev.indicators):
        cmp = compare(ind)
        if cmp is None or cmp.direction != kind or ind.weight is None or ind.score is None:
            continue
        expected = ind.weight * cmp.share
        if not differs(ind.score, expected, tol):
            continue
        if cmp.met and ind.score < expected and not is_blank(ind.deviation_reason, ctx.profile):
            continue  # an explained cut for an obviously low target (10号 N6)
        if cmp.met:
            how = f"实际完成值 {shown(ind.actual)} 已达到年度指标值 {shown(ind.target)}，应得满分"
        else:
            how = f"{num(ind.weight)} × {cmp.formula}"
        yield rule.finding(
            ctx, ctx.path("indicators", j, "score"),
            f"{label(ind)}得分应为 {fixed(expected)}（{how}），表内填报 {num(ind.score)}",
            evidence=row_evidence(ind),
            suggestion=(f"按 {num(ind.weight)} × {cmp.formula} 计算得分为 {fixed(expected)}；"
                        "如因目标设定偏低等原因另行扣分，须在偏差原因中说明。" if not cmp.met else
                        "达到目标应得满分；如因目标明显偏低而扣分，须在偏差原因中说明。"))
