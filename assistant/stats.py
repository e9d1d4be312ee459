"""Year statistics (年度统计): what the annual report's section 二 says, computed from the records.

``year_statistics(records, year, scope=...)`` reads the ``submissions``, ``evaluations`` and
``findings`` rows of one year (optionally one 主管部门 or one 预算单位) and returns a
:class:`YearStats`. Every figure in it is a :class:`Figure` that carries the ids of the
submissions (and findings) behind it, so a reviewer can click from "执行率低于80%的项目 3 个" to
those three tables. The web page, ``ziping stats`` and the drafts all use this one function; the
drafts never compute a number themselves.

Objects counted
---------------
* **project** — one 项目支出绩效自评表 (an ``evaluations`` row of kind ``project``);
* **department** — one 部门整体支出绩效自评表;
* **report** — one 自评报告 file without a table (``submissions.kind`` ``report``).

A finding belongs to the evaluation it names (``findings.evaluation_idx``); a finding about a
whole file belongs to its only evaluation, or to the report. Amounts are 万元 as stored
(``evaluations.budget_full_year`` etc.); the split by fund source reads the funds rows of the
canonical JSON (``submissions.data``) and is given only where the table has those rows.

Bands (N8 grades 优 ≥ 90 > 良 ≥ 80 > 中 ≥ 60 > 差; execution rate = 100%, 90–100%, 80–90%,
below 80%) are stated in each figure's label, so a number in a sentence always has its source
figure. Grades are derived from the total score (the stated grade may be wrong: CALC-GRADE-001).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from assistant.checker.registry import rule_title
from assistant.checker.rule import FAMILIES, FAMILY_TITLES
from assistant.glossary import SEVERITY_TERMS
from assistant.model import Location, from_dict
from assistant.numbers import EXEC_BANDS, FUND_CATEGORIES, GRADE_BANDS, exec_band, grade_of, rounded
from assistant.stores.records import EvaluationRow, FindingRow, RecordStore, SubmissionRow, to_wan

__all__ = [
    "Figure", "GroupStats", "ObjectFacts", "FindingFacts", "RuleCount", "Scope", "UnitCount", "YearStats",
    "fmt_amount", "fmt_pct", "year_statistics",
]

ScopeLevel = Literal["all", "unit", "department"]
ObjectKind = Literal["project", "department", "report"]

OBJECT_NOUNS: dict[str, tuple[str, str]] = {  # kind → (counter, noun)
    "project": ("个", "项目"), "department": ("个", "部门整体自评"), "report": ("份", "自评报告"),
}

# --- formatting ---------------------------------------------------------------------------------

def fmt_amount(value: float | None) -> str:
    """万元 sums as printed: two decimals at most, half-up (:func:`assistant.numbers.rounded`)."""
    return rounded(value, 2)


def fmt_pct(value: float | None) -> str:
    return rounded(value, 1)


def _pct(part: int | float, whole: int | float) -> float | None:
    return None if not whole else float(rounded(part / whole * 100, 1))


# --- plain results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Which submissions a statistic covers: all of them, one 主管部门 or one 预算单位."""

    level: ScopeLevel = "all"
    name: str | None = None

    def __post_init__(self) -> None:
        if self.level not in ("all", "unit", "department"):
            raise ValueError(f"未知范围 / unknown scope level {self.level!r}")
        if self.level != "all" and not self.name:
            raise ValueError("按单位或部门统计时须给出名称 / a unit or department scope needs a name")

    @classmethod
    def of(cls, scope: Scope | str | None, name: str | None = None) -> Scope:
        """``"all"``, ``Scope(...)``, ``("department", name)`` or ``"department:某县教育局"``."""
        if isinstance(scope, Scope):
            return scope
        if scope is None or scope == "all":
            return cls()
        level, _, rest = scope.partition(":")
        return cls(level=level, name=name or rest or None)  # type: ignore[arg-type]

    def describe(self) -> str:
        return "全部单位" if self.level == "all" else str(self.name)

    @property
    def key(self) -> str:
        return "all" if self.level == "all" else f"{self.level}:{self.name}"


