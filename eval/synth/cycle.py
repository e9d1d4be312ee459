"""Synthetic performance cycles with ground truth (issue 19): for one project and year, the
绩效目标申报表, the 1–N月 绩效监控表 and the year-end 项目支出绩效自评表, with defects of each
CYCLE-* kind planted into the self-evaluation (or its monitoring form) and labelled.

The labels are the generator's own: which rule must fire at which field path. The evaluation
(:mod:`eval.cycle_eval`) grades the checker against them, never against the product's code. Decoys
(a raised target, a warning followed up, a budget change with its reason) are planted into clean
triples so that precision is measured too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TypeVar

from assistant.model import (
    Cycle,
    CycleForm,
    Declaration,
    Evaluation,
    FileInfo,
    FundRow,
    Funds,
    FundSource,
    Indicator,
    MonitoredIndicator,
    Monitoring,
    PlannedIndicator,
    Submission,
)
from assistant.values import parse_value

F = TypeVar("F", bound=CycleForm)

# Defect kinds, each the rule that must find it.
DEFECTS: dict[str, str] = {
    "dropped": "CYCLE-IND-001", "added": "CYCLE-IND-002", "renamed": "CYCLE-IND-003",
    "lowered": "CYCLE-VAL-001", "vaguer": "CYCLE-VAL-002", "funds_changed": "CYCLE-FUND-001",
    "goal_rewritten": "CYCLE-GOAL-001", "warning_ignored": "CYCLE-MON-001",
    "spend_below": "CYCLE-MON-002", "rate_jump": "CYCLE-MON-002", "count_below": "CYCLE-MON-002",
}
DECOYS = ("raised", "warning_followed", "funds_explained", "goal_reworded", "rate_jump_explained")


@dataclass(frozen=True)
class Row:
    """An indicator template: (level1, level2, name, op, number, unit) or a text target, and a
    second name for the same thing (what a unit renames it to)."""

    level1: str
    level2: str
    name: str
    alt: str
    op: str | None
    number: float | None
    unit: str
    text: str | None = None  # a text target (时效: 年底前完成)

    def target(self, number: float | None = None) -> str:
        if self.text:
            return self.text
        n = self.number if number is None else number
        return f"{self.op or ''}{_fmt(n)}{self.unit}"


@dataclass(frozen=True)
class Project:
    name: str
    unit: str
    goal: str
    rows: tuple[Row, ...]


PROJECTS: tuple[Project, ...] = (
    Project("学生资助补助经费", "某县教育局",
            "资助家庭经济困难学生500人，资助资金年底前足额发放，受助学生满意度达到90%以上", (
                Row("产出指标", "数量指标", "资助学生人数", "受助学生数量", "≥", 500, "人"),
                Row("产出指标", "质量指标", "资助对象认定准确率", "认定对象准确比例", "≥", 98, "%"),
                Row("产出指标", "时效指标", "资助资金发放时间", "资金发放时限", None, None, "", "12月底前"),
                Row("产出指标", "成本指标", "生均资助标准", "每生资助金额", "≤", 2500, "元/人"),
                Row("效益指标", "社会效益指标", "受助学生辍学率", "受助学生失学比例", "≤", 1, "%"),
                Row("满意度指标", "服务对象满意度指标", "受助学生满意度", "受助对象满意程度", "≥", 90, "%"))),
    Project("农村公路养护工程", "某县交通运输局",
            "完成农村公路日常养护120公里，优良中等路率达到85%以上，群众出行满意度不低于88%", (
                Row("产出指标", "数量指标", "养护农村公路里程", "农村公路养护总里程", "≥", 120, "公里"),
                Row("产出指标", "数量指标", "修复路面坑槽面积", "路面坑槽修补面积", "≥", 3000, "平方米"),
                Row("产出指标", "质量指标", "优良中等路率", "优良中路比例", "≥", 85, "%"),
                Row("产出指标", "时效指标", "养护工程完工时间", "工程完工时限", None, None, "", "11月底前"),
                Row("效益指标", "社会效益指标", "公路交通事故下降率", "交通事故下降比例", "≥", 5, "%"),
                Row("满意度指标", "服务对象满意度指标", "群众出行满意度", "沿线群众满意程度", "≥", 88, "%"))),
    Project("社区居家养老服务补助", "某区民政局",
            "为800名老年人提供居家养老服务，建成社区助餐点10个，服务对象满意度达到90%", (
                Row("产出指标", "数量指标", "居家养老服务人数", "居家养老服务对象数", "≥", 800, "人"),
                Row("产出指标", "数量指标", "新建社区助餐点数量", "社区助餐点新建个数", "≥", 10, "个"),
                Row("产出指标", "质量指标", "服务合格率", "服务质量合格比例", "≥", 95, "%"),
                Row("产出指标", "成本指标", "人均服务补助标准", "每人服务补助金额", "≤", 1200, "元/人"),
                Row("效益指标", "社会效益指标", "老年人生活质量改善率", "老人生活质量提升比例", "≥", 80, "%"),
                Row("满意度指标", "服务对象满意度指标", "服务对象满意度", "服务对象满意程度", "≥", 90, "%"))),
    Project("高标准农田建设", "某县农业农村局",
            "新建高标准农田2万亩，新增灌溉面积1.5万亩，项目区粮食亩产提高50公斤", (
                Row("产出指标", "数量指标", "新建高标准农田面积", "高标准农田新建面积", "≥", 20000, "亩"),
                Row("产出指标", "数量指标", "新增灌溉面积", "灌溉面积新增数", "≥", 15000, "亩"),
                Row("产出指标", "质量指标", "工程验收合格率", "工程验收合格比例", "≥", 100, "%"),
                Row("产出指标", "时效指标", "项目完工时间", "项目完工时限", None, None, "", "当年底前"),
                Row("效益指标", "经济效益指标", "项目区粮食亩产增加量", "粮食亩产增量", "≥", 50, "公斤"),
                Row("满意度指标", "服务对象满意度指标", "项目区农户满意度", "农户满意程度", "≥", 90, "%"))),
)
# indicators a unit adds at year end: unlike every declared one
EXTRA_ROWS = (("产出指标", "数量指标", "开展政策宣传活动场次", "≥3场", "5场"),
              ("产出指标", "数量指标", "印发工作简报期数", "≥4期", "6期"),
              ("效益指标", "社会效益指标", "媒体正面报道次数", "≥2次", "3次"))
PLACES = ("清河县", "永安县", "长宁县", "安平县", "临泉县", "高阳县", "平山县", "宁远县", "东阳县", "西和县",
          "南丰县", "北流县", "望江县", "石泉县", "青阳县", "泰和县", "怀宁县", "新化县", "武平县", "宜君县",
          "云和县", "兴山县", "太湖县", "德安县", "桐庐县", "富平县", "景宁县", "宁化县", "黎平县", "通渭县")
VAGUE_TARGETS = ("较好", "有效", "明显提升", "显著改善")
REWRITTEN_GOALS = ("全面做好年度各项工作任务，项目实施取得良好社会效益，群众获得感进一步增强",
                   "按照上级要求扎实推进项目实施，切实发挥财政资金使用效益，社会反响良好")


@dataclass
class Planted:
    rule: str
    field: str
    kind: str


@dataclass
class Triple:
    """One project's cycle: the self-evaluation submission, its linked forms and the labels."""

    name: str
    submission: Submission
    cycle: Cycle
    planted: list[Planted] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)


