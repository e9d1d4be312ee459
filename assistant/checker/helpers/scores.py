"""Scores against points, and the qualitative achievement bands of 10号 N7."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.checker.helpers.cache import _cached
from assistant.checker.helpers.text import compact
from assistant.model import Indicator

# Full marks is what the form says, not a computation: 2.9 of 3 is a deduction, however small.
# Only float noise is tolerated (scores are written with at most two decimals).
_WRITTEN = 0.005


def is_full(score: float | None, weight: float | None) -> bool:
    return score is not None and weight is not None and score >= weight - _WRITTEN


def scored_in_full(ind: Indicator) -> bool:
    """The row claims its full points: its score reaches its 分值, or, on a table without 分值
    (云南县级表: 得分 only), it is scored at all — nothing on the form says a point was taken off."""
    if ind.weight is not None:
        return is_full(ind.score, ind.weight)
    return ind.score is not None


def is_below(score: float | None, weight: float | None) -> bool:
    return score is not None and weight is not None and score < weight - _WRITTEN


def differs(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) > tol + 1e-9


# --- qualitative achievement bands (10号 N7) ----------------------------------------------------------

_PARTIAL = ("部分达成", "部分完成", "基本达成", "基本完成", "部分实现", "基本实现", "部分达到", "基本达到")
_UNMET = ("未达成", "未完成", "未实现", "未达到", "没有完成", "没有达到", "不达标", "不合格", "效果较差", "效果差")
_ACHIEVED = ("达成", "完成", "实现", "达到", "达标", "合格")


@_cached(8192)
def achievement(text: str | None) -> str | None:
    """``achieved`` / ``partial`` / ``unmet`` from a qualitative actual value, or None."""
    t = compact(text)
    if not t:
        return None
    if t in ("是", "否"):  # a yes/no cell: only the whole cell counts
        return "achieved" if t == "是" else "unmet"
    if any(w in t for w in _PARTIAL):
        return "partial"
    if any(w in t for w in _UNMET):
        return "unmet"
    if any(w in t for w in _ACHIEVED):
        return "achieved"
    return None


BAND_TITLES = {"achieved": "达成年度指标", "partial": "部分达成并具有一定效果", "unmet": "未达成且效果较差"}


def band_range(band: str, bands: Sequence[float]) -> tuple[float, float]:
    """The share of the points a band allows, e.g. achieved → (0.8, 1.0) under [80, 60]."""
    high, low = bands[0] / 100.0, bands[1] / 100.0
    return {"achieved": (high, 1.0), "partial": (low, high), "unmet": (0.0, low)}[band]