@dataclass(frozen=True)
class Figure:
    """One number with what it counts and the rows behind it.

    ``value`` is the rounded figure as it is printed (``text`` adds the unit); ``label`` says
    what is counted, bands included (``执行率低于80%的项目``); ``submissions`` and ``findings``
    are the ids behind it.
    """

    key: str
    label: str
    value: float | int | None
    unit: str = ""
    submissions: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    note: str | None = None

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        places = 1 if self.unit == "%" else 2
        return f"{rounded(self.value, places)}{self.unit}"

    @property
    def statement(self) -> str:
        """``执行率低于80%的项目：3个`` — the figure as a fact a sentence can cite."""
        return f"{self.label}：{self.text}" + (f"（{self.note}）" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["text"] = self.text
        d["submissions"], d["findings"] = list(self.submissions), list(self.findings)
        return d


@dataclass(frozen=True)
class ObjectFacts:
    """One counted object (a project or department evaluation, or a report) and its figures."""

    key: str  # "<submission id>#<evaluation idx>" or "<submission id>" for a report
    submission_id: str
    evaluation_idx: int | None
    kind: ObjectKind
    unit: str
    department: str | None
    project_name: str | None
    file_name: str | None
    budget: float | None  # 全年预算数, 万元
    budget_initial: float | None
    exec_amount: float | None
    exec_rate: float | None  # percent: computed from the total row, else as filled
    total_score: float | None
    grade_stated: str | None
    grade: str | None  # derived from the total (N8)
    indicator_count: int
    has_report: bool
    funds_by_category: dict[str, float] = field(default_factory=dict)  # 万元, 全年预算数 per source
    # 复核打分 (assistant.review.scores), None when no reviewer has scored the form
    review_total: float | None = None
    review_grade: str | None = None
    review_capped: bool = False

    @property
    def title(self) -> str:
        if self.kind == "report":
            return f"{self.unit}绩效自评报告"
        if self.kind == "department":
            return f"{self.unit}部门整体支出绩效自评"
        return self.project_name or "（未命名项目）"


@dataclass(frozen=True)
class FindingFacts:
    """A finding as the statistics and the drafts see it (ids, rule, text and place)."""

    id: str
    submission_id: str
    object_key: str
    rule: str
    family: str
    rule_title: str
    severity: str
    message: str
    evidence: str | None
    suggestion: str | None
    location: str  # Location.describe(), with the number of cells a folded pattern lists
    file: str | None
    field: str | None
    occurrences: int = 0  # the cells a folded pattern lists (0: a finding about one cell); it counts once

    def texts(self) -> list[str]:
        """Everything a sentence citing this finding may take numbers from."""
        return [t for t in (self.message, self.evidence, self.suggestion, self.location) if t]


@dataclass(frozen=True)
class RuleCount:
    rule: str
    title: str
    family: str
    findings: Figure
    objects: Figure


@dataclass(frozen=True)
class UnitCount:
    unit: str
    findings: Figure
    objects: Figure


@dataclass(frozen=True)
class GroupStats:
    """The findings of a set of rules (a draft theme): how many objects, what share, how much money."""

    key: str
    rules: tuple[str, ...]
    objects: Figure  # affected objects
    share: Figure  # of all objects of the same kinds
    amount: Figure  # 全年预算数 of the affected projects/departments, 万元
    findings: Figure
    by_kind: dict[str, int]
    denominator: int  # objects of the same kinds in scope (the share's base)
    noun: tuple[str, str]  # ("个", "项目") or ("份", "自评材料")
    per_rule: tuple[RuleCount, ...]
    finding_ids: tuple[str, ...]

    def figures(self) -> list[Figure]:
        out = [self.objects, self.share, self.amount, self.findings]
        for rc in self.per_rule:
            out += [rc.findings, rc.objects]
        return out


@dataclass
class YearStats:
    """All figures of one year and scope (see the module docstring)."""

    year: int
    scope: Scope
    objects: list[ObjectFacts]
    findings: list[FindingFacts]
    figures: dict[str, Figure]
    by_rule: list[RuleCount]
    by_family: list[RuleCount]  # rule = family code, title = family title
    top_units: list[UnitCount]
    excluded_findings: tuple[str, ...] = ()
    # submissions of the year (in scope) left out: an uncertain read (待核实) until a reviewer
    # confirms or corrects it, and files that are no self-evaluation (非自评材料)
    uncertain: tuple[str, ...] = ()
    not_evaluation: tuple[str, ...] = ()
    _objects: dict[str, ObjectFacts] = field(default_factory=dict, repr=False)
    _findings: dict[str, FindingFacts] = field(default_factory=dict, repr=False)

    # lookups -------------------------------------------------------------------------------------

    def figure(self, key: str) -> Figure:
        return self.figures[key]

    def all_figures(self) -> list[Figure]:
        out = list(self.figures.values())
        for rc in [*self.by_rule, *self.by_family]:
            out += [rc.findings, rc.objects]
        for uc in self.top_units:
            out += [uc.findings, uc.objects]
        return out

    def figure_index(self) -> dict[str, Figure]:
        return {f.key: f for f in self.all_figures()}

    def object(self, key: str) -> ObjectFacts:
        if len(self._objects) != len(self.objects):
            self._objects = {o.key: o for o in self.objects}
        return self._objects[key]

    def finding(self, finding_id: str) -> FindingFacts:
        if len(self._findings) != len(self.findings):
            self._findings = {f.id: f for f in self.findings}
        return self._findings[finding_id]

    @property
    def projects(self) -> list[ObjectFacts]:
        return [o for o in self.objects if o.kind == "project"]

    # groups (draft themes) ----------------------------------------------------------------------

    def group(self, key: str, rules: Iterable[str]) -> GroupStats:
        """Figures for the findings of ``rules`` (codes): objects, share, money, per rule."""
        rules = tuple(rules)
        chosen = [f for f in self.findings if f.rule in rules]
        objs = {f.object_key: self.object(f.object_key) for f in chosen}
        affected = sorted(objs.values(), key=lambda o: o.key)
        kinds = Counter(o.kind for o in affected)
        total_same_kind = sum(1 for o in self.objects if o.kind in kinds)
        subs = tuple(sorted({o.submission_id for o in affected}))
        fids = tuple(f.id for f in chosen)
        money = [o for o in affected if o.budget is not None]
        noun = OBJECT_NOUNS[next(iter(kinds))] if len(kinds) == 1 else ("份", "自评材料")
        per_rule = tuple(self._rule_count(code, [f for f in chosen if f.rule == code], f"group.{key}.rule.{code}")
                         for code in _rule_order({f.rule for f in chosen}))
        return GroupStats(
            key=key, rules=rules,
            objects=Figure(f"group.{key}.objects", f"存在该类问题的{noun[1]}数", len(affected), noun[0], subs, fids),
            share=Figure(f"group.{key}.share", f"存在该类问题的{noun[1]}占同类{noun[1]}总数（{total_same_kind}{noun[0]}）的比例",
                         _pct(len(affected), total_same_kind), "%", subs, fids),
            amount=Figure(f"group.{key}.amount", f"存在该类问题的{noun[1]}全年预算数合计",
                          _round(sum(o.budget for o in money)) if money else None, "万元",
                          tuple(sorted({o.submission_id for o in money})), fids,
                          note=f"{len(affected) - len(money)}{noun[0]}未填全年预算数" if len(money) < len(affected) else None),
            findings=Figure(f"group.{key}.findings", "该类问题条数", len(chosen), "条", subs, fids),
            by_kind=dict(kinds), denominator=total_same_kind, noun=noun, per_rule=per_rule, finding_ids=fids,
        )

    def _rule_count(self, code: str, chosen: Sequence[FindingFacts], prefix: str) -> RuleCount:
        subs = tuple(sorted({f.submission_id for f in chosen}))
        fids = tuple(f.id for f in chosen)
        title = rule_title(code)
        n_objects = len({f.object_key for f in chosen})
        return RuleCount(code, title, code.split("-", 1)[0],
                         Figure(f"{prefix}.findings", f"“{title}”问题条数", len(chosen), "条", subs, fids),
                         Figure(f"{prefix}.objects", f"存在“{title}”问题的材料数", n_objects, "份", subs, fids))

    # output --------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year, "scope": {"level": self.scope.level, "name": self.scope.name},
            "figures": {k: f.to_dict() for k, f in self.figures.items()},
            "by_family": [_rc_dict(rc) for rc in self.by_family],
            "by_rule": [_rc_dict(rc) for rc in self.by_rule],
            "top_units": [{"unit": u.unit, "findings": u.findings.to_dict(), "objects": u.objects.to_dict()}
                          for u in self.top_units],
            "objects": [asdict(o) for o in self.objects],
            "excluded_findings": list(self.excluded_findings),
        }

    def lines(self) -> list[str]:
        """The figures as Chinese lines (``ziping stats``)."""
        out = [f"{self.year}年度统计（{self.scope.describe()}）"]
        out += [f"  {f.statement}" for f in self.figures.values()]
        if self.by_family:
            out.append("  按问题类别：" + "；".join(f"{rc.title}{rc.findings.text}（{rc.objects.text}）"
                                               for rc in self.by_family))
        if self.by_rule:
            out.append("  按规则：")
            out += [f"    {rc.rule} {rc.title}：{rc.findings.text}，{rc.objects.text}" for rc in self.by_rule]
        if self.top_units:
            out.append("  问题较多的单位：" + "；".join(f"{u.unit}{u.findings.text}" for u in self.top_units))
        return out


