"""The domain model: plain data classes that every step of ziping passes along.

A file becomes one :class:`Submission`; a submission holds the self-evaluation tables found in
it (:class:`Evaluation`, each with its :class:`Indicator` rows and :class:`FundRow` money rows)
and the narrative :class:`Section` s of a report. The checker turns an evaluation into
:class:`Finding` s. Every field a reviewer may want to click on keeps a :class:`Location`.

Canonical JSON
--------------
``Submission.to_dict()`` is *the* JSON shape of the project: the CLI's ``--json``, the API, the
synthetic corpus' ``labels.json`` and the records store all use it. It is ``dataclasses.asdict``
of these classes, with two conventions:

* every key is present (``None`` for unknown), lists are never omitted;
* a :class:`Value` is ``{"raw", "op", "number", "unit", "qualitative", "vague", "blank",
  "unit_source"}``; ``raw`` is exactly what the cell said, the rest is its parse (see
  :mod:`assistant.values`), ``unit_source`` where the unit came from when not from the cell;
* an indicator table's parent rows (一、示范区建立 | 15) are :class:`IndicatorGroup` s in
  ``groups``, never indicators; a child names its group in ``Indicator.group``.

Example (abridged)::

    {"id": "3f2a…", "kind": "table", "unit": "某县教育局", "department": "某县教育局",
     "year": 2023, "status": "ok", "status_reason": null,
     "file": {"name": "a.docx", "sha256": "…", "format": "docx", "pages": 1, "size": 20480},
     "doc_type": {"code": "evaluation_table", "name": "自评表", "confidence": 0.95,
                  "reason": "识别出自评表…", "checked": true},
     "evaluations": [{"kind": "project", "layout": "mof", "project_name": "学生资助",
        "project_code": null, "department": "…", "impl_unit": "…", "year": 2023,
        "funds": {"unit": "万元", "denominator": "budget_full_year", "weight": 10.0,
                  "rate": {"raw": "98.5%", …}, "score": 9.85, "reason": null,
                  "rows": [{"name": "年度资金总额", "category": "total",
                            "budget_initial": 100.0, "budget_full_year": 100.0,
                            "exec_amount": 98.5, …}]},
        "goal_planned": "…", "goal_achieved": "…",
        "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "资助学生人数",
                        "target": {"raw": "≥500人", "op": ">=", "number": 500.0, "unit": "人",
                                   "qualitative": false, "vague": false},
                        "actual": {…}, "weight": 20.0, "score": 20.0,
                        "deviation_reason": null, "cells": {"score": {"table": 0, "row": 9, …}}}],
        "block_weights": {"产出指标": 50.0, …}, "total_score": 95.0, "grade": "优", …}],
     "sections": [{"path": ["一、基本情况"], "level": 1, "text": "…", "location": {…}}]}

Field paths
-----------
A finding (and a planted defect in the synthetic labels) names the field it is about with a
*field path* that does not depend on the file format, e.g. ``evaluations[0].indicators[3].score``
or ``evaluations[0].funds.rate``; :class:`Location` carries it next to the physical place
(page / table / row / column or paragraph). See :func:`field_path`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

Severity = Literal["error", "warning", "info"]
SubmissionKind = Literal["table", "report", "department", "mixed", "unknown"]
EvaluationKind = Literal["project", "department"]
Status = Literal["ok", "needs_review", "failed"]
# A reviewer's decision on a finding (issue 15): 待定 / 确认 / 误报 / 已整改.
Decision = Literal["open", "confirmed", "false_positive", "fixed"]
DECISIONS: tuple[str, ...] = ("open", "confirmed", "false_positive", "fixed")

SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass
class Location:
    """Where something is in the source file. Every part is optional; fill what is known.

    ``page`` is 1-based; ``table`` is the 0-based index of the table in the document, ``row``
    and ``col`` 0-based inside that table (after merged cells are resolved); ``paragraph`` the
    0-based index of the block in reading order; ``sheet`` the xlsx sheet name; ``field`` the
    format-independent field path (``evaluations[0].indicators[2].score``).
    """

    file: str | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    paragraph: int | None = None
    sheet: str | None = None
    field: str | None = None

    def describe(self) -> str:
        """Chinese description for reviewers, e.g. ``第2页 表1 第5行第3列``."""
        parts: list[str] = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table + 1}")
        if self.row is not None:
            parts.append(f"第{self.row + 1}行")
        if self.col is not None:
            parts.append(f"第{self.col + 1}列")
        if self.paragraph is not None and self.table is None:
            parts.append(f"第{self.paragraph + 1}段")
        return " ".join(parts) or "（位置未知）"


@dataclass(frozen=True)
class Value:
    """One indicator value as written and as parsed: ``≥95%`` → op ``>=``, number 95, unit ``%``.

    ``qualitative`` is True for text values (效果明显, 按时完成, 是); ``vague`` is True when the
    text holds a vague word (docs/domain.md G8) and no number. ``blank`` is True for empty cells and
    placeholders (—, /, *, 无).

    ``unit_source`` says where ``unit`` came from: ``cell`` (written in the cell), ``unit_column``
    (the 度量单位 column, Sichuan) or ``name_bracket`` (the indicator name's closing bracket,
    "服务外包在岸(万美元)"); None without a unit. ``raw`` never carries a borrowed unit or operator.
    """

    raw: str = ""
    op: str | None = None
    number: float | None = None
    unit: str | None = None
    qualitative: bool = False
    vague: bool = False
    blank: bool = True
    unit_source: str | None = None  # cell | unit_column | name_bracket

    @property
    def quantitative(self) -> bool:
        return self.number is not None and not self.qualitative


@dataclass
class Indicator:
    """One third-level indicator row (三级指标) of the indicator block."""

    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: Value = field(default_factory=Value)
    actual: Value = field(default_factory=Value)
    weight: float | None = None
    score: float | None = None
    deviation_reason: str | None = None
    nature: str | None = None  # 指标性质 column (≥ ≤ = 定性) when the layout has one
    unit: str | None = None  # 度量单位 column when the layout has one
    criteria: str | None = None  # 评分标准 (部门整体 form)
    group: str | None = None  # name of the parent row it sits under (IndicatorGroup.name)
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class IndicatorGroup:
    """A parent row inside the indicator table ("一、示范区建立 | 15"): a weight (and sometimes a
    score) over the indicator rows below it, which name it in ``Indicator.group``. Kept apart
    from the indicators so that no sum counts a weight twice."""

    name: str = ""
    level1: str | None = None
    level2: str | None = None
    weight: float | None = None
    score: float | None = None
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class FundRow:
    """One row of the funds block (资金来源): 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金…"""

    name: str = ""
    category: str = "other"  # total | current_fiscal | carryover | other | special | unit_funds
    budget_initial: float | None = None
    budget_full_year: float | None = None
    exec_amount: float | None = None
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class Funds:
    """The funds block (项目资金 / 预算执行情况) with its execution-rate scoring."""

    unit: str = "万元"
    denominator: str = "budget_full_year"  # which column 执行率 divides by
    rows: list[FundRow] = field(default_factory=list)
    weight: float | None = None  # 分值 of 预算执行率 (10, or 20 in the municipal layout)
    rate: Value = field(default_factory=Value)  # 执行率 as filled in
    score: float | None = None
    reason: str | None = None  # 原因 / 偏差原因 of the execution row
    adjust_reason: str | None = None  # why 年初 ≠ 全年 budget, when given
    cells: dict[str, Location] = field(default_factory=dict)

    @property
    def total(self) -> FundRow | None:
        return next((r for r in self.rows if r.category == "total"), None)


@dataclass
class Evaluation:
    """One 项目支出绩效自评表 (kind ``project``) or 部门整体支出绩效自评表 (kind ``department``)."""

    kind: EvaluationKind = "project"
    layout: str | None = None  # mof | sichuan | municipal | department | framework | noscore
    title: str | None = None
    project_name: str | None = None
    project_code: str | None = None
    department: str | None = None  # 主管部门
    impl_unit: str | None = None  # 实施单位
    year: int | None = None
    funds: Funds = field(default_factory=Funds)
    goal_planned: str | None = None
    goal_achieved: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    groups: list[IndicatorGroup] = field(default_factory=list)  # parent rows with their own weight
    block_weights: dict[str, float] = field(default_factory=dict)  # 产出指标(50分) → 50
    indicator_block_weight: float | None = None  # 绩效指标（90分） → 90
    total_score: float | None = None
    grade: str | None = None
    conclusion: str | None = None
    problems: str | None = None
    measures: str | None = None
    signatures: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class Section:
    """A piece of narrative under a heading path, e.g. ``["二、绩效目标完成情况", "（一）产出"]``."""

    path: list[str] = field(default_factory=list)
    level: int = 0
    text: str = ""
    location: Location = field(default_factory=Location)


@dataclass
class FileInfo:
    name: str = ""
    sha256: str = ""
    format: str = ""  # docx | pdf | xlsx | doc | wps | xls | et | ofd | txt | md
    pages: int | None = None
    size: int | None = None
    scanned: bool = False


@dataclass
class DocumentType:
    """What the file is, decided at reading time (:mod:`ingest.classify`): ``code`` is one of
    ``evaluation_table`` (自评表), ``evaluation_report`` (自评报告), ``goal_form`` (绩效目标申报表),
    ``monitoring_form`` (绩效监控表), ``other`` (其他); ``name`` its Chinese name. Only ``checked``
    types go through the checker. Records stored before classification load as unclassified
    (``code`` None) and are checked as before."""

    code: str | None = None
    name: str | None = None
    confidence: float | None = None
    reason: str | None = None
    checked: bool = True


@dataclass
class PlannedIndicator:
    """One indicator row of a 绩效目标申报表 (or the plan columns of a 绩效监控表): the target as
    declared before the year, nothing achieved yet."""

    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: Value = field(default_factory=Value)
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class FundSource:
    """One line of a declaration's money by source (年度资金总额, 其中：财政拨款, 其他资金…)."""

    name: str = ""
    category: str = "other"  # the categories of FundRow
    amount: float | None = None
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class CycleForm:
    """The header a 申报表 and a 监控表 share: the project they are about and the money unit."""

    title: str | None = None
    project_name: str | None = None
    project_code: str | None = None
    department: str | None = None
    impl_unit: str | None = None
    year: int | None = None
    funds_unit: str = "万元"


