"""A reference implementation of the mechanical rules: the *label universe* of the corpus.

The generator runs this on every expected submission and keeps a file only when the rules it
finds are exactly the planted ones (plus the co-defects a mutation cannot avoid, see
:mod:`eval.synth.defects`). So the labels say "these rules fire, and no other rule of
:data:`LABELLED` does" — a checker is scored on :data:`LABELLED` and may report anything else
(info rules such as WEAK-STR-003 or SCORE-SAT-001, semantic ones such as WEAK-GOAL-001)
without penalty. This is not the product's checker; it reads the conditions of docs/domain.md
section 3 literally, with these choices:

* blank = ``None`` or one of :data:`BLANKS` (docs/domain.md MISSING-IND-001 / MISSING-DEV-001);
* 执行率 is recomputed from the total row when its amounts are there, else the stated rate;
* thresholds: 执行率 must be explained below 90 % (sichuan) / 100 % (mof, municipal);
  qualitative bands 80/60 (mof, sichuan) and 80/50 (municipal);
* tolerances: 0.1 point for scores, 0.1 pp for rates, 0.01 of the money unit for sums;
* a forward-looking measure is one of :data:`FORWARD`; a grading rule is one of :data:`GRADING`;
  evidence in a report is one of :data:`EVIDENCE`; the report's four parts are :data:`REPORT_PARTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.model import Evaluation, Indicator, Section, Submission, Value, field_path
from eval.synth.draft import grade_of

BLANKS = frozenset({"", "无", "暂无", "—", "——", "-", "/", "*", "无偏差", "空"})
FORWARD = ("将", "拟", "下一步", "加强", "完善", "加快", "督促", "推进", "今后", "后续", "确保",
           "进一步", "强化", "优化")
CONTRADICT_FULL = ("未完成", "部分完成", "滞后", "延期")
CONTRADICT_LOW = ("全部完成",)
BUDGET_ITEMS = ("预算执行率", "资金拨付", "结余率", "科目调整", "资金使用合规")
GRADING = ("达成/部分达成/未达成", "分档", "评分标准")
RESULT_WORDS = ("完成", "实现", "达到", "达成", "成效", "等级")
EVIDENCE = ("佐证", "数据来源", "来源于", "验收报告", "花名册", "台账", "统计报表")
REPORT_PARTS = {
    "基本情况": ("基本情况", "项目概况"),
    "目标完成情况": ("完成情况", "指标分析", "实现情况"),
    "存在问题": ("问题",),
    "改进措施": ("措施", "建议", "工作计划", "下一步"),
}
EXPLAIN_BELOW = {"sichuan": 90.0}
# the source rows a funds block must list unless the ones listed already make up the total
REQUIRED_SOURCES = {"mof": ("current_fiscal", "carryover", "other"), "sichuan": ("current_fiscal",),
                    "municipal": ("current_fiscal",)}
PARTIAL_FLOOR = {"municipal": 0.5}
OUTPUT, BENEFIT, SAT = "产出指标", "效益指标", "满意度指标"

LABELLED = frozenset({
    "MISSING-HDR-001", "MISSING-FUND-001", "MISSING-FUND-002", "MISSING-FUND-003", "MISSING-FUND-004",
    "MISSING-GOAL-001", "MISSING-IND-001", "MISSING-IND-002", "MISSING-IND-003", "MISSING-IND-004",
    "MISSING-IND-005", "MISSING-DEV-001", "MISSING-DEV-002", "MISSING-CONC-001", "MISSING-CONC-002",
    "MISSING-RPT-001", "MISSING-EVID-001",
    "WEAK-VAL-001", "WEAK-VAL-002", "WEAK-VAL-003", "WEAK-VAL-004", "WEAK-VAL-005", "WEAK-VAL-006",
    "WEAK-VAL-007", "WEAK-VAL-008", "WEAK-STR-001", "WEAK-STR-002", "WEAK-STR-006",
    "CALC-FUND-001", "CALC-FUND-002", "CALC-FUND-003", "CALC-FUND-004", "CALC-IND-001", "CALC-IND-002",
    "CALC-IND-003", "CALC-IND-004", "CALC-IND-005", "CALC-IND-006", "CALC-IND-007", "CALC-TOT-001",
    "CALC-GRADE-001", "SCORE-OVR-001", "SCORE-EXE-001", "SCORE-NUM-001", "SCORE-CTR-001",
    "SCORE-GOAL-001", "SCORE-ALL-001", "DEPT-MISS-001", "WEAK-FORM-001", "MISSING-FORM-001",
})
# The evaluation framework's own level-1 rows (53号: 决策 / 过程; docs/domain.md WEAK-FORM-001): a table
# with them is judged once as a whole, and the indicator-setting conditions do not apply to its rows.
FRAMEWORK_LEVELS = ("决策", "过程", "项目管理")
NOT_ON_FRAMEWORK = frozenset({*(f"WEAK-VAL-00{n}" for n in range(1, 9)), "WEAK-STR-001", "WEAK-STR-006",
                              "MISSING-IND-003", "MISSING-IND-004", "MISSING-IND-005"})

# Rules labelled at one place only. The generator does not control whether a table names its
# data sources, so MISSING-EVID-001 is labelled on reports (``sections``) and free on tables.
LABELLED_ONLY_AT = {"MISSING-EVID-001": "sections"}


def labelled(rule: str, field: str) -> bool:
    """Whether the corpus labels say if ``rule`` fires at ``field``: a checker is scored there."""
    return rule in LABELLED and LABELLED_ONLY_AT.get(rule, field) == field


@dataclass(frozen=True, order=True)
class Hit:
    rule: str
    field: str


def blank(text: str | None) -> bool:
    return text is None or text.strip() in BLANKS


def check(sub: Submission) -> set[Hit]:
    """Every labelled rule that fires on ``sub``."""
    hits: set[Hit] = set()
    for e, ev in enumerate(sub.evaluations):
        hits |= check_department(ev, e) if ev.kind == "department" else check_project(ev, e)
    if sub.kind == "report":
        hits |= check_sections(sub.sections)
    return hits


# --- narrative reports -------------------------------------------------------------------------------


def check_sections(sections: list[Section]) -> set[Hit]:
    heads = [t for s in sections for t in s.path]
    hits = set()
    if any(not any(w in h for h in heads for w in words) for words in REPORT_PARTS.values()):
        hits.add(Hit("MISSING-RPT-001", "sections"))
    texts = [s.text for s in sections] + heads
    if not any(w in t for t in texts for w in EVIDENCE):
        hits.add(Hit("MISSING-EVID-001", "sections"))
    return hits


# --- 部门整体 --------------------------------------------------------------------------------------------


def check_department(ev: Evaluation, e: int) -> set[Hit]:
    hits: set[Hit] = set()
    for i, ind in enumerate(ev.indicators):
        for attr in ("name", "weight", "score"):
            if getattr(ind, attr) is None:
                hits.add(Hit("MISSING-IND-001", field_path(e, "indicators", i, attr)))
        if ind.weight is not None and ind.score is not None:
            if ind.score < ind.weight - 0.005 and blank(ind.deviation_reason):
                hits.add(Hit("DEPT-MISS-001", field_path(e, "indicators", i, "deviation_reason")))
            if ind.score > ind.weight + 0.005:
                hits.add(Hit("CALC-IND-005", field_path(e, "indicators", i, "score")))
    hits |= _weights_and_total(ev, e, 100.0)
    return hits


def _weights_and_total(ev: Evaluation, e: int, full: float) -> set[Hit]:
    hits: set[Hit] = set()
    weights = [i.weight for i in ev.indicators]
    if weights and all(w is not None for w in weights):
        own = sum(weights) + (ev.funds.weight or 0.0)
        block = ev.indicator_block_weight
        if abs(own - full) > 0.01 or (block is not None and abs(sum(weights) - block) > 0.01):
            hits.add(Hit("CALC-IND-006", field_path(e, "indicators")))
    if ev.total_score is not None:
        expected = sum(i.score for i in ev.indicators if i.score is not None) + (ev.funds.score or 0.0)
        if abs(ev.total_score - expected) > 0.1:
            hits.add(Hit("CALC-TOT-001", field_path(e, "total_score")))
        if ev.grade is not None and ev.grade != grade_of(ev.total_score):
            hits.add(Hit("CALC-GRADE-001", field_path(e, "grade")))
    return hits


# --- project evaluations -----------------------------------------------------------------------------


def framework(ev: Evaluation) -> bool:
    """A level-1 row names the framework's 决策 or 过程 block (项目决策, 项目过程, 项目管理)."""
    return any(any(w in (i.level1 or "") for w in FRAMEWORK_LEVELS) for i in ev.indicators)


