"""部门整体支出绩效自评表 (Hunan style, docs/domain.md 3.5 and section 4 row E): build, grid, labels, defects.

Columns 一级指标 / 二级指标 / 三级指标 / 评分标准 / 分值 / 自评得分 / 扣分原因和其他说明, rows from
the 53号 common framework (投入 / 过程 / 产出 / 效果), a 合计 row and an optional 自评等级 row.
A clean form deducts points on two to four rows, each with a note that names the fact, the
points and a measure.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from assistant.model import Evaluation, Indicator
from assistant.values import parse_number, parse_value
from eval.synth import content as C
from eval.synth.cells import Style, compact, score_text
from eval.synth.defects import Planted, misstate_total
from eval.synth.draft import grade_of
from eval.synth.layouts import UP, Grid, GridBuilder, H, L, T, V


@dataclass
class DeptRow:
    level1: str
    level2: str
    name: str
    criteria: str
    weight: float
    score: float | None
    note: str | None = None
    blank_score: str | None = None  # shown text when a defect blanked the score


@dataclass
class DeptDraft:
    department: str
    year: int
    rows: list[DeptRow]
    show_grade: bool
    date: str
    total: float | None = None
    grade: str | None = None
    locks: set[str] = field(default_factory=set)

    def true_total(self) -> float:
        return round(sum(r.score for r in self.rows if r.score is not None), 2)

    def finalize(self) -> None:
        if "total" not in self.locks:
            self.total = self.true_total()
        self.grade = grade_of(self.total or 0.0)

    @property
    def title(self) -> str:
        return f"{self.department}{self.year}年度部门整体支出绩效自评表"


def make_dept(rng: random.Random, department: str, year: int) -> DeptDraft:
    rows = [DeptRow(l1, l2, name, crit, float(w), float(w)) for l1, l2, name, crit, w in C.DEPT_ROWS]
    candidates = [r for r in rows if r.name in C.DEPT_DEDUCTIONS]
    for row in rng.sample(candidates, rng.randint(2, 4)):
        d = rng.choice((0.5, 1.0, 1.5))
        row.score = row.weight - d
        y = d / 0.5
        row.note = C.DEPT_DEDUCTIONS[row.name].format(d=compact(d), x=compact(100 + y), y=compact(y))
    dd = DeptDraft(department, year, rows, show_grade=rng.random() < 0.5,
                   date=f"{year + 1}年{rng.randint(2, 4)}月{rng.randint(1, 28)}日")
    dd.finalize()
    return dd


def dept_grid(dd: DeptDraft, style: Style) -> Grid:
    g = GridBuilder([1.0, 1.1, 1.6, 3.2, 0.7, 0.9, 2.6])
    g.row(L("主管部门"), (V(dd.department), 3), L("填报日期"), (V(dd.date), 2))
    g.header_row = g.row(H("一级指标"), H("二级指标"), H("三级指标"), H("评分标准"), H("分值"), H("自评得分"),
                         H("扣分原因和其他说明"))
    previous: tuple[str, str] | None = None
    for row in dd.rows:
        same1 = previous is not None and previous[0] == row.level1
        same2 = same1 and previous is not None and previous[1] == row.level2
        score = row.blank_score if row.blank_score is not None else score_text(row.score, style)
        g.row(UP if same1 else V(row.level1), UP if same2 else V(row.level2), V(row.name), T(row.criteria),
              V(compact(row.weight), row.weight), V(score, parse_number(score)), T(row.note))
        previous = (row.level1, row.level2)
    total = score_text(dd.total, style)
    g.row((L("合计"), 4), V("100", 100.0), V(total, parse_number(total)), V(""))
    if dd.show_grade:
        g.row((L(style.grade_label), 4), (V(dd.grade), 3))
    return g.grid(dd.title, None)


def dept_evaluation(dd: DeptDraft, style: Style) -> Evaluation:
    blank = parse_value("")
    indicators = [
        Indicator(level1=r.level1, level2=r.level2, name=r.name, target=blank, actual=blank, weight=r.weight,
                  score=parse_number(r.blank_score if r.blank_score is not None else score_text(r.score, style)),
                  deviation_reason=(r.note or "").strip() or None, criteria=r.criteria)
        for r in dd.rows
    ]
    return Evaluation(kind="department", layout="department", title=dd.title, department=dd.department,
                      year=dd.year, indicators=indicators, total_score=parse_number(score_text(dd.total, style)),
                      grade=dd.grade if dd.show_grade else None)


# --- defects ------------------------------------------------------------------------------------------

DEPT_RULES = ("DEPT-MISS-001", "CALC-TOT-001", "CALC-IND-005", "MISSING-IND-001")


def plant_dept(dd: DeptDraft, rules: list[str], rng: random.Random) -> list[Planted] | None:
    out: list[Planted] = []
    used: set[int] = set()

    def pick(pred) -> int | None:
        choices = [k for k, r in enumerate(dd.rows) if k not in used and pred(r)]
        if not choices:
            return None
        k = rng.choice(choices)
        used.add(k)
        return k

    for rule in sorted(rules, key=lambda r: r == "CALC-TOT-001"):  # the total last
        path = "evaluations[0].indicators[{}].{}"
        if rule == "DEPT-MISS-001":
            k = pick(lambda r: r.note is not None)
            if k is None:
                return None
            dd.rows[k].note = rng.choice(("", "无"))
            out.append(Planted(rule, path.format(k, "deviation_reason"), "扣分未说明原因"))
        elif rule == "CALC-IND-005":
            k = pick(lambda r: r.note is None)
            if k is None:
                return None
            dd.rows[k].score = dd.rows[k].weight + 1
            out.append(Planted(rule, path.format(k, "score"), "自评得分超过分值"))
        elif rule == "MISSING-IND-001":
            k = pick(lambda r: r.note is None)
            if k is None:
                return None
            dd.rows[k].score, dd.rows[k].blank_score = None, rng.choice(("", "—"))
            out.append(Planted(rule, path.format(k, "score"), "自评得分为空"))
        elif rule == "CALC-TOT-001":
            got = misstate_total(dd, rng, any(r.score is None for r in dd.rows))
            if got is None:
                return None
            out.append(Planted(rule, "evaluations[0].total_score", f"合计{compact(got[0])}应为{compact(got[1])}"))
    dd.finalize()
    return out