@dataclass
class Declaration(CycleForm):
    """A 项目支出绩效目标申报表: what a unit declared with its budget, before the year (issue 19)."""

    funds: list[FundSource] = field(default_factory=list)
    goal: str | None = None  # 年度总体目标
    indicators: list[PlannedIndicator] = field(default_factory=list)
    cells: dict[str, Location] = field(default_factory=dict)

    @property
    def total(self) -> float | None:
        return next((f.amount for f in self.funds if f.category == "total"), None)


@dataclass
class MonitoredIndicator:
    """One indicator row of a 绩效监控表: the year's target, what is done to date (1–N月执行情况),
    the expected year-end (全年预计完成), the deviation's reason and the warning colour."""

    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: Value = field(default_factory=Value)
    progress: Value = field(default_factory=Value)
    expected: Value = field(default_factory=Value)
    deviation_reason: str | None = None
    warning: str | None = None  # 红色 | 黄色 | 绿色 as written
    cells: dict[str, Location] = field(default_factory=dict)


@dataclass
class Monitoring(CycleForm):
    """A 项目支出绩效目标执行监控表 (绩效运行监控, e.g. the 1–7月 round): execution to date."""

    months: int | None = None  # N of 1–N月
    budget: float | None = None  # 年初预算数 (or 全年预算数) of the total line
    executed: float | None = None  # 1–N月执行数
    rate: Value = field(default_factory=Value)  # 1–N月执行率 as filled in
    expected_rate: Value = field(default_factory=Value)  # 全年预计执行率
    goal_progress: str | None = None  # 年度总体目标 executed to date
    warning: str | None = None  # the form's overall 预警 level, when it has one
    indicators: list[MonitoredIndicator] = field(default_factory=list)
    cells: dict[str, Location] = field(default_factory=dict)

    @property
    def warned(self) -> list[MonitoredIndicator]:
        """Indicator rows that raised a warning (红色 / 黄色, or a deviation reason given)."""
        return [i for i in self.indicators if is_warning(i.warning) or (i.deviation_reason and not is_warning(
            i.warning, green=True))]