def _fmt(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.2f}".rstrip("0").rstrip(".")


def _money(x: float) -> float:
    return round(x, 2)


def _form(cls: type[F], title: str, project: Project, unit: str, year: int, **fields) -> F:
    """A 申报表 or 监控表 of ``project``: the header both share (:class:`CycleForm`), then its own fields."""
    return cls(title=title, project_name=project.name, department=unit, impl_unit=unit, year=year, **fields)


def make_triple(rng: random.Random, n: int, defects: list[str], decoys: list[str] = (), year: int = 2024,
                project: Project | None = None, total: float | None = None, name: str | None = None) -> Triple:
    """A clean cycle for a random project (or ``project``, with a budget of ``total`` 万元), then the
    ``defects`` (keys of :data:`DEFECTS`) and ``decoys`` planted; each defect on an indicator of its own."""
    project = project or rng.choice(PROJECTS)
    # one cycle per unit + project + year: triple n has a place (and a year) of its own
    place = PLACES[n % len(PLACES)]
    year -= n // len(PLACES)
    unit = project.unit.replace("某县", place).replace("某区", place.replace("县", "区"))
    months = rng.choice((6, 7, 9))
    total = _money(rng.uniform(50, 800)) if total is None else total
    rate = rng.choice((100.0, 98.5, 96.0, 99.2))
    executed = _money(total * rate / 100)
    rows = list(project.rows)

    declaration = _form(Declaration, f"项目支出绩效目标申报表（{year}年度）", project, unit, year, goal=project.goal,
                        funds=[FundSource("年度资金总额", "total", total), FundSource("其中：财政拨款", "current_fiscal", total),
                               FundSource("其他资金", "other", 0.0)],
                        indicators=[PlannedIndicator(r.level1, r.level2, r.name, parse_value(r.target())) for r in rows])
    # self-evaluation rows: (declared index or None, indicator)
    weights = [20.0 if r.level1 == "产出指标" and r.level2 == "数量指标" else 10.0 for r in rows]
    evaluated: list[tuple[int | None, Indicator]] = []
    for k, r in enumerate(rows):
        actual = r.text or _actual_text(r, rng)
        evaluated.append((k, Indicator(level1=r.level1, level2=r.level2, name=r.name, target=parse_value(r.target()),
                                       actual=parse_value(actual), weight=weights[k], score=weights[k])))
    funds = Funds(unit="万元", weight=10.0, rate=parse_value(f"{_fmt(rate)}%"), score=_money(rate / 10),
                  reason=None if rate >= 100 else "部分资金按合同进度于次年初支付",
                  rows=[FundRow("年度资金总额", "total", total, total, executed),
                        FundRow("其中：当年财政拨款", "current_fiscal", total, total, executed)])
    ev = Evaluation(kind="project", layout="mof", title=f"项目支出绩效自评表（{year}年度）", project_name=project.name,
                    department=unit, impl_unit=unit, year=year, funds=funds, goal_planned=project.goal,
                    goal_achieved=project.goal.replace("达到", "实际达到"), total_score=None, grade=None)
    so_far = _money(executed * months / 12 * rng.uniform(0.8, 1.0))
    expected_rate = max(0.0, min(100.0, rate + rng.uniform(-5, 0)))
    mon_rows = []
    for k, r in enumerate(rows):
        _, ind = evaluated[k]
        progress = _progress(r, ind, months) if r.number is not None else "按计划推进"
        mon_rows.append(MonitoredIndicator(r.level1, r.level2, r.name, parse_value(r.target()), parse_value(progress),
                                           parse_value(ind.actual.raw), None, "绿色"))
    monitoring = _form(Monitoring, f"项目支出绩效目标执行监控表（{year}年1-{months}月）", project, unit, year,
                       months=months, budget=total, executed=so_far,
                       rate=parse_value(f"{_fmt(round(so_far / total * 100, 1))}%"),
                       expected_rate=parse_value(f"{_fmt(round(expected_rate, 1))}%"),
                       goal_progress="项目按计划推进", indicators=mon_rows)
    planted: list[tuple[str, object]] = []  # (kind, indicator object or a field key)
    free = list(range(len(rows)))
    rng.shuffle(free)

    def take(pred) -> int | None:
        for k in free:
            if pred(rows[k]):
                free.remove(k)
                return k
        return None

    counts = lambda r: r.number is not None and r.op == "≥" and r.level2 == "数量指标"  # noqa: E731
    positive = lambda r: r.number is not None and r.op == "≥"  # noqa: E731
    numeric = lambda r: r.number is not None  # noqa: E731
    for kind in sorted(defects, key=list(DEFECTS).index):  # a budget change before the spending checked against it
        if kind == "dropped" and (k := take(lambda r: True)) is not None:
            evaluated = [(d, i) for d, i in evaluated if d != k]
            planted.append((kind, f"evaluations[0].declaration.indicators[{k}]"))
        elif kind == "renamed" and (k := take(lambda r: True)) is not None:
            ind = _row_of(evaluated, k)
            ind.name = rows[k].alt
            planted.append((kind, ind))
        elif kind == "lowered" and (k := take(positive)) is not None:
            ind = _row_of(evaluated, k)
            lower = rows[k].number * rng.uniform(0.6, 0.9)
            lower = round(lower) if rows[k].number >= 10 else round(lower, 1)
            ind.target = parse_value(rows[k].target(lower))
            planted.append((kind, ind))
        elif kind == "vaguer" and (k := take(numeric)) is not None:
            ind = _row_of(evaluated, k)
            ind.target = parse_value(rng.choice(VAGUE_TARGETS))
            ind.actual = parse_value("达到预期")
            planted.append((kind, ind))
        elif kind == "warning_ignored" and (k := take(counts)) is not None:
            ind, row = _row_of(evaluated, k), mon_rows[k]
            short = rows[k].number * rng.uniform(0.8, 0.95)
            ind.actual = parse_value(f"{_fmt(round(short))}{rows[k].unit}")
            ind.score = _money(ind.weight * round(short) / rows[k].number)
            row.warning = rng.choice(("黄色", "红色"))
            row.expected = parse_value(f"{_fmt(round(short))}{rows[k].unit}")
            row.progress = parse_value(f"{_fmt(round(short * months / 12))}{rows[k].unit}")
            planted.append((kind, ind))
        elif kind == "count_below" and (k := take(counts)) is not None:
            ind = _row_of(evaluated, k)
            mon_rows[k].progress = parse_value(f"{_fmt(round(ind.actual.number * 1.1))}{rows[k].unit}")
            planted.append((kind, ind))
        elif kind == "added":
            level1, level2, name, target, actual = rng.choice(EXTRA_ROWS)
            ind = Indicator(level1=level1, level2=level2, name=name, target=parse_value(target),
                            actual=parse_value(actual), weight=0.0, score=0.0)
            evaluated.append((None, ind))
            planted.append((kind, ind))
        elif kind == "funds_changed":
            new = _money(total * rng.choice((1.2, 1.5, 0.8)))
            funds.rows[0].budget_full_year = funds.rows[1].budget_full_year = new
            funds.rows[0].exec_amount = funds.rows[1].exec_amount = _money(new * rate / 100)
            planted.append((kind, "evaluations[0].funds.rows[0].budget_full_year"))
        elif kind == "goal_rewritten":
            ev.goal_planned = rng.choice(REWRITTEN_GOALS)
            planted.append((kind, "evaluations[0].goal_planned"))
        elif kind == "spend_below":
            monitoring.executed = _money(funds.rows[0].exec_amount * rng.uniform(1.05, 1.3))
            planted.append((kind, "evaluations[0].funds.rows[0].exec_amount"))
        elif kind == "rate_jump":
            monitoring.expected_rate = parse_value(f"{_fmt(round(rate - rng.uniform(35, 60), 1))}%")
            funds.reason = None
            planted.append((kind, "evaluations[0].funds.rate"))
    for kind in decoys:
        if kind == "raised" and (k := take(positive)) is not None:
            ind = _row_of(evaluated, k)
            ind.target = parse_value(rows[k].target(rows[k].number * 1.1 if rows[k].number >= 10 else rows[k].number))
            ind.actual = parse_value(rows[k].target(rows[k].number * 1.2).lstrip("≥"))
        elif kind == "warning_followed" and (k := take(counts)) is not None:
            mon_rows[k].warning = "黄色"  # the year-end caught up: nothing to explain
            mon_rows[k].expected = parse_value(f"{_fmt(round(rows[k].number * 0.9))}{rows[k].unit}")
        elif kind == "funds_explained" and "funds_changed" not in defects:
            new = _money(total * 1.2)
            funds.rows[0].budget_full_year = funds.rows[1].budget_full_year = new
            funds.rows[0].exec_amount = funds.rows[1].exec_amount = _money(new * rate / 100)
            funds.adjust_reason = f"年中追加预算{_fmt(_money(new - total))}万元，绩效目标不变"
        elif kind == "goal_reworded" and "goal_rewritten" not in defects:
            ev.goal_planned = project.goal.replace("，", "；") + "。"
        elif kind == "rate_jump_explained" and "rate_jump" not in defects:
            monitoring.expected_rate = parse_value(f"{_fmt(round(rate - 40, 1))}%")
            funds.reason = "第四季度集中支付工程进度款，执行进度较监控时明显加快"
    monitoring.executed = min(monitoring.executed, funds.rows[0].exec_amount) if "spend_below" not in defects \
        else monitoring.executed
    ev.indicators = [i for _, i in evaluated]
    name = name or f"cycle-{n:04d}"
    sub = Submission(id=name, kind="table", unit=unit, department=unit, year=year, evaluations=[ev],
                     file=FileInfo(name=f"{name}-自评表.docx", format="docx"))
    out = Triple(name, sub, Cycle(declaration, f"{name}-申报表.docx", [monitoring], [f"{name}-监控表.docx"]),
                 decoys=list(decoys))
    for kind, where in planted:
        if isinstance(where, str):
            out.planted.append(Planted(DEFECTS[kind], where, kind))
        else:
            j = ev.indicators.index(where)
            part = {"renamed": "name", "added": "name", "lowered": "target", "vaguer": "target",
                    "warning_ignored": "deviation_reason", "count_below": "actual"}[kind]
            out.planted.append(Planted(DEFECTS[kind], f"evaluations[0].indicators[{j}].{part}", kind))
    return out