def _rc_dict(rc: RuleCount) -> dict[str, Any]:
    return {"rule": rc.rule, "title": rc.title, "family": rc.family,
            "findings": rc.findings.to_dict(), "objects": rc.objects.to_dict()}


def _round(x: float) -> float:
    return float(rounded(x, 2))


def _rule_order(codes: Iterable[str]) -> list[str]:
    from assistant.checker.registry import CATALOG_ORDER

    return sorted(codes, key=lambda c: (CATALOG_ORDER.index(c) if c in CATALOG_ORDER else len(CATALOG_ORDER), c))


# --- the function -------------------------------------------------------------------------------

def year_statistics(records: RecordStore, year: int, scope: Scope | str = "all", *,
                    name: str | None = None, exclude_findings: Iterable[str] = (),
                    top_n: int = 5) -> YearStats:
    """The statistics of ``year`` for ``scope`` (``"all"``, ``Scope("department", "某县教育局")``,
    ``"unit:某县教育局"``). ``exclude_findings`` are finding ids a reviewer has ruled out."""
    scope = Scope.of(scope, name)
    excluded = set(exclude_findings)
    subs, evs, frows = records.year_rows(year)
    # only reads that are certain are counted (issue 15): the others are named, not counted
    held = {c: tuple(r.id for r in subs if _certainty(r) == c and _row_in_scope(r, scope))
            for c in ("uncertain", "not_evaluation")}
    subs = [r for r in subs if _certainty(r) == "recognised"]
    sub_data = {r.id: r for r in subs}
    evs = [e for e in evs if e.submission_id in sub_data]
    objects = _objects(subs, evs, {r.id: _funds_rows(r.data) for r in subs})
    objects = [o for o in objects if _in_scope(o, scope, objects)]
    objects = _with_review_scores(records, objects)
    keys = {o.key: o for o in objects}
    by_sub: dict[str, list[ObjectFacts]] = defaultdict(list)
    for o in objects:
        by_sub[o.submission_id].append(o)
    findings = []
    for r in frows:
        if r.id in excluded or r.submission_id not in by_sub or r.decision == "false_positive":
            continue
        okey = _object_key_for(r, by_sub[r.submission_id])
        if okey not in keys:
            continue
        loc = r.location or {}
        cells = sum(1 for o in r.occurrences or [] if not o.get("rule"))
        findings.append(FindingFacts(
            id=r.id, submission_id=r.submission_id, object_key=okey, rule=r.rule,
            family=r.rule.split("-", 1)[0], rule_title=rule_title(r.rule), severity=r.severity,
            message=r.message, evidence=r.evidence, suggestion=r.suggestion,
            location=from_dict(Location, loc).describe() + (f"（{cells} 处）" if cells else ""),
            file=loc.get("file") or sub_data[r.submission_id].file_name, field=loc.get("field"), occurrences=cells))
    stats = YearStats(year=year, scope=scope, objects=objects, findings=findings, figures={},
                      by_rule=[], by_family=[], top_units=[], excluded_findings=tuple(sorted(excluded)),
                      uncertain=held["uncertain"], not_evaluation=held["not_evaluation"])
    _fill(stats, top_n)
    return stats


