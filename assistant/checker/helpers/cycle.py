"""The self-evaluation beside its linked 绩效目标申报表 and 绩效监控表 (the CYCLE-* rules):
which declared indicator became which self-evaluated one, and the profile's cycle thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.checker.helpers.text import plain, similarity
from assistant.model import Indicator, MonitoredIndicator, PlannedIndicator

if TYPE_CHECKING:
    from assistant.checker.context import CheckContext
    from assistant.checker.profiles import Profile

# used when a profile that does not extend national leaves a threshold out
CYCLE_DEFAULTS: dict[str, float] = {"rename_similarity": 0.5, "goal_similarity": 0.6, "trajectory_gap": 30.0,
                                     "year_goal_similarity": 0.95, "year_target_share": 0.8, "year_min_indicators": 3,
                                     "year_budget_change": 20.0}


def threshold(profile: Profile, key: str) -> float:
    return float(profile.cycle.get(key, CYCLE_DEFAULTS[key]))


@dataclass
class Pairing:
    """Declared indicator k ↔ self-evaluated indicator j."""

    same: list[tuple[int, int]] = field(default_factory=list)  # the same name
    renamed: list[tuple[int, int]] = field(default_factory=list)  # another name for the same indicator
    dropped: list[int] = field(default_factory=list)  # declared, not self-evaluated
    added: list[int] = field(default_factory=list)  # self-evaluated, never declared

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return sorted(self.same + self.renamed, key=lambda p: p[1])


def _level1(text: str | None) -> str:
    core = plain(text)
    return core.split("指标")[0] if "指标" in core else core


def pair_indicators(declared: list[PlannedIndicator], evaluated: list[Indicator], rename_similarity: float) -> Pairing:
    """Same name first; then, among what is left, the most similar names of the same 一级指标
    (similar enough, or under the same 二级指标 with the same 指标值) as renamed; the rest are
    dropped or added."""
    out = Pairing()
    left_d = list(range(len(declared)))
    left_e = [j for j, ind in enumerate(evaluated) if plain(ind.name)]
    by_name = {}
    for j in left_e:
        by_name.setdefault(plain(evaluated[j].name), j)
    for k in list(left_d):
        j = by_name.pop(plain(declared[k].name), None)
        if j is not None:
            out.same.append((k, j))
            left_d.remove(k)
            left_e.remove(j)
    candidates = []
    for k in left_d:
        d = declared[k]
        for j in left_e:
            e = evaluated[j]
            if d.level1 and e.level1 and _level1(d.level1) != _level1(e.level1):
                continue
            sim = similarity(d.name, e.name)
            same_slot = bool(d.level2) and plain(d.level2) == plain(e.level2) and \
                plain(d.target.raw) == plain(e.target.raw) and not d.target.blank
            if sim >= rename_similarity or same_slot:
                candidates.append((sim + same_slot, k, j))
    for _, k, j in sorted(candidates, reverse=True):
        if k in left_d and j in left_e:
            out.renamed.append((k, j))
            left_d.remove(k)
            left_e.remove(j)
    out.dropped, out.added = left_d, left_e
    return out


def pairing(ctx: CheckContext) -> Pairing:
    """The pairing of the linked declaration with this evaluation, computed once per context."""
    dec = ctx.cycle.declaration
    assert dec is not None
    return ctx.memo("cycle_pairing", lambda: pair_indicators(
        dec.indicators, ctx.ev.indicators, threshold(ctx.profile, "rename_similarity")))


def monitored_row(evaluated: Indicator, rows: list[MonitoredIndicator], rename_similarity: float) -> int | None:
    """The self-evaluated indicator's row in a monitoring form: the same name, else the most similar."""
    name = plain(evaluated.name)
    for i, row in enumerate(rows):
        if plain(row.name) == name:
            return i
    best = max(((similarity(evaluated.name, r.name), i) for i, r in enumerate(rows)), default=(0.0, None))
    return best[1] if best[0] >= rename_similarity else None