WARNING_COLOURS: tuple[str, ...] = ("红", "黄", "橙")


def is_warning(text: str | None, *, green: bool = False, colours: Sequence[str] = WARNING_COLOURS) -> bool:
    """Whether a 预警 cell raises a warning (by default 红色/黄色/橙色 预警; a pack names its own
    ``colours``); with ``green`` whether it says explicitly that all is well (绿色, 正常, 无)."""
    if not text:
        return False
    if green:
        return any(w in text for w in ("绿", "正常", "无"))
    return any(c in text for c in colours)


_YEAR_WORDS = re.compile(r"(19|20)\d{2}\s*年?度?")


def project_key(name: str | None) -> str:
    """A project's name with any year in it and all spacing and punctuation set aside: the
    2024 and 2025 forms of "2025年学生资助补助经费" are one project."""
    text = _YEAR_WORDS.sub("", name or "")
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class PastEvaluation:
    """The same project's self-evaluation of an earlier year (same unit, the same project name
    once a year written into it is set aside): what the cross-year rules compare with."""

    year: int
    evaluation: Evaluation
    submission_id: str | None = None
    file_name: str | None = None


@dataclass
class Cycle:
    """The forms of a self-evaluation's performance cycle, linked to it by unit + project + year
    (or by a reviewer): its 绩效目标申报表 and its 绩效监控表 rounds, earliest first. What the
    comparison rules (CYCLE-*) read beside the self-evaluation. ``history`` holds the same
    projects' self-evaluations of the years before, the nearest first, consecutive years only
    (a gap ends it)."""

    declaration: Declaration | None = None
    declaration_file: str | None = None
    monitorings: list[Monitoring] = field(default_factory=list)
    monitoring_files: list[str] = field(default_factory=list)
    history: list[PastEvaluation] = field(default_factory=list)

    def past(self, ev: Evaluation) -> list[PastEvaluation]:
        """The earlier years of ``ev``'s project, nearest first, consecutive from ``ev``'s year."""
        name = project_key(ev.project_name)
        want = ev.year - 1 if ev.year else None
        out: list[PastEvaluation] = []
        for p in sorted(self.history, key=lambda p: -p.year):
            if not name or project_key(p.evaluation.project_name) != name:
                continue
            want = p.year if want is None else want
            if p.year > want:
                continue  # the same year or later: not history
            if p.year < want:
                break  # a gap: the years are no longer consecutive
            out.append(p)
            want = p.year - 1
        return out

    @property
    def monitoring(self) -> Monitoring | None:
        """The latest round (the largest 1–N月)."""
        return max(self.monitorings, key=lambda m: m.months or 0) if self.monitorings else None