def _with_review_scores(records: RecordStore, objects: list[ObjectFacts]) -> list[ObjectFacts]:
    """The objects with the review total and grade of the forms a reviewer has scored."""
    from assistant.stores.scores import ScoreStore

    scored = ScoreStore(records).scored({o.submission_id for o in objects if o.evaluation_idx is not None})
    out = []
    for o in objects:
        form = scored.get((o.submission_id, o.evaluation_idx)) if o.evaluation_idx is not None else None
        out.append(o if form is None else replace(o, review_total=form.score.total, review_grade=form.score.grade,
                                                  review_capped=form.score.cap is not None))
    return out


def _certainty(row: SubmissionRow) -> str:
    return row.review.certainty if row.review is not None else "recognised"


def _row_in_scope(row: SubmissionRow, scope: Scope) -> bool:
    """A submission left out of the counts belongs to the scope its own unit or department names."""
    if scope.level == "all":
        return True
    return (row.unit if scope.level == "unit" else row.department) == scope.name or row.unit == scope.name


def _funds_rows(data: str | None) -> dict[int, dict[str, float]]:
    """Per evaluation index: 全年预算数 by fund source category (万元), from the canonical JSON."""
    out: dict[int, dict[str, float]] = {}
    if not data:
        return out
    try:
        doc = json.loads(data)
    except ValueError:
        return out
    for i, ev in enumerate(doc.get("evaluations") or []):
        funds = ev.get("funds") or {}
        unit = funds.get("unit")
        cats: dict[str, float] = {}
        for row in funds.get("rows") or []:
            cat = row.get("category")
            amount = row.get("budget_full_year")
            if amount is None:
                amount = row.get("budget_initial")
            if cat in FUND_CATEGORIES and amount is not None:
                cats[cat] = cats.get(cat, 0.0) + (to_wan(amount, unit) or 0.0)
        out[i] = cats
    return out