def unscored(ev: Evaluation) -> bool:
    """Not one indicator row has a 分值 or a 得分: the table has no such columns."""
    return bool(ev.indicators) and all(i.weight is None and i.score is None for i in ev.indicators)


def check_project(ev: Evaluation, e: int) -> set[Hit]:
    hits = _header_and_goal(ev, e) | _funds(ev, e) | _weights_and_total(ev, e, 100.0)
    hits |= _coverage(ev, e) | _conclusion(ev, e)
    scored = not unscored(ev)
    for i, ind in enumerate(ev.indicators):
        hits |= {Hit(rule, field_path(e, "indicators", i, attr)) for rule, attr in _row(ev, ind)
                 if scored or attr not in ("weight", "score")}
    if not scored:
        hits.add(Hit("MISSING-FORM-001", field_path(e, "indicators")))
    if framework(ev):
        hits = {h for h in hits if h.rule not in NOT_ON_FRAMEWORK}
        hits.add(Hit("WEAK-FORM-001", field_path(e, "indicators")))
    for name, weight in ev.block_weights.items():
        rows = [i.weight or 0.0 for i in ev.indicators if i.level1 == name]
        if abs(sum(rows) - weight) > 0.01:
            hits.add(Hit("CALC-IND-007", field_path(e, "block_weights", name)))
    hits |= _score_patterns(ev, e)
    return hits


