"""The checker: pre-screen a :class:`~assistant.model.Submission` against the rules catalog.

``check_submission(sub)`` runs every enabled rule (docs/domain.md sections 3.1–3.5, one module each
under ``rules/``) on every evaluation of the submission, and the report-level rules on its
narrative sections. Each :class:`~assistant.model.Finding` states the numbers, points at the
exact field (``Location.field`` is a field path, the rest is the cell in the source file),
quotes the cell text as evidence, suggests a fix and cites the rule's source.

Severity comes from the rule's default, then the profile's override; heuristic ([H]) rules are
never reported above warning. Findings come out in a stable order (evaluation, cell position,
rule) with stable ids (hash of submission id, rule and field). Last, one finding per defect: a
pattern over a table becomes one finding listing its rows, and findings on one row that ask for
the same fix merge into the most specific (:mod:`assistant.checker.fold`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from assistant.checker.context import CheckContext
from assistant.checker.fold import fold as fold_findings
from assistant.checker.profiles import Profile, load_profile, profile_for
from assistant.checker.registry import all_rules, effective_severity, validate_profile
from assistant.checker.rule import LINKED_FEATURES, Rule
from assistant.model import SEVERITY_ORDER, Cycle, Evaluation, Finding, Submission

__all__ = ["CheckContext", "Profile", "Rule", "check_submission", "check_submissions", "load_profile",
           "filter_severity", "profile_for"]


def check_submission(sub: Submission, *, profile: Profile | None = None,
                     related: Sequence[Submission] = (), cycle: Cycle | None = None,
                     fold: bool = True) -> list[Finding]:
    """Every finding of every enabled rule on ``sub``.

    ``related`` are other submissions of the same unit (typically the narrative 自评报告 that goes
    with a table, or the unit's other project tables): their sections feed the narrative rules and
    their evaluations the template-copy rule. ``fold=False`` gives the rules' findings unfolded,
    one per row and rule (to measure what folding does). ``cycle`` holds the 绩效目标申报表 and
    绩效监控表 linked to ``sub`` (:mod:`assistant.stores.cycle`); the CYCLE-* rules compare
    them with the self-evaluation and do not run without them (their ``needs``); its ``history``
    (the same projects' earlier self-evaluations) feeds the cross-year CYCLE-YEAR-* rules.
    """
    if not sub.doc_type.checked:
        return []  # not a self-evaluation (其他, 申报表, 监控表): stored and searchable, never checked
    profile = profile or load_profile()
    cycle = cycle or Cycle()
    linked = {"declaration": cycle.declaration is not None, "monitoring": bool(cycle.monitorings),
              "previous_year": bool(cycle.history)}
    rules = [(r, sev) for r, sev in _enabled(profile)
             if all(linked[n] for n in r.needs if n in LINKED_FEATURES)]
    sections = list(sub.sections) + [s for r in related for s in r.sections]
    findings: list[Finding] = []
    contexts = []
    for i, ev in enumerate(sub.evaluations):
        others = [e for k, e in enumerate(sub.evaluations) if k != i]
        others += [e for r in related for e in r.evaluations if _same_unit(e, ev)]
        ctx = CheckContext(submission=sub, profile=profile, evaluation=ev, index=i,
                           related_sections=sections, other_evaluations=others, cycle=cycle)
        contexts.append(ctx)
        for rule, severity in rules:
            if rule.scope == "evaluation" and ev.kind in rule.kinds and profile.fits(rule.needs, ev.layout):
                findings.extend(_finish(f, rule, severity, sub) for f in rule.check(ctx))
    ctx = CheckContext(submission=sub, profile=profile, related_sections=sections, evaluation_contexts=contexts,
                       cycle=cycle)
    for rule, severity in rules:
        if rule.scope == "submission":
            findings.extend(_finish(f, rule, severity, sub) for f in rule.check(ctx))
    findings = _dedupe(findings)
    return sorted(fold_findings(findings, sub) if fold else findings, key=_order)


def check_submissions(subs: Sequence[Submission], *, profile: Profile | str | None = None,
                      fold: bool = True) -> list[list[Finding]]:
    """Check a batch; submissions of the same unit and year are each other's ``related``.

    ``profile`` is a loaded profile, or a name/path (``auto`` picks one per submission)."""
    out = []
    for sub in subs:
        related = [o for o in subs if o is not sub and _same_group(o, sub)]
        chosen = profile if isinstance(profile, Profile) else profile_for(sub, profile)
        out.append(check_submission(sub, profile=chosen, related=related, fold=fold))
    return out


def filter_severity(findings: Iterable[Finding], minimum: str) -> list[Finding]:
    floor = SEVERITY_ORDER[minimum]
    return [f for f in findings if SEVERITY_ORDER[f.severity] >= floor]


_ENABLED_CACHE: dict[int, tuple[Profile, list[tuple[Rule, str]]]] = {}


def _enabled(profile: Profile) -> list[tuple[Rule, str]]:
    cached = _ENABLED_CACHE.get(id(profile))
    if cached is not None and cached[0] is profile:
        return cached[1]
    validate_profile(profile)
    rules = []
    for rule in all_rules():
        severity = effective_severity(rule, profile)
        if severity is not None:
            rules.append((rule, severity))
    _ENABLED_CACHE[id(profile)] = (profile, rules)
    return rules


def _finish(f: Finding, rule: Rule, severity: str, sub: Submission) -> Finding:
    f.severity = severity  # type: ignore[assignment]
    f.source = f.source or rule.source
    f.submission_id = sub.id or None
    key = f"{sub.id}|{f.rule}|{f.location.field or ''}"
    f.id = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    if not f.location.file:
        f.location.file = sub.file.name or None
    return f


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (rule, field): the first wins (a rule may reach one cell twice)."""
    seen: set[str | None] = set()
    out = []
    for f in findings:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out


def _order(f: Finding) -> tuple:
    loc = f.location
    field = loc.field or ""
    ev = int(field[len("evaluations["):field.index("]")]) if field.startswith("evaluations[") else 10**6
    return (ev, loc.table if loc.table is not None else -1, loc.row if loc.row is not None else -1,
            loc.col if loc.col is not None else -1, field, f.rule)


def _same_unit(a: Evaluation, b: Evaluation) -> bool:
    ua, ub = a.impl_unit or a.department, b.impl_unit or b.department
    return ua is None or ub is None or ua == ub


def _same_group(a: Submission, b: Submission) -> bool:
    return bool(a.unit) and a.unit == b.unit and (a.year is None or b.year is None or a.year == b.year)