def _objects(subs: list[SubmissionRow], evs: list[EvaluationRow],
             funds: dict[str, dict[int, dict[str, float]]]) -> list[ObjectFacts]:
    by_sub: dict[str, list[EvaluationRow]] = defaultdict(list)
    for ev in evs:
        by_sub[ev.submission_id].append(ev)
    report_units = {r.unit for r in subs if r.kind in ("report", "mixed") and r.unit}
    out: list[ObjectFacts] = []
    for sub in subs:
        rows = by_sub.get(sub.id, [])
        if not rows:
            if sub.kind in ("report", "mixed"):
                out.append(ObjectFacts(
                    key=sub.id, submission_id=sub.id, evaluation_idx=None, kind="report",
                    unit=sub.unit or "（单位不详）", department=sub.department, project_name=None,
                    file_name=sub.file_name, budget=None, budget_initial=None, exec_amount=None, exec_rate=None,
                    total_score=None, grade_stated=None, grade=None, indicator_count=0, has_report=True))
            continue
        for ev in rows:
            unit = sub.unit or ev.impl_unit or ev.department or "（单位不详）"
            rate = ev.exec_rate_computed if ev.exec_rate_computed is not None else ev.exec_rate_filled
            out.append(ObjectFacts(
                key=f"{sub.id}#{ev.idx}", submission_id=sub.id, evaluation_idx=ev.idx,
                kind="department" if ev.kind == "department" else "project", unit=unit,
                department=ev.department or sub.department, project_name=ev.project_name,
                file_name=sub.file_name, budget=ev.budget_full_year, budget_initial=ev.budget_initial,
                exec_amount=ev.exec_amount, exec_rate=rate, total_score=ev.total_score, grade_stated=ev.grade,
                grade=grade_of(ev.total_score), indicator_count=ev.indicator_count or 0,
                has_report=sub.kind == "mixed" or unit in report_units,
                funds_by_category=funds.get(sub.id, {}).get(ev.idx, {})))
    return out