def _header_and_goal(ev: Evaluation, e: int) -> set[Hit]:
    hits = {Hit("MISSING-HDR-001", field_path(e, a)) for a in ("project_name", "department", "impl_unit")
            if blank(getattr(ev, a))}
    hits |= {Hit("MISSING-GOAL-001", field_path(e, a)) for a in ("goal_planned", "goal_achieved")
             if blank(getattr(ev, a))}
    if not blank(ev.goal_planned) and not blank(ev.goal_achieved) \
            and SequenceMatcher(None, ev.goal_planned, ev.goal_achieved).ratio() >= 0.9:
        hits.add(Hit("SCORE-GOAL-001", field_path(e, "goal_achieved")))
    return hits


def rate_of(ev: Evaluation) -> float | None:
    """执行率 in %, recomputed from the total row when possible, else as stated."""
    t = ev.funds.total
    if t is not None and t.budget_full_year and t.exec_amount is not None:
        return t.exec_amount / t.budget_full_year * 100
    return ev.funds.rate.number


def _funds(ev: Evaluation, e: int) -> set[Hit]:
    f, t, hits = ev.funds, ev.funds.total, set()
    if t is None:
        return hits
    k = f.rows.index(t)
    sources = [r for r in f.rows if r is not t]
    missing = [c for c in REQUIRED_SOURCES.get(ev.layout or "", REQUIRED_SOURCES["mof"])
               if c not in {r.category for r in sources}]
    short = False  # the source rows do not add up to the total in some column
    for col in ("budget_initial", "budget_full_year", "exec_amount"):
        # 执行率 is computed from 全年预算数 and 全年执行数: a blank 年初预算数 (funds handed down
        # in the year) is no missing amount
        if getattr(t, col) is None and col != "budget_initial":
            hits.add(Hit("MISSING-FUND-001", field_path(e, "funds", "rows", k, col)))
        parts = [getattr(r, col) for r in sources]
        known = [p for p in parts if p is not None]
        gap = getattr(t, col) is not None and abs(getattr(t, col) - sum(known)) > 0.011
        short = short or gap
        if gap and known and not missing:
            hits.add(Hit("CALC-FUND-004", field_path(e, "funds", "rows", k, col)))
    if sources and missing and short:  # a block of the total line alone is a layout without sources
        hits.add(Hit("MISSING-FUND-002", field_path(e, "funds", "rows")))
    rate = rate_of(ev)
    if rate is not None and rate < EXPLAIN_BELOW.get(ev.layout or "", 100.0) - 1e-9 and blank(f.reason):
        hits.add(Hit("MISSING-FUND-003", field_path(e, "funds", "reason")))
    if t.budget_initial is not None and t.budget_full_year is not None \
            and abs(t.budget_initial - t.budget_full_year) > 0.005 and blank(f.adjust_reason):
        hits.add(Hit("MISSING-FUND-004", field_path(e, "funds", "adjust_reason")))
    if t.budget_full_year and t.exec_amount is not None:
        if f.rate.number is not None and abs(f.rate.number - rate) > 0.1:
            hits.add(Hit("CALC-FUND-001", field_path(e, "funds", "rate")))
        if t.exec_amount > t.budget_full_year + 0.005:
            hits.add(Hit("CALC-FUND-003", field_path(e, "funds", "rows", k, "exec_amount")))
    if rate is not None and f.weight is not None and f.score is not None:
        expected = f.weight * min(rate, 100.0) / 100
        if abs(f.score - expected) > 0.1 or f.score > f.weight + 0.005:
            hits.add(Hit("CALC-FUND-002", field_path(e, "funds", "score")))
    return hits


