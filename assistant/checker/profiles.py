"""Province / layout profiles: every threshold, tolerance and word list the rules read.

A profile is a YAML file (``profiles/national.yaml`` is the MOF default, ``sichuan.yaml`` and
``municipal.yaml`` the variants of docs/domain.md section 7). A province adds its own file — a path
works anywhere a profile name does — without touching code::

    extends: national          # inherit everything, then override
    name: hunan
    title: 湖南省
    execution_reason_below: 90
    rules:                     # per-rule severity override, or "off" to disable
      MISSING-SIGN-001: off
      SCORE-EXE-001: error

Maps (``rules``, ``text_limits``, ``dept_scoring``) merge key by key with the parent; lists
and scalars replace. Unknown keys are an error, so a typo never silently does nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.model import Submission

PROFILE_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE = "national"
_SEVERITIES = ("error", "warning", "info", "off")


@dataclass(frozen=True)
class Profile:
    name: str
    title: str = ""
    source: str = ""
    # tolerances
    score_tolerance: float = 0.1
    rate_tolerance: float = 0.1  # percentage points
    amount_tolerance: float = 0.01  # 万元
    # points
    total_points: float = 100.0
    execution_weight: float = 10.0
    indicator_points: float = 90.0
    level1_weights: list[dict[str, float]] = field(default_factory=list)
    # funds
    execution_denominator: str = "budget_full_year"
    execution_reason_below: float = 100.0
    execution_reason_cell_only: bool = False
    required_fund_rows: list[str] = field(default_factory=list)
    unit_mismatch_ratio: float = 1000.0
    # CALC-FUND-005: a cost named per person/household/year is a unit cost, not the project's total
    unit_cost_words: list[str] = field(default_factory=lambda: ["每人", "每户", "每年", "每亩", "每个", "每名", "每次",
                                                                 "生均", "人均", "户均", "亩均", "单价", "单位成本"])
    # scoring
    qualitative_bands: list[float] = field(default_factory=lambda: [80.0, 60.0])
    grade_bands: list[list[Any]] = field(default_factory=list)
    overshoot_ratio: float = 1.5
    low_execution_rate: float = 90.0
    high_total: float = 90.0
    inflated_total: float = 98.0
    goal_similarity: float = 0.9
    satisfaction_floor: float = 80.0
    min_indicators: int = 3
    max_indicator_share: float = 0.5
    # words
    vague_words: list[str] = field(default_factory=list)
    forward_words: list[str] = field(default_factory=list)
    placeholder_words: list[str] = field(default_factory=list)
    # layout
    conclusion_layouts: list[str] = field(default_factory=list)
    # layout → the parts of a form it has not (Rule.needs): rules needing them do not run on it
    layout_lacks: dict[str, list[str]] = field(default_factory=dict)
    signatures_required: bool = False
    signature_labels: list[str] = field(default_factory=list)
    text_limits: dict[str, int] = field(default_factory=dict)
    # 部门整体 scoring schemes, by rule code
    dept_scoring: dict[str, dict[str, Any]] = field(default_factory=dict)
    # per-rule severity override ("error" / "warning" / "info") or "off"
    rules: dict[str, str] = field(default_factory=dict)
    # caps of a reviewed (复核) total by execution rate, as data: {source, caps: [{below, max_total}]};
    # empty = no caps (see :class:`ScoreCap`). Replaced whole by a child profile, never merged.
    score_caps: dict[str, Any] = field(default_factory=dict)
    # thresholds of the comparison with the linked declaration and monitoring forms (CYCLE-*)
    cycle: dict[str, float] = field(default_factory=dict)
    # boilerplate: a 完成情况 made only of these phrases and filler words says nothing (MISSING-GOAL-002)
    boilerplate_phrases: list[str] = field(default_factory=list)
    boilerplate_fillers: list[str] = field(default_factory=list)
    # SCORE-EXE-002: an execution rate below this (percent) with every output complete
    low_spending_rate: float = 30.0
    extends: str | None = None
    path: str | None = None

    def severity_for(self, code: str, default: str) -> str | None:
        """The rule's severity under this profile, or None when the profile turns it off."""
        value = self.rules.get(code, default)
        return None if value == "off" else value

    def lacks(self, layout: str | None, feature: str) -> bool:
        """True when a form of ``layout`` has no ``feature`` (a :data:`~assistant.checker.rule.FORM_FEATURES` key)."""
        return feature in self.layout_lacks.get(layout or "", ())

    def fits(self, needs: tuple[str, ...], layout: str | None) -> bool:
        """A rule needing ``needs`` runs on a form of ``layout``."""
        return not any(self.lacks(layout, feature) for feature in needs)

    def replace(self, **changes: Any) -> Profile:
        return dataclasses.replace(self, **changes)

    @property
    def caps(self) -> tuple[ScoreCap, ...]:
        """The score caps by execution rate, strictest first (empty: the profile has none)."""
        return score_caps_of(self.name, self.score_caps)


@dataclass(frozen=True)
class ScoreCap:
    """One cap of a reviewed total: an execution rate below ``below`` percent caps the total at
    ``max_total`` points. ``source`` is where the configuration comes from."""

    below: float
    max_total: float
    source: str = ""


