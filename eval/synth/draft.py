"""The generator's working form of one evaluation: semantic numbers plus what each cell shows.

A :class:`Draft` holds an evaluation the way its author thought of it (targets, actual values,
weights, causes and measures as separate facts). :mod:`eval.synth.build` makes a coherent one,
:mod:`eval.synth.defects` mutates it, :func:`eval.synth.narrative.finalize` recomputes what
depends on the mutated facts (unlocked scores, total, grade, narrative texts), and
:mod:`eval.synth.cells` turns it into cell texts for the grids and the labels.

Amounts are kept in cents (``int``) so sums are exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BANDS = ((90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差"))
PARTIAL_SHARE = 0.7  # score share of a 部分达成 qualitative row: inside [0.6, 0.8) and [0.5, 0.8)


def grade_of(total: float) -> str:
    """docs/domain.md N8: 优 ≥ 90 > 良 ≥ 80 > 中 ≥ 60 > 差."""
    return next(name for floor, name in BANDS if total >= floor - 1e-9)


@dataclass
class Ind:
    """One indicator row. ``target``/``actual`` are numbers for pos/rev/eq rows."""

    level1: str
    level2: str
    name: str
    kind: str  # pos | rev | eq | qual | date
    unit: str | None = None
    target: float | None = None
    actual: float | None = None
    decimals: int = 0
    op: str | None = None  # display operator; None → from kind (≥ ≤ =)
    subject: str | None = None  # qual: what is judged (学生营养健康状况)
    statement: str | None = None  # qual: the target statement; date: the deadline text
    result: str | None = None  # qual: 达成：… / 部分达成：…; date: the completion text
    band: str | None = None  # qual: 达成 | 部分达成
    weight: float = 0.0
    score: float | None = None
    cause: str | None = None
    measure: str | None = None
    note: str | None = None  # bracket note after a target (≥95%（抽样）)
    actual_note: str | None = None  # bracket note after an actual (96.5%（问卷调查）)
    cells: dict[str, str] = field(default_factory=dict)  # rendered-text overrides set by defects
    locked: bool = False  # score set by a defect: finalize() leaves it alone
    fixed: bool = False  # an evaluation-framework criterion: its target carries no grading text

    def shown_decimals(self, x: float) -> int:
        """Decimals a value is written with: whole percentages without any (95%, 96.5%)."""
        return 0 if self.unit == "%" and float(x).is_integer() else self.decimals

    @property
    def quantitative(self) -> bool:
        return self.kind in ("pos", "rev", "eq")

    @property
    def met(self) -> bool:
        if self.kind == "qual":
            return self.band == "达成"
        if self.kind == "date" or self.target is None or self.actual is None:
            return True
        if self.kind == "rev":
            return self.actual <= self.target + 1e-9
        return self.actual >= self.target - 1e-9

    def correct_score(self) -> float:
        """The score docs/domain.md CALC-IND-001/002/004 expect for this row."""
        w = self.weight
        if self.kind == "qual":
            return w if self.band == "达成" else round(w * PARTIAL_SHARE, 2)
        if self.met or self.target is None or self.actual is None:
            return w
        if self.kind == "rev":
            return round(w * self.target / self.actual, 2)
        return round(w * self.actual / self.target, 2)


@dataclass
class FundLine:
    name: str
    category: str  # total | current_fiscal | carryover | special | unit_funds | other
    initial: int | None = None  # cents
    full: int | None = None
    exec: int | None = None
    shown_zero: str = "0.00"  # how a zero amount is shown: "0.00" | "" | "—"


@dataclass
class FundsDraft:
    unit: str = "万元"
    lines: list[FundLine] = field(default_factory=list)
    weight: float = 10.0
    score: float | None = None
    cause: str | None = None  # why 执行率 < 100 %
    measure: str | None = None
    adjust_reason: str | None = None
    rate_text: str | None = None  # stated rate when a defect overrides it
    locked: bool = False  # score set by a defect
    scored: bool = True  # False: the form has no 预算执行率 分值/得分 (framework, noscore): cells left blank

    @property
    def total(self) -> FundLine:
        return self.lines[0]

    def true_rate(self) -> float | None:
        t = self.total
        if not t.full or t.exec is None:
            return None
        return round(t.exec / t.full * 100, 2)

    def correct_score(self) -> float | None:
        rate = self.true_rate()
        return None if rate is None or not self.scored else round(self.weight * min(rate, 100.0) / 100, 2)


@dataclass
class Draft:
    layout: str  # mof | sichuan | municipal | framework | noscore
    year: int
    sector: str
    project: str  # shown name without the code
    code: str | None
    department: str | None
    impl_unit: str | None
    purpose: str
    background: str
    evidence: str
    funds: FundsDraft
    inds: list[Ind]
    block_defaults: dict[str, float]  # level-1 weights the builder used
    ind_block_weight: float | None  # 90 / 80 when the layout states it
    l1_titles: bool = False  # level-1 cells read 产出指标（50分）
    title_weights: dict[str, float] = field(default_factory=dict)  # weights written in those titles
    show_grade: bool = False
    has_conclusion: bool = False
    signatures: dict[str, str] = field(default_factory=dict)
    survey: tuple[int, int] = (300, 280)  # questionnaires sent / valid
    goal_planned: str | None = None
    goal_achieved: str | None = None
    total: float | None = None
    grade: str | None = None
    conclusion: str | None = None
    problems: str | None = None
    measures: str | None = None
    locks: set[str] = field(default_factory=set)  # fields set by a defect: finalize() keeps them
    touched: set[int] = field(default_factory=set)  # indicator rows a defect already used

    def true_total(self) -> float:
        scores = [i.score for i in self.inds if i.score is not None]
        fund = self.funds.score if self.funds.score is not None else 0.0
        return round(sum(scores) + fund, 2)