def _coverage(ev: Evaluation, e: int) -> set[Hit]:
    l1 = {i.level1 for i in ev.indicators}
    l2 = {i.level2 for i in ev.indicators if i.level1 == OUTPUT}
    rules = [
        ("MISSING-IND-002", OUTPUT not in l1 or BENEFIT not in l1),
        ("MISSING-IND-003", SAT not in l1),
        ("MISSING-IND-004", "数量指标" not in l2 or not {"质量指标", "时效指标"} & l2),
        ("MISSING-IND-005", "成本指标" not in l2 and "成本指标" not in l1),
        ("WEAK-STR-002", len(ev.indicators) < 3 or any((i.weight or 0) >= 50 for i in ev.indicators)),
    ]
    return {Hit(rule, field_path(e, "indicators")) for rule, fired in rules if fired}


def _conclusion(ev: Evaluation, e: int) -> set[Hit]:
    texts = {"conclusion": ev.conclusion, "problems": ev.problems, "measures": ev.measures}
    if all(t is None for t in texts.values()):
        return set()
    hits = set()
    deviates = (ev.total_score or 0) < 100 or any(_unmet(i) for i in ev.indicators)
    if deviates:
        hits |= {Hit("MISSING-CONC-001", field_path(e, k)) for k, t in texts.items() if blank(t)}
    c = ev.conclusion
    if not blank(c) and not re.search(r"[0-9]", c) and not any(w in c for w in RESULT_WORDS):
        hits.add(Hit("MISSING-CONC-002", field_path(e, "conclusion")))
    return hits


def _numbers(ind: Indicator) -> tuple[float, float] | None:
    t, a = ind.target, ind.actual
    if t.number is None or a.number is None or t.qualitative or a.qualitative:
        return None
    if t.unit and a.unit and t.unit != a.unit:
        return None
    return t.number, a.number


def _short(ind: Indicator) -> bool:
    nums = _numbers(ind)
    if nums is None:
        return False
    t, a = nums
    return a > t + 1e-9 if ind.target.op in ("<=", "<") else a < t - 1e-9


def _unmet(ind: Indicator) -> bool:
    low = ind.score is not None and ind.weight is not None and ind.score < ind.weight - 0.005
    return low or _short(ind)


def _expected_score(ind: Indicator) -> tuple[str, float] | None:
    nums = _numbers(ind)
    if nums is None or ind.weight is None:
        return None
    t, a, w, op = *nums, ind.weight, ind.target.op
    if op in ("<=", "<"):
        return "CALC-IND-002", w if a <= t else w * t / a
    if op == "=":
        return ("CALC-IND-003", w if a == t else w * a / t) if a <= t and t else None
    return ("CALC-IND-001", w if a >= t else w * a / t) if t else None


def _band(actual: Value) -> tuple[float, float] | None:
    raw = actual.raw or ""
    for word, band in (("未达成", "low"), ("部分达成", "mid"), ("达成", "top")):
        if word in raw:
            return {"low": (0.0, 0.6), "mid": (0.6, 0.8), "top": (0.8, 1.0)}[band]
    return None


