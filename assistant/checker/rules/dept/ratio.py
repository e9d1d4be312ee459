"""DEPT-CALC-001…012: the 部门整体 ratio indicators, one generic rule read from ``ratios.yaml``.

The twelve ratio rules differ only in data — the indicator's names, how its numerator and
denominator are written, whether it is a change rate, and the rule's catalog text — so each is an
entry of ``ratios.yaml`` and this module turns every entry into a registered :class:`Rule`
subclass with the same code, title, severity, tag, source and documentation a hand-written rule
module would have. The recomputation and scoring are :func:`helpers.dept.dept_findings`; the scoring
scheme of each code comes from the profile's ``dept_scoring``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import yaml

from assistant.checker import sources
from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule

RATIOS_FILE = Path(__file__).with_name("ratios.yaml")

# The part of every ratio rule's description that says how the generic implementation works.
HOW = "比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的 ``dept_scoring``。"

_FIELDS = {"code", "title", "severity", "tag", "source", "names", "numerator", "denominator", "change",
           "formula", "why", "bad", "good"}


@dataclass(frozen=True)
class RatioRuleEntry:
    """One entry of ``ratios.yaml``."""

    code: str
    title: str
    severity: str
    tag: str
    source: str
    spec: RatioSpec
    formula: str
    why: str
    bad: str
    good: str

    @classmethod
    def from_data(cls, data: dict) -> RatioRuleEntry:
        """Validate one YAML mapping: every field present, no unknown field, sources known."""
        code = data.get("code", "?")
        if set(data) != _FIELDS:
            missing, extra = sorted(_FIELDS - set(data)), sorted(set(data) - _FIELDS)
            raise ValueError(f"{RATIOS_FILE.name} {code}: missing {missing}, unknown {extra}")
        unknown = [s for s in data["source"] if not isinstance(getattr(sources, s, None), str)]
        if unknown:
            raise ValueError(f"{RATIOS_FILE.name} {code}: unknown source {unknown} (see assistant/checker/sources.py)")
        spec = RatioSpec(names=tuple(data["names"]), numerator=tuple(data["numerator"]),
                           denominator=tuple(data["denominator"]), change=bool(data["change"]))
        return cls(code=code, title=data["title"], severity=data["severity"], tag=data["tag"],
                   source="；".join(getattr(sources, s) for s in data["source"]), spec=spec,
                   formula=data["formula"], why=data["why"], bad=data["bad"], good=data["good"])


class RatioRule(Rule):
    """Base of the generated ratio rules (not registered itself): recompute the row's ratio, then its score."""

    kinds = ("department",)
    spec: ClassVar[RatioSpec]

    def check(self, ctx):
        return dept_findings(self, ctx, self.spec)


def load_entries(path: Path = RATIOS_FILE) -> list[RatioRuleEntry]:
    # the C loader when PyYAML has it: this file is read on every `ziping rules` / check start
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [RatioRuleEntry.from_data(item) for item in yaml.load(path.read_text(encoding="utf-8"), Loader=loader)]


def rule_class(entry: RatioRuleEntry) -> type[RatioRule]:
    """The rule class of one entry, named as a hand-written one would be (DEPT-CALC-001 → DeptCalc001).

    The namespace has no ``__doc__``, so :meth:`Rule.__init_subclass__` leaves the description,
    why, bad and good given here as they are.
    """
    name = "".join(part.title() for part in entry.code.split("-"))
    return type(name, (RatioRule,), {
        "__module__": __name__, "code": entry.code, "title": entry.title, "severity": entry.severity,
        "tag": entry.tag, "source": entry.source, "spec": entry.spec,
        "description": entry.formula + HOW, "why": entry.why, "bad": entry.bad, "good": entry.good,
    })


RULES: tuple[type[RatioRule], ...] = tuple(register(rule_class(e)) for e in load_entries())