@dataclass
class Submission:
    """One source file and everything recognised in it."""

    id: str = ""
    kind: SubmissionKind = "unknown"
    unit: str | None = None
    department: str | None = None
    year: int | None = None
    status: Status = "ok"
    status_reason: str | None = None
    file: FileInfo = field(default_factory=FileInfo)
    evaluations: list[Evaluation] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    doc_type: DocumentType = field(default_factory=DocumentType)
    # a 绩效目标申报表 or 绩效监控表 file: its form read as such (never an Evaluation, never checked)
    declaration: Declaration | None = None
    monitoring: Monitoring | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Submission:
        return from_dict(cls, data)


@dataclass
class Occurrence:
    """One place a finding is seen: a row of a table-wide pattern, or another rule's finding on the
    same cell kept as supporting evidence (then ``rule`` and ``message`` are that finding's)."""

    location: Location = field(default_factory=Location)
    evidence: str | None = None
    message: str | None = None
    rule: str | None = None  # None: the finding's own rule


@dataclass
class Finding:
    """One problem the checker found, with where it is and how to fix it.

    One finding is one defect: a pattern over a table (a column blank in every row) is one finding
    whose ``occurrences`` list the rows; another rule's finding on the same cell that asks for the
    same fix is kept among them as supporting evidence (see :mod:`assistant.checker.fold`). A
    finding about one cell has no occurrences.
    """

    rule: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    evidence: str | None = None
    suggestion: str | None = None
    source: str | None = None
    submission_id: str | None = None
    id: str | None = None
    occurrences: list[Occurrence] = field(default_factory=list)
    # The review (issue 15): the checker leaves these at their defaults; the records store keeps
    # them across re-checks (a finding the rules make again keeps its decision).
    decision: Decision = "open"
    decision_reason: str | None = None  # required for 误报
    decision_comment: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None  # ISO 8601, UTC
    resolved: bool = False  # the latest check no longer makes it: kept for the record, not counted
    version: int = 1  # raised by every change of the decision: a stale update is refused

    @property
    def counted(self) -> bool:
        """Whether the finding stands as a defect: not judged 误报 by a reviewer and still made by
        the latest check. Statistics, exports, letters and drafts count only these."""
        return not self.resolved and self.decision != "false_positive"

    @property
    def outstanding(self) -> bool:
        """A defect the unit still has to fix: counted and not yet 已整改 (what a letter asks for)."""
        return self.counted and self.decision != "fixed"

    def places(self) -> list[tuple[str, Location]]:
        """(rule, location) of every place this finding speaks for: its own rows (or its own cell
        when it has none) and the cells of the findings merged into it."""
        own = [o.location for o in self.occurrences if o.rule is None] or [self.location]
        return [(self.rule, loc) for loc in own] + [(o.rule, o.location) for o in self.occurrences if o.rule]