def _row(ev: Evaluation, ind: Indicator) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    t, dev = ind.target, ind.deviation_reason
    # docs/domain.md MISSING-IND-001: an actual of "无" with its reason beside it is filled in
    none_said = (ind.actual.raw or "").strip() == "无" and not blank(dev)
    for attr, missing in (("name", blank(ind.name)), ("target", t.blank), ("actual", ind.actual.blank and not none_said),
                          ("weight", ind.weight is None), ("score", ind.score is None)):
        if missing:
            out.append(("MISSING-IND-001", attr))
    if _unmet(ind) and blank(dev):
        out.append(("MISSING-DEV-001", "deviation_reason"))
    if not blank(dev) and not any(w in dev for w in FORWARD):
        out.append(("MISSING-DEV-002", "deviation_reason"))
    quantitative = t.number is not None and not t.qualitative
    cost = "成本指标" in (ind.level1, ind.level2)
    total = ev.funds.total
    value_rules = [
        ("WEAK-VAL-001", t.vague),
        ("WEAK-VAL-002", quantitative and not t.unit and t.number != 0),  # a zero needs no unit
        ("WEAK-VAL-003", quantitative and t.op is None),
        ("WEAK-VAL-004", "百分比" in (t.raw or "") or (t.unit == "%" and (t.number or 0) > 100)),
        ("WEAK-VAL-005", cost and t.op in (">=", ">")),
        ("WEAK-VAL-006", cost and total is not None and t.unit == ev.funds.unit
         and t.number is not None and t.number == total.budget_full_year),
        ("WEAK-VAL-007", ind.level2 == "时效指标" and t.qualitative),
        ("WEAK-VAL-008", ind.level1 == SAT and not t.blank and (t.number is None or t.number < 80)),
        ("WEAK-STR-006", t.qualitative and not any(g in (t.raw or "") for g in GRADING)),
    ]
    out += [(rule, "target") for rule, fired in value_rules if fired]
    if ind.level1 in (OUTPUT, BENEFIT) and any(w in (ind.name or "") for w in BUDGET_ITEMS):
        out.append(("WEAK-STR-001", "name"))
    w, s = ind.weight, ind.score
    if w is None or s is None:
        return out
    full = s >= w - 0.005
    if s > w + 0.005:
        out.append(("CALC-IND-005", "score"))
    expected = _expected_score(ind)
    if expected is not None and abs(s - expected[1]) > 0.1:
        out.append((expected[0], "score"))
    band = _band(ind.actual) if t.qualitative else None
    if band is not None and w:
        lo, hi = band
        if lo == 0.6:
            lo = PARTIAL_FLOOR.get(ev.layout or "", 0.6)
        if hi == 0.6:
            hi = PARTIAL_FLOOR.get(ev.layout or "", 0.6)
        share = s / w
        if share < lo - 1e-6 or (share >= hi - 1e-6 if hi < 1.0 else share > hi + 1e-6):
            out.append(("CALC-IND-004", "score"))
    nums = _numbers(ind)
    if nums is not None and full and blank(dev) and min(nums) > 0:
        ratio = nums[0] / nums[1] if t.op in ("<=", "<") else nums[1] / nums[0] if t.op != "=" else 1.0
        if ratio >= 1.5:
            out.append(("SCORE-OVR-001", "score"))
    if quantitative and ind.actual.qualitative and full:
        out.append(("SCORE-NUM-001", "actual"))
    if not blank(dev) and any(x in dev for x in (CONTRADICT_FULL if full else CONTRADICT_LOW)):
        out.append(("SCORE-CTR-001", "score"))
    return out


def _score_patterns(ev: Evaluation, e: int) -> set[Hit]:
    hits: set[Hit] = set()
    rate = rate_of(ev)
    inds = ev.indicators
    full = [i.score is not None and i.weight is not None and i.score >= i.weight - 0.005 for i in inds]
    total = ev.total_score
    outputs = [f for i, f in zip(inds, full, strict=True) if i.level1 == OUTPUT]
    if rate is not None and rate < 90 and ((outputs and all(outputs)) or (total or 0) >= 90):
        hits.add(Hit("SCORE-EXE-001", field_path(e, "total_score")))
    t = ev.funds.total
    changed = t is not None and t.budget_initial is not None and t.budget_full_year is not None \
        and abs(t.budget_initial - t.budget_full_year) > 0.005
    if inds and all(full) and (total or 0) >= 98 and ((rate is not None and rate < 100) or not blank(ev.problems) or changed):
        hits.add(Hit("SCORE-ALL-001", field_path(e, "total_score")))
    return hits