def _in_scope(o: ObjectFacts, scope: Scope, objects: list[ObjectFacts]) -> bool:
    if scope.level == "all":
        return True
    if scope.level == "unit":
        return o.unit == scope.name
    if o.department == scope.name:
        return True
    # a report names no department: it belongs to the department of its unit's tables
    return o.kind == "report" and any(x.unit == o.unit and x.department == scope.name for x in objects)


def _object_key_for(row: FindingRow, objs: list[ObjectFacts]) -> str:
    if row.evaluation_idx is not None:
        return f"{row.submission_id}#{row.evaluation_idx}"
    return objs[0].key if len(objs) == 1 else row.submission_id


def _fig(key: str, label: str, objs: Sequence[ObjectFacts] | None, value: float | int | None, unit: str,
         findings: Iterable[str] = (), note: str | None = None) -> Figure:
    subs = tuple(sorted({o.submission_id for o in objs or ()}))
    return Figure(key, label, value, unit, subs, tuple(findings), note)


def _fill(st: YearStats, top_n: int) -> None:
    F = st.figures
    objs, projects = st.objects, st.projects
    depts = [o for o in objs if o.kind == "department"]
    reports = [o for o in objs if o.kind == "report"]
    units = sorted({o.unit for o in objs})

    def add(fig: Figure) -> None:
        F[fig.key] = fig

    add(_fig("units", "报送自评材料的预算单位数", objs, len(units), "个"))
    add(_fig("submissions", "自评材料（文件）数", objs, len({o.submission_id for o in objs}), "份"))
    add(_fig("projects", "项目支出绩效自评表数", projects, len(projects), "个"))
    add(_fig("departments", "部门整体支出绩效自评表数", depts, len(depts), "个"))
    add(_fig("reports", "单独报送的自评报告数", reports, len(reports), "份"))
    # named, not counted: the reviewer sees which files are waiting for a check of what was read
    add(Figure("held.uncertain", "识别结果待核实、未计入统计的材料数", len(st.uncertain), "份", st.uncertain))
    add(Figure("held.not_evaluation", "非自评材料（未计入统计）数", len(st.not_evaluation), "份",
               st.not_evaluation))

    with_budget = [o for o in projects if o.budget is not None]
    with_exec = [o for o in projects if o.exec_amount is not None]
    both = [o for o in projects if o.budget and o.exec_amount is not None]
    missing = len(projects) - len(with_budget)
    add(_fig("amount.budget", "项目全年预算数合计", with_budget,
             _round(sum(o.budget for o in with_budget)) if with_budget else None, "万元",
             note=f"{missing}个项目未填全年预算数" if missing else None))
    add(_fig("amount.exec", "项目全年执行数合计", with_exec,
             _round(sum(o.exec_amount for o in with_exec)) if with_exec else None, "万元"))
    add(_fig("amount.rate", "项目资金总体执行率（全年执行数/全年预算数）", both,
             _pct(sum(o.exec_amount for o in both), sum(o.budget for o in both)) if both else None, "%"))
    for cat, label in FUND_CATEGORIES.items():
        having = [o for o in projects if cat in o.funds_by_category]
        if having:
            add(_fig(f"amount.fund.{cat}", f"{label}（全年预算数，{len(having)}个列明该来源的项目）", having,
                     _round(sum(o.funds_by_category[cat] for o in having)), "万元"))

    n = len(projects)
    with_targets = [o for o in projects if o.indicator_count > 0]
    scored = [o for o in projects if o.total_score is not None]
    with_report = [o for o in projects if o.has_report]
    add(_fig("coverage.targets", "设定绩效指标的项目数", with_targets, len(with_targets), "个"))
    add(_fig("coverage.targets.rate", "绩效指标设定覆盖率", with_targets, _pct(len(with_targets), n), "%"))
    add(_fig("coverage.scored", "完成自评打分的项目数", scored, len(scored), "个"))
    add(_fig("coverage.scored.rate", "自评打分覆盖率", scored, _pct(len(scored), n), "%"))
    add(_fig("coverage.report", "同时报送自评报告的项目数", with_report, len(with_report), "个"))
    add(_fig("coverage.report.rate", "自评报告覆盖率", with_report, _pct(len(with_report), n), "%"))

    graded = [o for o in [*projects, *depts] if o.grade is not None]
    for name, _low, _high, label in GRADE_BANDS:
        having = [o for o in graded if o.grade == name]
        add(_fig(f"grade.{name}", f"自评等级为“{name}”（{label}）的自评表数", having, len(having), "个"))
    add(_fig("score.mean", "自评表平均得分", graded,
             _round(sum(o.total_score for o in graded) / len(graded)) if graded else None, "分"))
    wrong_grade = [o for o in graded if o.grade_stated and o.grade_stated != o.grade]
    add(_fig("grade.mismatch", "填报等级与总分不符的自评表数", wrong_grade, len(wrong_grade), "个"))

    _review_figures(st, add)

    rated = [o for o in projects if o.exec_rate is not None]
    for name, _low, _high, label in EXEC_BANDS:
        having = [o for o in rated if exec_band(o.exec_rate) == name]
        add(_fig(f"exec.{name}", f"{label}的项目数", having, len(having), "个"))
    add(_fig("exec.unknown", "无法计算执行率的项目数", [o for o in projects if o.exec_rate is None],
             sum(1 for o in projects if o.exec_rate is None), "个"))

    fs = st.findings
    okeys = {f.object_key for f in fs}
    with_findings = [o for o in objs if o.key in okeys]
    add(_fig("findings.total", "审核发现问题条数", with_findings, len(fs), "条", [f.id for f in fs]))
    for sev in ("error", "warning", "info"):
        chosen = [f for f in fs if f.severity == sev]
        add(_fig(f"findings.{sev}", f"其中{SEVERITY_TERMS[sev]}类问题条数",
                 [o for o in objs if o.key in {f.object_key for f in chosen}], len(chosen), "条", [f.id for f in chosen]))
    # Counted in files, like "submissions" ("报送自评材料N份"): counted in objects (tables and reports),
    # "涉及自评材料2份，占66.7%" followed "报送自评材料2份" in the same draft (found by eval/faithfulness.py).
    files = {o.submission_id for o in objs}
    files_with = {o.submission_id for o in with_findings}
    add(_fig("findings.objects", "存在问题的自评材料（文件）数", with_findings, len(files_with), "份", [f.id for f in fs]))
    add(_fig("findings.objects.rate", "存在问题的自评材料（文件）占比", with_findings, _pct(len(files_with), len(files)), "%",
             [f.id for f in fs]))
    clean = [o for o in objs if o.submission_id not in files_with]
    add(_fig("findings.clean", "未发现问题的自评材料（文件）数", clean, len(files - files_with), "份"))

    st.by_rule = [st._rule_count(code, [f for f in fs if f.rule == code], f"rule.{code}")
                  for code in _rule_order({f.rule for f in fs})]
    st.by_rule.sort(key=lambda rc: (-int(rc.objects.value or 0), -int(rc.findings.value or 0)))
    fams = []
    for fam in FAMILIES:
        chosen = [f for f in fs if f.family == fam]
        if chosen:
            subs = tuple(sorted({f.submission_id for f in chosen}))
            fids = tuple(f.id for f in chosen)
            title = FAMILY_TITLES[fam]
            fams.append(RuleCount(fam, title, fam,
                                  Figure(f"family.{fam}.findings", f"{title}类问题条数", len(chosen), "条", subs, fids),
                                  Figure(f"family.{fam}.objects", f"存在{title}类问题的材料数",
                                         len({f.object_key for f in chosen}), "份", subs, fids)))
    st.by_family = sorted(fams, key=lambda rc: -int(rc.findings.value or 0))

    per_unit: dict[str, list[FindingFacts]] = defaultdict(list)
    unit_of = {o.key: o.unit for o in objs}
    for f in fs:
        per_unit[unit_of[f.object_key]].append(f)
    ranked = sorted(per_unit.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top_n]
    st.top_units = [
        UnitCount(unit,
                  Figure(f"unit.{i}.findings", f"{unit}问题条数", len(chosen), "条",
                         tuple(sorted({f.submission_id for f in chosen})), tuple(f.id for f in chosen)),
                  Figure(f"unit.{i}.objects", f"{unit}存在问题的材料数", len({f.object_key for f in chosen}), "份",
                         tuple(sorted({f.submission_id for f in chosen})), tuple(f.id for f in chosen)))
        for i, (unit, chosen) in enumerate(ranked)]