def score_caps_of(profile: str, data: dict[str, Any] | None) -> tuple[ScoreCap, ...]:
    """The caps of a profile's ``score_caps`` mapping, checked: a bureau edits them by hand, so a
    malformed one is an error with its place named, never silently no cap."""
    if not data:
        return ()
    where = f"profile {profile!r}: score_caps"
    unknown = set(data) - {"source", "caps"}
    if unknown:
        raise ValueError(f"{where}: 未知的键 / unknown keys {sorted(unknown)}")
    source = str(data.get("source") or "").strip()
    if not source:
        raise ValueError(f"{where}: 须注明来源（source） / needs a source")
    entries = data.get("caps")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{where}: caps 须为非空列表 / caps must be a non-empty list")
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"below", "max_total"}:
            raise ValueError(f"{where}.caps[{i}]: 须为 {{below: 执行率%, max_total: 总分上限}} / "
                             f"must be {{below, max_total}}, got {entry!r}")
        below, cap = entry["below"], entry["max_total"]
        if isinstance(below, bool) or isinstance(cap, bool) or not isinstance(below, int | float) \
                or not isinstance(cap, int | float):
            raise ValueError(f"{where}.caps[{i}]: below 与 max_total 须为数字 / must be numbers, got {entry!r}")
        if not 0 < below <= 100 or not 0 <= cap <= 100:
            raise ValueError(f"{where}.caps[{i}]: below 须在 0–100、max_total 须在 0–100 之间 / out of range: {entry!r}")
        out.append(ScoreCap(float(below), float(cap), source))
    # a lower rate never gets a higher cap: a table that says otherwise is a typo
    ordered = sorted(out, key=lambda c: c.below)
    for low, high in zip(ordered, ordered[1:], strict=False):
        if low.max_total > high.max_total or low.below == high.below:
            raise ValueError(f"{where}: 执行率越低上限应越低且各档不重复 / caps must fall with the rate: "
                             f"below {low.below} → {low.max_total}, below {high.below} → {high.max_total}")
    return tuple(ordered)


_FIELDS = {f.name for f in dataclasses.fields(Profile)}
_MERGED_MAPS = ("rules", "text_limits", "dept_scoring", "layout_lacks", "cycle")


AUTO = "auto"
# Which bundled profile fits a recognised layout (docs/domain.md section 7); others get the default.
LAYOUT_PROFILES = {"sichuan": "sichuan", "municipal": "municipal"}


def available_profiles() -> list[str]:
    return [AUTO, *sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))]


def profile_for(sub: Submission, name_or_path: str | Path | None = AUTO) -> Profile:
    """The profile to check ``sub`` with: ``auto`` picks it from the layout ingest recognised
    (a Sichuan table gets the Sichuan thresholds), any other name or path is loaded as is."""
    if str(name_or_path or AUTO) != AUTO:
        return _cached(str(name_or_path))
    layouts = [ev.layout for ev in sub.evaluations]
    name = next((LAYOUT_PROFILES[lay] for lay in layouts if lay in LAYOUT_PROFILES), DEFAULT_PROFILE)
    return _cached(name)


@lru_cache(maxsize=32)
def _cached(name_or_path: str) -> Profile:
    return load_profile(name_or_path)


def load_profile(name_or_path: str | Path | None = None) -> Profile:
    """Load a bundled profile by name (``national``, ``sichuan``, ``municipal``) or a YAML path."""
    name = str(name_or_path or DEFAULT_PROFILE)
    data = _load_merged(DEFAULT_PROFILE if name == AUTO else name, seen=())
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValueError(f"profile {data.get('name')!r}: unknown keys {sorted(unknown)}")
    rules = {code: ("off" if sev is False else sev) for code, sev in (data.get("rules") or {}).items()}
    data["rules"] = rules  # YAML 1.1 reads a bare `off` as False
    data["score_caps"] = data.get("score_caps") or {}
    for code, sev in rules.items():
        if sev not in _SEVERITIES:
            raise ValueError(f"profile {data.get('name')!r}: rule {code}: {sev!r} is not one of {_SEVERITIES}")
    profile = Profile(**data)
    score_caps_of(profile.name, profile.score_caps)  # raises on a malformed table
    if abs(profile.execution_weight + profile.indicator_points - profile.total_points) > 1e-9:
        raise ValueError(f"profile {profile.name!r}: execution_weight {profile.execution_weight} + indicator_points "
                         f"{profile.indicator_points} != total_points {profile.total_points}")
    return profile


def _resolve(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise FileNotFoundError(f"profile file not found: {path}")
        return path
    bundled = PROFILE_DIR / f"{name_or_path}.yaml"
    if not bundled.exists():
        raise FileNotFoundError(f"unknown profile {name_or_path!r}; bundled: {', '.join(available_profiles())}")
    return bundled


def _load_merged(name_or_path: str, seen: tuple[str, ...]) -> dict[str, Any]:
    path = _resolve(name_or_path)
    key = str(path.resolve())
    if key in seen:
        raise ValueError(f"profile inheritance loop at {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"profile {path} is not a mapping")
    data.setdefault("name", path.stem)
    parent = data.get("extends")
    if parent:
        base = _load_merged(_parent_ref(str(parent), path), seen + (key,))
        for k in _MERGED_MAPS:
            if k in data and k in base:
                data[k] = {**base[k], **(data[k] or {})}
        data = {**base, **data}
    data["path"] = str(path)
    return data


def _parent_ref(parent: str, child: Path) -> str:
    """``extends:`` names a bundled profile or a path relative to the child file."""
    if (PROFILE_DIR / f"{parent}.yaml").exists() and not parent.endswith((".yaml", ".yml")):
        return parent
    return str((child.parent / parent) if not Path(parent).is_absolute() else Path(parent))
