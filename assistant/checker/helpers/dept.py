"""部门整体 ratio rows (DEPT-CALC-*, DEPT-OUT-001): the rate a row states, the figures it gives,
and the score the profile's scheme expects."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.checker.helpers.scores import differs, is_full
from assistant.checker.helpers.text import clip, compact, has_any, norm, num, unquoted
from assistant.model import Evaluation, Indicator
from assistant.numbers import fixed

if TYPE_CHECKING:
    from assistant.checker.context import CheckContext

_NUMBER = r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)"
_GAP = r"[^0-9\-，。；;,增减降升多少高低提率]{0,12}?"
_PER_PP = re.compile(r"每(?:超|超过|超出|高于|增加|上升|多)?(?:1|一)?个?百分点扣" + _NUMBER + "分")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def figure(text: str | None, labels: Sequence[str]) -> float | None:
    """The number written after one of ``labels`` (在职人员98人 → 98)."""
    t = unquoted(text)
    for label in labels:
        m = re.search(re.escape(label) + _GAP + _NUMBER, t)
        if m:
            return _number(m.group(1))
    return None


def percent_after(text: str | None, names: Sequence[str]) -> float | None:
    """The percentage stated for one of ``names`` (在职人员控制率为98% → 98)."""
    t = unquoted(text)
    for name in names:
        m = re.search(re.escape(name) + r"[^0-9\-%，。；;]{0,6}?" + _NUMBER + "%", t)
        if m:
            return _number(m.group(1))
    return None


@dataclass(frozen=True)
class RatioSpec:
    """How one 部门整体 ratio indicator is recognised and recomputed."""

    names: tuple[str, ...]
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    change: bool = False  # (numerator − denominator) / denominator, e.g. 本年 vs 上年


def matching_rows(ev: Evaluation, spec: RatioSpec) -> Iterator[tuple[int, Indicator]]:
    for j, ind in enumerate(ev.indicators):
        if has_any(unquoted(ind.name), spec.names):
            yield j, ind


def dept_rate(ind: Indicator, spec: RatioSpec) -> tuple[float, str] | None:
    """The rate a 部门整体 row states, with the field it is in (actual or deviation_reason)."""
    if ind.actual.number is not None and ind.actual.unit == "%":
        return ind.actual.number, "actual"
    for field_name, text in (("actual", ind.actual.raw), ("deviation_reason", ind.deviation_reason)):
        value = percent_after(text, spec.names + ("率",))
        if value is not None:
            return value, field_name
    return None


def dept_figures(ind: Indicator, spec: RatioSpec) -> tuple[float, float, float] | None:
    """(numerator, denominator, recomputed rate %) when the row text gives both figures."""
    if not spec.numerator:
        return None
    text = f"{ind.actual.raw}；{ind.deviation_reason or ''}"
    top, bottom = figure(text, spec.numerator), figure(text, spec.denominator)
    if top is None or not bottom:
        return None
    rate = (top - bottom) / bottom * 100.0 if spec.change else top / bottom * 100.0
    return top, bottom, rate


def dept_expected(scheme: dict[str, Any], rate: float, weight: float, criteria: str | None) -> tuple[float, str] | None:
    """Expected score of a ratio row under a scoring scheme, with how it was computed."""
    kind = scheme.get("type", "none")
    if kind == "proportional":
        return weight * min(rate, 100.0) / 100.0, f"{num(weight)} × {num(min(rate, 100.0))}%"
    if kind == "over_limit":
        limit = float(scheme["limit"])
        if rate <= limit + 1e-9:
            return weight, f"不超过{num(limit)}%，得满分"
        m = _PER_PP.search(compact(criteria))
        per_pp = _number(m.group(1)) if m else scheme.get("per_pp")
        if per_pp is None:
            return None
        over = rate - limit
        return max(0.0, weight - per_pp * over), f"超过{num(limit)}%共{num(over)}个百分点，每个百分点扣{num(per_pp)}分"
    if kind in ("bands_high", "bands_low"):
        for bound, share in scheme["bands"]:
            if (rate >= bound - 1e-9) if kind == "bands_high" else (rate <= bound + 1e-9):
                return weight * share, f"{num(rate)}%对应{num(share * 100)}%的分值"
    return None


def dept_findings(rule: Any, ctx: CheckContext, spec: RatioSpec) -> Iterator[Any]:
    """Recompute a 部门整体 ratio from the figures in its row and its score from the profile's scheme."""
    ev, tol = ctx.ev, ctx.profile.score_tolerance
    scheme = ctx.profile.dept_scoring.get(rule.code, {"type": "none"})
    for j, ind in matching_rows(ev, spec):
        stated = dept_rate(ind, spec)
        figures = dept_figures(ind, spec)
        label = norm(ind.name)
        if figures is not None and stated is not None and differs(stated[0], figures[2], ctx.profile.rate_tolerance):
            top, bottom, rate = figures
            formula = f"（{num(top)} − {num(bottom)}）/ {num(bottom)}" if spec.change else f"{num(top)}/{num(bottom)}"
            yield rule.finding(
                ctx, ctx.path("indicators", j, stated[1]),
                f"“{label}”应为 {fixed(rate)}%（{formula}），表内填报 {num(stated[0])}%",
                evidence=clip(ind.deviation_reason or ind.actual.raw, 80),
                suggestion=f"按 {formula} 重新计算{label}，并据此重新评分。")
        rate = figures[2] if figures is not None else stated[0] if stated is not None else None
        if rate is None or ind.weight is None or ind.score is None:
            continue
        expected = dept_expected(scheme, rate, ind.weight, ind.criteria)
        if expected is None:
            if scheme.get("type") == "over_limit" and rate > float(scheme["limit"]) and is_full(ind.score, ind.weight):
                yield rule.finding(
                    ctx, ctx.path("indicators", j, "score"),
                    f"“{label}”为 {num(rate)}%，超过{num(float(scheme['limit']))}%，不应得满分，表内填报 {num(ind.score)}",
                    evidence=clip(ind.criteria, 80), suggestion="按评分标准扣分，并在扣分原因中说明。")
            continue
        value, how = expected
        if ind.score > ind.weight + tol or differs(ind.score, value, tol):
            yield rule.finding(
                ctx, ctx.path("indicators", j, "score"),
                f"“{label}”得分应为 {fixed(value)}（{label} {num(rate)}%，{how}），表内填报 {num(ind.score)}",
                evidence=clip(ind.criteria or ind.deviation_reason, 80),
                suggestion="按评分标准重新计算得分；扣分的须在扣分原因中说明。")