def _review_figures(st: YearStats, add: Callable[[Figure], None]) -> None:
    """复核打分 beside the self-assessment: the review grades, the mean review score against the
    mean self-score of the same forms, their gap, and the forms whose grade the review changed."""
    reviewed = [o for o in [*st.projects, *(o for o in st.objects if o.kind == "department")]
                if o.review_total is not None]
    add(_fig("review.scored", "经复核打分的自评表数", reviewed, len(reviewed), "个"))
    for name, _low, _high, label in GRADE_BANDS:
        having = [o for o in reviewed if o.review_grade == name]
        add(_fig(f"review.grade.{name}", f"复核等级为“{name}”（{label}）的自评表数", having, len(having), "个"))
    both = [o for o in reviewed if o.total_score is not None]
    add(_fig("review.score.mean", "经复核打分的自评表平均复核得分", reviewed,
             _round(sum(o.review_total for o in reviewed) / len(reviewed)) if reviewed else None, "分"))
    add(_fig("review.self.mean", "同批自评表平均自评得分", both,
             _round(sum(o.total_score for o in both) / len(both)) if both else None, "分"))
    add(_fig("review.gap.mean", "复核得分与自评得分的平均差值（复核减自评）", both,
             _round(sum(o.review_total - o.total_score for o in both) / len(both)) if both else None, "分"))
    changed = [o for o in both if o.grade is not None and o.review_grade != o.grade]
    add(_fig("review.grade.changed", "复核等级与自评等级不同的自评表数", changed, len(changed), "个"))
    capped = [o for o in reviewed if o.review_capped]
    add(_fig("review.capped", "因预算执行率限定复核总分的自评表数", capped, len(capped), "个"))