T = TypeVar("T")


def to_dict(obj: Any) -> Any:
    """The canonical JSON form of any model object (see the module docstring)."""
    if isinstance(obj, _SCALARS):  # most values; asking is_dataclass of each was a quarter of opening a submission
        return obj
    names = _field_names(type(obj))
    if names is not None:
        return {name: to_dict(getattr(obj, name)) for name in names}
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    return obj


_SCALARS = (str, int, float, type(None))


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for other types), looked up once per class."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a model object from its canonical JSON form; unknown keys are ignored."""
    return _builder(cls)(data)


def _same(data: Any) -> Any:
    return data


def _to_float(data: Any) -> Any:
    return float(data) if isinstance(data, int) else data


@functools.cache
def _builder(tp: Any) -> Callable[[Any], Any]:
    """The function that rebuilds a ``tp`` from JSON, made once per type: inspecting the type
    hints for every value made loading a stored submission slower than checking it."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _builder(inner[0]) if len(inner) == 1 else _same
    if origin is list:
        item = _builder(typing.get_args(tp)[0])
        return lambda data: None if data is None else [item(v) for v in data]
    if origin is dict:
        value = _builder(typing.get_args(tp)[1])
        return lambda data: None if data is None else {k: value(v) for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = tuple((f.name, _builder(hints[f.name])) for f in dataclasses.fields(tp))

        def build(data: Any) -> Any:
            if data is None:
                return None
            return tp(**{name: b(data[name]) for name, b in fields if name in data})

        return build
    return _to_float if tp is float else _same


def field_path(evaluation: int, *parts: str | int) -> str:
    """``field_path(0, "indicators", 3, "score")`` → ``evaluations[0].indicators[3].score``."""
    out = f"evaluations[{evaluation}]"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
