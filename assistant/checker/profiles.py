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

A pack is versioned (``version:``, never inherited: a file without one is 未标版本) and says what it
rests on (``basis:``, each entry a document with its article, link and whether the link is an
official site or a repost). Everything a bureau can get wrong by hand is checked on load and
refused with a Chinese message naming the file, the key and its line (:class:`ProfileError`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.model import WARNING_COLOURS, Submission

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
    # the pack's own version ("2026.1"), never inherited; "" = 未标版本
    version: str = ""
    # what the pack rests on: [{document, article, url, official, publisher, covers}] (see :class:`Basis`);
    # never inherited: a setting a pack inherits is its parent's, with the parent's 依据
    basis: list[dict[str, Any]] = field(default_factory=list)
    # MISSING-DEV-003: {threshold: %, source}; empty = the pack applies no deviation check
    deviation: dict[str, Any] = field(default_factory=dict)
    # the 预警 colours of a monitoring form that count as a warning (CYCLE-MON-001)
    warning_colours: list[str] = field(default_factory=lambda: list(WARNING_COLOURS))
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

    @property
    def deviation_threshold(self) -> float | None:
        """MISSING-DEV-003's threshold in percent, or None where the pack applies no such check."""
        value = self.deviation.get("threshold") if self.deviation else None
        return None if value is None else float(value)

    @property
    def sources(self) -> tuple[Basis, ...]:
        """The pack's 依据, as written in its ``basis``."""
        return tuple(Basis(**entry) for entry in self.basis)

    def basis_for(self, key: str) -> Basis | None:
        """The 依据 a pack gives for one of its settings (a profile key, or a rule code): the entry
        whose ``covers`` names it, else the pack's first entry; None for a pack without any."""
        found = self.sources
        return next((b for b in found if key in b.covers), found[0] if found else None)


@dataclass(frozen=True)
class Basis:
    """One document a pack rests on. ``official`` says whether ``url`` is a government site (a
    finance bureau's or a local government's own page) or a repost (转载), shown as such."""

    document: str
    official: bool
    url: str = ""
    article: str = ""
    publisher: str = ""
    covers: tuple[str, ...] | list[str] = ()

    @property
    def label(self) -> str:
        """"《…》 第…（官方网站 https://…）" — how the page and the docs cite it."""
        where = f"（{'官方网站' if self.official else '转载，非官方网站'} {self.url}）" if self.url else \
            ("" if self.official else "（未见官方原文，待核实）")
        return f"{self.document}{(' ' + self.article) if self.article else ''}{where}"


class ProfileError(ValueError):
    """A pack a bureau wrote by hand that cannot be used: the file, the key and its line named."""

    def __init__(self, path: str | None, key: str, problem: str, line: int | None = None):
        self.path, self.key, self.problem, self.line = path, key, problem, line
        where = f"审核口径文件 {path}" if path else "审核口径"
        at = f" 第{line}行" if line else ""
        super().__init__(f"{where}{at} 键 {key}：{problem}")


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
# thresholds a bureau types by hand: a number, never negative
_NUMBERS = tuple(f.name for f in dataclasses.fields(Profile) if f.type in ("float", "int"))
_NUMBER_LISTS = ("qualitative_bands",)
_NUMBER_MAPS = ("cycle", "text_limits")
_BASIS_KEYS = {f.name for f in dataclasses.fields(Basis)}
_DEVIATION_KEYS = {"threshold", "source"}


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


def cached_profile(name_or_path: str) -> Profile:
    """:func:`load_profile`, loaded once per process (a bundled pack does not change while it runs)."""
    return _cached(name_or_path)


def load_profile(name_or_path: str | Path | None = None) -> Profile:
    """Load a bundled profile by name (``national``, ``sichuan``, ``municipal``) or a YAML path.
    Raises :class:`ProfileError` (a ValueError) naming file, key and line for a malformed pack."""
    name = str(name_or_path or DEFAULT_PROFILE)
    lines: dict[str, tuple[str, int]] = {}
    data = _load_merged(DEFAULT_PROFILE if name == AUTO else name, seen=(), lines=lines)

    def fail(key: str, problem: str) -> ProfileError:
        path, line = lines.get(key, (data.get("path"), None))
        return ProfileError(path, key, problem, line)

    unknown = set(data) - _FIELDS
    if unknown:
        key = sorted(unknown)[0]
        raise fail(key, f"未知的键 {sorted(unknown)}（拼写错误？） / unknown keys {sorted(unknown)}")
    _check_types(data, fail)
    rules = {code: ("off" if sev is False else sev) for code, sev in (data.get("rules") or {}).items()}
    data["rules"] = rules  # YAML 1.1 reads a bare `off` as False
    data["score_caps"] = data.get("score_caps") or {}
    data["deviation"] = data.get("deviation") or {}
    for code, sev in rules.items():
        if sev not in _SEVERITIES:
            raise fail(f"rules.{code}", f"严重程度 {sev!r} 无效，应为 error、warning、info 或 off / "
                                         f"{sev!r} is not one of {_SEVERITIES}")
    _check_numbers(data, fail)
    _check_basis(data.get("basis"), fail)
    _check_deviation(data["deviation"], fail)
    colours = data.get("warning_colours")
    if colours is not None and (not isinstance(colours, list) or not all(isinstance(c, str) and c for c in colours)):
        raise fail("warning_colours", f"须为颜色字的列表，如 [红, 黄] / must be a list of colour words, got {colours!r}")
    if not isinstance(data.get("version", ""), str | int | float):
        raise fail("version", f"版本须为文字，如 \"2026.1\" / must be text, got {data['version']!r}")
    data["version"] = str(data.get("version", ""))
    profile = Profile(**data)
    try:
        score_caps_of(profile.name, profile.score_caps)  # raises on a malformed table
    except ValueError as err:
        raise fail("score_caps", str(err)) from None
    if abs(profile.execution_weight + profile.indicator_points - profile.total_points) > 1e-9:
        raise fail("execution_weight", f"执行分值 {profile.execution_weight:g} + 指标分值 {profile.indicator_points:g} "
                                       f"不等于总分 {profile.total_points:g} / execution_weight + indicator_points "
                                       f"!= total_points")
    from assistant.checker.registry import unknown_rule_codes  # the registry imports this module

    for code in unknown_rule_codes(profile):
        key = f"rules.{code}" if code in profile.rules else \
            f"dept_scoring.{code}" if code in profile.dept_scoring else "basis"
        raise fail(key, f"没有规则 {code}（见 ziping rules） / names unknown rules: {code}")
    return profile


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_KINDS = {"dict": (dict, "“键: 值”的映射"), "list": (list, "列表"), "bool": (bool, "true 或 false"),
          "str": (str, "文字")}


def _check_types(data: dict[str, Any], fail: Any) -> None:
    """A map where a map belongs, a list where a list does (``rules: [A]`` is refused, not crashed on)."""
    for f in dataclasses.fields(Profile):
        value = data.get(f.name)
        kind = _KINDS.get(str(f.type).split("[")[0])
        if value is None or kind is None or f.name in ("version", "warning_colours"):  # checked on their own
            continue
        if not isinstance(value, kind[0]):
            raise fail(f.name, f"须为{kind[1]}，现为 {value!r} / must be a {kind[0].__name__}")


def _check_numbers(data: dict[str, Any], fail: Any) -> None:
    """Every threshold a number and none negative: a bureau's typo ("九十", -90) is refused."""
    for key in _NUMBERS:
        if key in data and not (_is_number(data[key]) and data[key] >= 0):
            raise fail(key, f"阈值须为不小于 0 的数字，现为 {data[key]!r} / must be a non-negative number")
    for key in _NUMBER_LISTS:
        values = data.get(key)
        if values is not None and not (isinstance(values, list) and all(_is_number(v) and v >= 0 for v in values)):
            raise fail(key, f"须为不小于 0 的数字列表，现为 {values!r} / must be a list of non-negative numbers")
    for key in _NUMBER_MAPS:
        mapping = data.get(key) or {}
        if not isinstance(mapping, dict):
            raise fail(key, f"须为“名称: 数字”的映射，现为 {mapping!r} / must be a mapping")
        for sub, value in mapping.items():
            if not (_is_number(value) and value >= 0):
                raise fail(f"{key}.{sub}", f"阈值须为不小于 0 的数字，现为 {value!r} / must be a non-negative number")


def _check_basis(entries: Any, fail: Any) -> None:
    if entries is None:
        return
    if not isinstance(entries, list):
        raise fail("basis", "须为依据列表 / must be a list of sources")
    for i, entry in enumerate(entries):
        where = f"basis[{i}]"
        if not isinstance(entry, dict):
            raise fail("basis", f"{where} 须为 {{document, url, official, …}} / must be a mapping")
        unknown = set(entry) - _BASIS_KEYS
        if unknown:
            raise fail("basis", f"{where} 未知的键 {sorted(unknown)}，可用：{sorted(_BASIS_KEYS)} / unknown keys")
        if not str(entry.get("document") or "").strip():
            raise fail("basis", f"{where} 须写明文件名称（document） / needs a document")
        if not isinstance(entry.get("official"), bool):
            raise fail("basis", f"{where} 须注明 official: true（官方网站）或 false（转载） / needs official: true/false")
        url = str(entry.get("url") or "")
        if url and not url.startswith(("http://", "https://")):
            raise fail("basis", f"{where} 链接须以 http:// 或 https:// 开头，现为 {url!r} / bad url")
        covers = entry.get("covers", [])
        if not isinstance(covers, list) or not all(isinstance(c, str) for c in covers):
            raise fail("basis", f"{where} covers 须为键名或规则编号的列表 / covers must be a list of names")
        bad = [c for c in covers if c not in _FIELDS and not _looks_like_code(c)]
        if bad:
            raise fail("basis", f"{where} covers 中 {bad} 既不是口径的键也不是规则编号 / unknown names {bad}")
        entry["covers"] = tuple(covers)


def _looks_like_code(text: str) -> bool:
    return text.count("-") >= 2 and text.replace("-", "").isalnum() and text.upper() == text


def _check_deviation(data: dict[str, Any], fail: Any) -> None:
    if not data:
        return
    if not isinstance(data, dict):
        raise fail("deviation", "须为 {threshold: 百分比, source: 依据} / must be {threshold, source}")
    unknown = set(data) - _DEVIATION_KEYS
    if unknown:
        raise fail("deviation", f"未知的键 {sorted(unknown)} / unknown keys {sorted(unknown)}")
    value = data.get("threshold")
    if not (_is_number(value) and value > 0):
        raise fail("deviation", f"threshold 须为大于 0 的百分比数字，现为 {value!r} / must be a positive number")
    if not str(data.get("source") or "").strip():
        raise fail("deviation", "须注明来源（source） / needs a source")


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


def _load_merged(name_or_path: str, seen: tuple[str, ...],
                 lines: dict[str, tuple[str, int]] | None = None) -> dict[str, Any]:
    """The file's keys over its parent's; ``lines`` gets where each key was last written
    (``key`` or ``map.key`` → (file, line)) so an error can point at it."""
    path = _resolve(name_or_path)
    key = str(path.resolve())
    if key in seen:
        raise ValueError(f"审核口径继承成环 / profile inheritance loop at {path}")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ProfileError(str(path), "（YAML）", f"不是有效的 YAML：{getattr(err, 'problem', err)} / invalid YAML",
                           mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise ProfileError(str(path), "（整个文件）", "须为“键: 值”的映射 / is not a mapping")
    data.setdefault("name", path.stem)
    if isinstance(data.get("version"), int | float) and not isinstance(data["version"], bool):
        data["version"] = _raw_scalar(text, "version")  # 2026.10 as written, not the float 2026.1
    own = _key_lines(text)
    parent = data.get("extends")
    if parent:
        base = _load_merged(_parent_ref(str(parent), path), seen + (key,), lines)
        for own_only in ("version", "basis"):  # a pack's version and 依据 are its own, never its parent's
            base.pop(own_only, None)
        for k in _MERGED_MAPS:
            if k in data and k in base and isinstance(data[k] or {}, dict):  # a non-map is refused on load
                data[k] = {**base[k], **(data[k] or {})}
        data = {**base, **data}
    if lines is not None:
        lines.update({k: (str(path), line) for k, line in own.items()})
    data["path"] = str(path)
    return data


def _raw_scalar(text: str, key: str) -> str:
    """A top-level scalar exactly as written in the file."""
    node = yaml.compose(text)
    return next(str(v.value) for k, v in node.value if k.value == key)


def _key_lines(text: str) -> dict[str, int]:
    """Line (1-based) of each top-level key and of each key one level down (``rules.X``)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return out
    for k, v in node.value:
        name = str(k.value)
        out[name] = k.start_mark.line + 1
        if isinstance(v, yaml.MappingNode):
            for k2, _ in v.value:
                out[f"{name}.{k2.value}"] = k2.start_mark.line + 1
    return out


def parent_of(profile: Profile) -> Profile | None:
    """The pack ``profile`` extends, loaded; None for a pack that extends none."""
    if not profile.extends:
        return None
    return _cached(_parent_ref(str(profile.extends), Path(profile.path or PROFILE_DIR / "_")))


def _parent_ref(parent: str, child: Path) -> str:
    """``extends:`` names a bundled profile or a path relative to the child file."""
    if (PROFILE_DIR / f"{parent}.yaml").exists() and not parent.endswith((".yaml", ".yml")):
        return parent
    return str((child.parent / parent) if not Path(parent).is_absolute() else Path(parent))