def _row_of(evaluated: list[tuple[int | None, Indicator]], k: int) -> Indicator:
    return next(i for d, i in evaluated if d == k)


def _actual_text(r: Row, rng: random.Random) -> str:
    if r.op == "≥":
        x = r.number * rng.uniform(1.0, 1.08)
    else:
        x = r.number * rng.uniform(0.7, 1.0)
    if r.unit == "%":
        x = min(x, 100.0)
    x = round(x) if r.number >= 10 else round(x, 1)
    if r.op == "≥":
        x = max(x, r.number)
    elif r.op == "≤":
        x = min(x, r.number)
    return f"{_fmt(x)}{r.unit}"


def _progress(r: Row, ind: Indicator, months: int) -> str:
    """What the monitoring round had done: for counts a share of the year-end, else the rate as it stood."""
    if r.level2 == "数量指标" and ind.actual.number is not None:
        return f"{_fmt(round(ind.actual.number * months / 12))}{r.unit}"
    return ind.actual.raw


def make_triples(n: int, seed: int) -> list[Triple]:
    """``n`` triples: about a third clean with decoys, the rest with one to three defects; every
    defect kind planted about equally often."""
    rng = random.Random(seed)
    kinds = list(DEFECTS)
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(make_triple(rng, i, [], rng.sample(DECOYS, rng.randint(1, 3))))
            continue
        chosen = rng.sample(kinds, rng.randint(1, 3))
        if "spend_below" in chosen and "rate_jump" in chosen:
            chosen.remove("rate_jump")
        out.append(make_triple(rng, i, chosen))
    return out
