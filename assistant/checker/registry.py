"""The rule registry: rules register themselves with :func:`register`; :func:`all_rules` imports
every module under ``assistant/checker/rules/`` (pkgutil) so a new rule is one new file.

The registry also enforces the catalog's evidence policy: a rule tagged ``H`` (heuristic, docs/domain.md
section 0) is advisory, so whatever its default or a profile says, it is reported at most as a
warning (:func:`effective_severity`).
"""

from __future__ import annotations

import importlib
import pkgutil

from assistant.checker.profiles import Profile
from assistant.checker.rule import FAMILIES, FORM_FEATURES, TAGS, Rule
from assistant.model import SEVERITY_ORDER

_RULES: dict[str, type[Rule]] = {}
_loaded = False

# docs/domain.md ids with no rule, and why. Shown in ``ziping rules`` and in docs/rules.md.
NOT_IMPLEMENTED: dict[str, str] = {
    "CALC-AGG-001": "汇总口径（多单位/转移支付项目先汇总再评分）需要知道哪张表是汇总表、哪些是下级单位分表及其资金权重，"
                    "抽取结果中没有这种表间关系，无法确定性判断。",
    "DEPT-EFF-001": "履职效益指标按项目指标规则评分，不是单独的判断条件；部门整体表中有年度指标值/实际完成值的行"
                    "可由 CALC-IND-* 规则覆盖后再启用。",
    "DEPT-MGT-001": "预算管理/资产管理清单（管理制度健全性、资金使用合规性等逐项扣分）需要逐项检查结果，"
                    "评分表只给出总得分，没有逐项数据。",
}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: validate a rule's self-description and add it to the registry."""
    problems = []
    if cls.family() not in FAMILIES:
        problems.append(f"family of {cls.code!r} not in {FAMILIES}")
    if cls.tag not in TAGS:
        problems.append(f"tag {cls.tag!r} not in {TAGS}")
    if cls.severity not in SEVERITY_ORDER:
        problems.append(f"severity {cls.severity!r}")
    for attr in ("title", "source", "description", "why", "bad", "good"):
        if not getattr(cls, attr):
            problems.append(f"missing {attr}")
    if set(cls.needs) - FORM_FEATURES.keys():
        problems.append(f"needs {sorted(set(cls.needs) - FORM_FEATURES.keys())} not in FORM_FEATURES")
    if cls.scope not in ("evaluation", "submission"):
        problems.append(f"scope {cls.scope!r}")
    if cls.code in _RULES and _RULES[cls.code] is not cls:
        problems.append("duplicate code")
    if problems:
        raise TypeError(f"rule {cls.__name__} ({cls.code}): " + "; ".join(problems))
    _RULES[cls.code] = cls
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    from assistant.checker import rules

    for mod in pkgutil.walk_packages(rules.__path__, prefix=rules.__name__ + "."):
        if not mod.name.rsplit(".", 1)[1].startswith("_"):
            importlib.import_module(mod.name)
    _loaded = True


# docs/domain.md sections 3.1–3.5 in document order: the catalog, docs and ``ziping rules`` follow it.
CATALOG_ORDER: tuple[str, ...] = (
    "MISSING-HDR-001", "MISSING-FUND-001", "MISSING-FUND-002", "MISSING-FUND-003", "MISSING-FUND-004",
    "MISSING-GOAL-001", "MISSING-IND-001", "MISSING-IND-002", "MISSING-IND-003", "MISSING-IND-004",
    "MISSING-IND-005", "MISSING-DEV-001", "MISSING-DEV-002", "MISSING-CONC-001", "MISSING-CONC-002",
    "MISSING-SIGN-001", "MISSING-RPT-001", "MISSING-EVID-001",
    *(f"WEAK-VAL-{n:03d}" for n in range(1, 11)), *(f"WEAK-STR-00{n}" for n in range(1, 8)),
    "WEAK-GOAL-001", "WEAK-DUP-001",
    *(f"CALC-FUND-00{n}" for n in range(1, 6)), *(f"CALC-IND-00{n}" for n in range(1, 8)),
    "CALC-TOT-001", "CALC-TOT-002", "CALC-GRADE-001", "CALC-AGG-001",
    "SCORE-OVR-001", "SCORE-UNMET-001", "SCORE-EXE-001", "SCORE-NUM-001", "SCORE-CTR-001", "SCORE-NAR-001",
    "SCORE-ALL-001", "SCORE-GOAL-001", "SCORE-SAT-001", "SCORE-QUAL-001",
    *(f"DEPT-CALC-{n:03d}" for n in range(1, 13)), "DEPT-OUT-001", "DEPT-EFF-001", "DEPT-MGT-001",
    "DEPT-MISS-001",
)


def _order(code: str) -> tuple[int, int, str]:
    position = CATALOG_ORDER.index(code) if code in CATALOG_ORDER else len(CATALOG_ORDER)
    return FAMILIES.index(code.split("-", 1)[0]), position, code


def rule_classes() -> list[type[Rule]]:
    """Every registered rule class, in catalog order (family, then code)."""
    _load()
    return [_RULES[c] for c in sorted(_RULES, key=_order)]


def all_rules() -> list[Rule]:
    return [cls() for cls in rule_classes()]


def get_rule(code: str) -> type[Rule]:
    _load()
    return _RULES[code]


def rule_title(code: str, unknown: str | None = None) -> str:
    """The rule's Chinese title; for a code no rule has (a finding stored by an older version),
    ``unknown``, or the code itself when ``unknown`` is None."""
    _load()
    cls = _RULES.get(code)
    if cls is not None:
        return cls.title
    return code if unknown is None else unknown


def effective_severity(rule: type[Rule] | Rule, profile: Profile) -> str | None:
    """Severity after the profile's override; ``None`` when the profile turns the rule off.
    Heuristic ([H]) rules are capped at warning; a rule a pack must switch on (``Rule.enabled_by``)
    is off under a pack that does not."""
    if rule.enabled_by and not getattr(profile, rule.enabled_by):
        return None
    sev = profile.severity_for(rule.code, rule.severity)
    if sev is not None and rule.tag == "H" and SEVERITY_ORDER[sev] > SEVERITY_ORDER["warning"]:
        return "warning"
    return sev


def unknown_rule_codes(profile: Profile) -> list[str]:
    """The rule codes a profile names (``rules``, ``dept_scoring``, its 依据's ``covers``) that no rule has."""
    _load()
    covered = [c for b in profile.basis for c in b.get("covers", ()) if "-" in c]
    named = list(profile.rules) + list(profile.dept_scoring) + covered
    return sorted({c for c in named if c not in _RULES and c not in NOT_IMPLEMENTED})


def validate_profile(profile: Profile) -> None:
    """A profile may only name rules that exist (or are known and not implemented)."""
    unknown = unknown_rule_codes(profile)
    if unknown:
        raise ValueError(f"profile {profile.name!r} names unknown rules: {', '.join(sorted(unknown))}")
    features = {f for lacks in profile.layout_lacks.values() for f in lacks} - FORM_FEATURES.keys()
    if features:
        raise ValueError(f"profile {profile.name!r}: layout_lacks names unknown form parts: {', '.join(sorted(features))}")
