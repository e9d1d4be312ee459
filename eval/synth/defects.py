"""Planted defects: small mutations of a clean draft, each tied to one docs/domain.md rule.

After the mutations, :func:`eval.synth.narrative.finalize` recomputes everything that depends
on them (scores of untouched rows, total, grade, goal and conclusion texts), so only the
planted rule fires — the corpus keeps a file only when :mod:`eval.synth.oracle` finds exactly
the planted (rule, field) pairs, plus the listed co-defects a mutation cannot avoid.

Locations are field paths (:func:`assistant.model.field_path`); ``e`` is the evaluation index.
"scan" marks mutations that survive OCR (numbers, blank cells) and are planted in scanned PDFs.

| rule | mutation | location | scan |
| --- | --- | --- | --- |
| MISSING-HDR-001 | 主管部门 or 实施单位 cell left blank | ``evaluations[e].department / .impl_unit`` | yes |
| MISSING-FUND-001 | 全年预算数 or 全年执行数 blank on the total row (rate and score kept; a blank 年初预算数 is no defect) | ``evaluations[e].funds.rows[0].budget_full_year / .exec_amount`` | yes |
| MISSING-FUND-002 | the 当年财政拨款 / 财政资金 source row removed, so the rows left fall short of the total (a block of the total row alone is a layout without sources, not a defect) | ``evaluations[e].funds.rows`` | yes |
| MISSING-FUND-003 | 执行率 91–97 % (sichuan: 78–88 % with total < 90) and the 原因 cell blank | ``evaluations[e].funds.reason`` | no |
| MISSING-FUND-004 | 年初 ≠ 全年 budget and the 预算调整原因 row removed | ``evaluations[e].funds.adjust_reason`` | no |
| MISSING-GOAL-001 | 预期目标 or 实际完成情况 blank | ``evaluations[e].goal_planned / .goal_achieved`` | yes |
| MISSING-IND-001 | 三级指标 / 年度指标值 / 实际完成值 / 得分 of one row blank, — or / (a blank 得分 drops out of the total) | ``evaluations[e].indicators[i].name / .target / .actual / .score`` | yes |
| MISSING-IND-003 | 满意度 rows removed, their points moved to a met 效益 row | ``evaluations[e].indicators`` | no |
| MISSING-DEV-001 | an unmet row's 偏差原因 blank / 无 / 暂无 / — / 无偏差 | ``evaluations[e].indicators[i].deviation_reason`` | no |
| MISSING-DEV-002 | an unmet row's 偏差原因 keeps its cause, loses its measure | ``evaluations[e].indicators[i].deviation_reason`` | no |
| MISSING-CONC-001 | 存在问题 and/or 改进措施 = 无 / 暂无 while total < 100 (sichuan, municipal) | ``evaluations[e].problems / .measures (one entry each)`` | no |
| MISSING-CONC-002 | 评价结论 is a process description (no score, grade or result) | ``evaluations[e].conclusion`` | no |
| WEAK-VAL-001 | a 定性 target becomes vague (显著提升, 效果明显 …); grading text kept | ``evaluations[e].indicators[i].target`` | no |
| WEAK-VAL-002 | a quantitative target loses its unit (sichuan: 度量单位 blank) | ``evaluations[e].indicators[i].target`` | no |
| WEAK-VAL-003 | a ≥ target loses its operator (sichuan: 指标性质 blank) | ``evaluations[e].indicators[i].target`` | no |
| WEAK-VAL-004 | a % target written ≥95百分比 (sichuan: 度量单位 = 百分比) | ``evaluations[e].indicators[i].target`` | no |
| WEAK-VAL-005 | the 成本指标 written ≥X with X ≤ actual (score stays full) | ``evaluations[e].indicators[i].target`` | no |
| WEAK-VAL-007 | a deadline becomes 在计划时间内完成 / 及时完成 / 按计划进度完成; co-defect WEAK-STR-006 (same field) | ``evaluations[e].indicators[i].target`` | no |
| WEAK-VAL-008 | 满意度 target lowered to ≥70 % / ≥75 % (still met) | ``evaluations[e].indicators[i].target`` | no |
| WEAK-STR-001 | a met 质量/效益 row replaced by 预算执行率 / 资金拨付及时率 / 结余率 / 科目调整次数 / 资金使用合规率 | ``evaluations[e].indicators[i].name`` | no |
| WEAK-STR-002 | one met 数量 row carries 50 points (blocks and their titles re-weighted) | ``evaluations[e].indicators`` | no |
| CALC-FUND-001 | stated 执行率 0.3–0.45 pp off the recomputed one (score follows the true rate) | ``evaluations[e].funds.rate`` | yes |
| CALC-FUND-002 | execution score full (or 1 point low) although 执行率 < 100 % | ``evaluations[e].funds.score`` | yes |
| CALC-FUND-003 | 全年执行数 2–8 % above 全年预算数 (rate > 100 %, score capped) | ``evaluations[e].funds.rows[0].exec_amount`` | yes |
| CALC-FUND-004 | one source row changed so the total ≠ Σ sources in that column | ``evaluations[e].funds.rows[0].<column>`` | yes |
| CALC-IND-001 | an unmet ≥ row scored ≥ 0.5 point away from 分值×B/A, below 分值 | ``evaluations[e].indicators[i].score`` | yes |
| CALC-IND-002 | an unmet ≤ row scored ≥ 0.5 point away from 分值×A/B | ``evaluations[e].indicators[i].score`` | yes |
| CALC-IND-004 | a 部分达成 row scored 0.9 × 分值 (above its band) | ``evaluations[e].indicators[i].score`` | no |
| CALC-IND-005 | a met ≥ row scored 分值 + 1…3; co-defect CALC-IND-001 (same field) | ``evaluations[e].indicators[i].score`` | yes |
| CALC-IND-006 | one met row's 分值 (and score) ±2–3; level-1 titles shown without points | ``evaluations[e].indicators`` | yes |
| CALC-IND-007 | a level-1 title states ±5 points against its rows (产出指标（55分）) | ``evaluations[e].block_weights.产出指标 / .效益指标`` | no |
| CALC-TOT-001 | 总分 0.5–3 points off Σ scores, same grade band (below it when a 得分 is blank) | ``evaluations[e].total_score`` | yes |
| CALC-GRADE-001 | a 评价等级 row shows the neighbouring band | ``evaluations[e].grade`` | yes |
| SCORE-OVR-001 | a met count row's actual 1.6–2.4 × its target, full score, no note | ``evaluations[e].indicators[i].score`` | yes |
| SCORE-EXE-001 | 执行率 78–88 % (explained) while every 产出 row has full marks | ``evaluations[e].total_score`` | no |
| SCORE-NUM-001 | a met quantitative row's actual is 已完成 / 完成 / 达成预期指标 / 全部完成 | ``evaluations[e].indicators[i].actual`` | yes |
| SCORE-CTR-001 | a full-score row's 偏差原因 admits 滞后 / 部分完成 / 未完成 | ``evaluations[e].indicators[i].score`` | no |
| SCORE-GOAL-001 | 实际完成情况 copies 预期目标 (similarity ≥ 0.9) | ``evaluations[e].goal_achieved`` | no |
| DEPT-MISS-001 | 部门整体: a deducted row's 扣分原因和其他说明 blank / 无 | ``evaluations[0].indicators[i].deviation_reason`` | — |
| MISSING-IND-001 | 部门整体: one full row's 自评得分 blank / — | ``evaluations[0].indicators[i].score`` | — |
| CALC-IND-005 | 部门整体: 自评得分 = 分值 + 1 on one full row | ``evaluations[0].indicators[i].score`` | — |
| CALC-TOT-001 | 部门整体: 合计 0.5–3 points off Σ 自评得分, same grade band (below when a 得分 is blank) | ``evaluations[0].total_score`` | — |
| MISSING-RPT-001 | report: one of 基本情况 / 目标完成情况 / 存在问题 / 改进措施 dropped (with its subsections) | ``sections`` | — |
| MISSING-EVID-001 | report: every 佐证材料 / 数据来源 sentence removed | ``sections`` | — |

Not labelled (a checker may report them freely): info rules the mutations may touch
(WEAK-STR-003 after re-weighting, SCORE-SAT-001 when 满意度 is removed), semantic rules
(WEAK-GOAL-001, WEAK-STR-004/005, SCORE-NAR-001, SCORE-QUAL-001, WEAK-DUP-001),
MISSING-SIGN-001, CALC-FUND-005, CALC-AGG-001, MISSING-EVID-001 on tables and the DEPT-CALC
formulas. Everything in :data:`eval.synth.oracle.LABELLED` is exact.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from assistant.model import field_path
from assistant.values import parse_value
from eval.synth import content as C
from eval.synth.cells import compact, number
from eval.synth.draft import BANDS, Draft, Ind, grade_of
from eval.synth.narrative import finalize


@dataclass(frozen=True)
class Planted:
    rule: str
    field: str
    note: str = ""


Apply = Callable[[Draft, random.Random, int], "list[Planted] | None"]


@dataclass(frozen=True)
class Plant:
    rule: str
    apply: Apply
    group: str = "ind"  # plants of one group (other than "ind") exclude each other
    phase: int = 1  # 0: re-weighting (before rows are picked), 1: facts, 2: after a first finalize
    layouts: frozenset[str] | None = None
    needs: frozenset[str] = frozenset()
    scan: bool = False
    co: frozenset[str] = frozenset()  # rules the mutation necessarily fires as well
    force: Callable[[Draft], None] | None = None  # layout switches set before any mutation


def _fp(e: int, *parts: str | int) -> str:
    return field_path(e, *parts)


def _pick(d: Draft, rng: random.Random, pred: Callable[[Ind], bool]) -> int | None:
    choices = [k for k, ind in enumerate(d.inds) if k not in d.touched and pred(ind)]
    if not choices:
        return None
    k = rng.choice(choices)
    d.touched.add(k)
    return k


def _one(rule: str, field: str, note: str) -> list[Planted]:
    return [Planted(rule, field, note)]


def _count_row(ind: Ind) -> bool:
    return ind.kind == "pos" and ind.met and ind.unit not in ("%", None) and ind.level1 != "满意度指标"


# --- header, goal, conclusion -----------------------------------------------------------------------


def missing_hdr(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    attr = rng.choice(("department", "impl_unit"))
    setattr(d, attr, None)
    return _one("MISSING-HDR-001", _fp(e, attr), f"{'主管部门' if attr == 'department' else '实施单位'}为空")


def missing_goal(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    attr = rng.choice(("goal_planned", "goal_achieved"))
    d.locks.add(attr)
    setattr(d, attr, None)
    return _one("MISSING-GOAL-001", _fp(e, attr), "年度总体目标栏为空")


def goal_copy(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    planned = d.goal_planned or ""
    d.goal_achieved = rng.choice((planned, planned.replace("计划实现", "已实现"), planned.rstrip("。") + "，已全部完成。"))
    d.locks.add("goal_achieved")
    return _one("SCORE-GOAL-001", _fp(e, "goal_achieved"), "实际完成情况照抄预期目标")


def missing_conc(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    which = rng.choice((("problems",), ("measures",), ("problems", "measures")))
    out = []
    for attr in which:
        setattr(d, attr, rng.choice(("无", "暂无")))
        d.locks.add(attr)
        out.append(Planted("MISSING-CONC-001", _fp(e, attr), f"总分{compact(d.true_total())}<100，{attr}填“无”"))
    return out


def process_conclusion(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    d.conclusion = rng.choice(C.PROCESS_CONCLUSIONS)
    d.locks.add("conclusion")
    return _one("MISSING-CONC-002", _fp(e, "conclusion"), "评价结论只描述资金拨付过程")


# --- funds ----------------------------------------------------------------------------------------------


def _freeze_rate(d: Draft) -> None:
    """Keep the stated rate and score as they were before an amount changes or disappears."""
    from eval.synth.cells import rate_text

    d.funds.rate_text = rate_text(d.funds)
    d.funds.score = d.funds.correct_score()
    d.funds.locked = True


def missing_fund_amount(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    _freeze_rate(d)
    attr, col = rng.choice((("full", "budget_full_year"), ("exec", "exec_amount")))
    setattr(d.funds.total, attr, None)
    return _one("MISSING-FUND-001", _fp(e, "funds", "rows", 0, col), "年度资金总额行缺数")


def missing_sources(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    d.funds.lines = [line for line in d.funds.lines if line.category != "current_fiscal"]
    return _one("MISSING-FUND-002", _fp(e, "funds", "rows"), "缺少当年财政拨款行，来源合计不到总额")


def unexplained_rate(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    rate = d.funds.true_rate()
    if rate is None or rate >= (90.0 if d.layout == "sichuan" else 100.0) or not d.funds.cause:
        return None
    d.funds.cause = d.funds.measure = None
    return _one("MISSING-FUND-003", _fp(e, "funds", "reason"), f"执行率{rate:.2f}%未说明原因")


def unexplained_adjustment(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    if not d.funds.adjust_reason:
        return None
    d.funds.adjust_reason = None
    return _one("MISSING-FUND-004", _fp(e, "funds", "adjust_reason"), "年初预算与全年预算不一致，未说明调整原因")


def wrong_rate(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    rate = d.funds.true_rate()
    if rate is None or not 91.0 <= rate <= 99.4:
        return None
    stated = rate + rng.choice((-1, 1)) * rng.uniform(0.3, 0.45)
    d.funds.rate_text = f"{stated:.2f}%"
    return _one("CALC-FUND-001", _fp(e, "funds", "rate"), f"执行率{stated:.2f}%应为{rate:.2f}%")


def wrong_exec_score(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    correct = d.funds.correct_score()
    if correct is None or correct >= d.funds.weight:
        return None
    stated = d.funds.weight if correct <= d.funds.weight - 0.3 else round(correct - 1.0, 2)
    d.funds.score, d.funds.locked = stated, True
    return _one("CALC-FUND-002", _fp(e, "funds", "score"), f"执行率得分{compact(stated)}应为{correct:.2f}")


def overspent(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    total = d.funds.total
    if not total.full or len(d.funds.lines) < 2:
        return None
    new = int(total.full * rng.uniform(1.02, 1.08))
    delta = new - (total.exec or 0)
    total.exec = new
    d.funds.lines[1].exec = (d.funds.lines[1].exec or 0) + delta
    d.funds.cause = d.funds.measure = None
    return _one("CALC-FUND-003", _fp(e, "funds", "rows", 0, "exec_amount"), "全年执行数超过全年预算数")


def sources_mismatch(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    if len(d.funds.lines) < 2 or not d.funds.lines[1].full:
        return None
    line = d.funds.lines[1]
    attr, col = rng.choice((("initial", "budget_initial"), ("full", "budget_full_year"), ("exec", "exec_amount")))
    value = getattr(line, attr) or 0
    unit_cents = 100 * (10000 if d.funds.unit == "元" else 1)
    delta = max(int(value * rng.uniform(0.03, 0.12)), unit_cents // 2)
    setattr(line, attr, value + rng.choice((-1, 1)) * delta)
    return _one("CALC-FUND-004", _fp(e, "funds", "rows", 0, col), "资金总额不等于各来源之和")


def low_exec_high_score(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    if any(not i.met for i in d.inds if i.level1 == "产出指标") or len(d.funds.lines) < 2:
        return None
    total = d.funds.total
    target = int((total.full or 0) * rng.uniform(0.78, 0.88))
    shortfall = (total.exec or 0) - target
    line = d.funds.lines[1]
    if (line.exec or 0) < shortfall:
        return None
    line.exec = (line.exec or 0) - shortfall
    total.exec = target
    d.funds.cause, d.funds.measure = rng.choice(C.FUND_CAUSES), rng.choice(C.FUND_MEASURES)
    return _one("SCORE-EXE-001", _fp(e, "total_score"), "执行率低于90%，产出指标仍全部满分")


# --- weights ----------------------------------------------------------------------------------------------


def _reweight(d: Draft, level1: str, total: float, keep: Ind | None = None) -> None:
    rows = [i for i in d.inds if i.level1 == level1 and i is not keep]
    rest = total - (keep.weight if keep is not None else 0.0)
    base, extra = divmod(int(rest), len(rows))
    for k, ind in enumerate(rows):
        ind.weight = float(base + (1 if k < extra else 0))


def no_satisfaction(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    sat = [i for i in d.inds if i.level1 == "满意度指标"]
    benefit = [i for i in d.inds if i.level1 == "效益指标" and i.met and i.kind != "date"]
    others_unmet = any(not i.met for i in d.inds if i.level1 != "满意度指标")
    if not sat or not benefit or not others_unmet:  # else every row is full: SCORE-ALL-001
        return None
    moved = sum(i.weight for i in sat)
    rng.choice(benefit).weight += moved
    d.inds = [i for i in d.inds if i.level1 != "满意度指标"]
    d.title_weights["效益指标"] = d.title_weights.get("效益指标", 0.0) + moved
    d.title_weights.pop("满意度指标", None)
    return _one("MISSING-IND-003", _fp(e, "indicators"), "未设置满意度指标")


def lopsided(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    heavy = [i for i in d.inds if i.level2 == "数量指标" and i.met]
    others = [i for i in d.inds if i.level1 == "产出指标" and i.weight and i not in heavy[:1]]
    benefit = [i for i in d.inds if i.level1 == "效益指标"]
    if not heavy or not others or not benefit:
        return None
    row = rng.choice(heavy)
    others = [i for i in d.inds if i.level1 == "产出指标" and i is not row]
    out_total = 50.0 + max(10.0, 2.0 * len(others))
    ben_total = d.title_weights["产出指标"] + d.title_weights["效益指标"] - out_total
    if ben_total < 2 * len(benefit) or len(others) > 10:
        return None
    row.weight = 50.0
    _reweight(d, "产出指标", out_total, keep=row)
    _reweight(d, "效益指标", ben_total)
    d.title_weights.update({"产出指标": out_total, "效益指标": ben_total})
    return _one("WEAK-STR-002", _fp(e, "indicators"), f"“{row.name}”一项占50分")


def weights_off(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.met and i.weight >= 5)
    if k is None:
        return None
    delta = rng.choice((-3.0, -2.0, 2.0, 3.0))
    if d.true_total() + delta > 100:
        delta = -abs(delta)
    d.inds[k].weight += delta
    return _one("CALC-IND-006", _fp(e, "indicators"), f"指标分值合计{compact(sum(i.weight for i in d.inds) + d.funds.weight)}≠100")


def title_off(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    block = rng.choice(("产出指标", "效益指标"))
    d.title_weights[block] += rng.choice((-5.0, 5.0))
    return _one("CALC-IND-007", _fp(e, "block_weights", block), f"{block}标题分值与各行分值之和不符")


# --- indicator rows ---------------------------------------------------------------------------------------


def blank_cell(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    attr = rng.choice(("name", "target", "actual", "score", "score"))
    k = _pick(d, rng, lambda i: True)
    if k is None:
        return None
    ind = d.inds[k]
    token = "" if attr == "name" else rng.choice(("", "—", "/"))
    if attr == "score":
        ind.score, ind.locked = None, True
    ind.cells[attr] = token
    return _one("MISSING-IND-001", _fp(e, "indicators", k, attr), f"“{ind.name}”{attr}为空")


def no_reason(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: not i.met and bool(i.cause))
    if k is None:
        return None
    token = rng.choice(("", "无", "暂无", "—", "无偏差"))
    if d.layout == "municipal":
        d.inds[k].cells.update({"reason": token, "measure": ""})
    else:
        d.inds[k].cells["dev"] = token
    return _one("MISSING-DEV-001", _fp(e, "indicators", k, "deviation_reason"), f"“{d.inds[k].name}”未完成未说明原因")


def no_measure(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: not i.met and bool(i.cause))
    if k is None:
        return None
    d.inds[k].measure = None
    return _one("MISSING-DEV-002", _fp(e, "indicators", k, "deviation_reason"), "只有原因，没有改进措施")


def vague_target(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind == "qual" and bool(i.subject))
    if k is None:
        return None
    ind = d.inds[k]
    ind.statement = f"{ind.subject}{rng.choice(C.VAGUE_PREDICATES)}"
    if not parse_value(ind.statement).vague:
        return None
    return _one("WEAK-VAL-001", _fp(e, "indicators", k, "target"), f"指标值“{ind.statement}”不可衡量")


def _plain_number(ind: Ind, x: float) -> str:
    return number(x, ind.shown_decimals(x))


def no_unit(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind in ("pos", "rev") and i.unit not in (None, "%"))
    if k is None:
        return None
    ind = d.inds[k]
    if d.layout == "sichuan":
        ind.cells["unit"] = ""
    else:
        ind.cells["target"] = f"{'≥' if ind.kind == 'pos' else '≤'}{_plain_number(ind, ind.target or 0)}"
    return _one("WEAK-VAL-002", _fp(e, "indicators", k, "target"), "指标值缺少计量单位")


def no_operator(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind == "pos")
    if k is None:
        return None
    ind = d.inds[k]
    if d.layout == "sichuan":
        ind.cells["nature"] = ""
    else:
        ind.cells["target"] = f"{_plain_number(ind, ind.target or 0)}{ind.unit or ''}"
    return _one("WEAK-VAL-003", _fp(e, "indicators", k, "target"), "指标值缺少≥/≤等指标性质")


def bad_unit(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind == "pos" and i.unit == "%" and (i.target or 0) < 100)
    if k is None:
        return None
    ind = d.inds[k]
    if d.layout == "sichuan":
        ind.cells["unit"] = "百分比"
    else:
        ind.cells["target"] = f"≥{_plain_number(ind, ind.target or 0)}百分比"
    return _one("WEAK-VAL-004", _fp(e, "indicators", k, "target"), "计量单位写作“百分比”")


def cost_upward(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.level2 == "成本指标" and i.kind == "rev" and i.met and (i.actual or 0) > 0)
    if k is None:
        return None
    ind = d.inds[k]
    q = 10 ** ind.decimals
    ind.kind, ind.target = "pos", math.floor((ind.actual or 0) * q) / q
    return _one("WEAK-VAL-005", _fp(e, "indicators", k, "target"), "成本指标使用≥")


def vague_deadline(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind == "date")
    if k is None:
        return None
    d.inds[k].statement = rng.choice(C.VAGUE_TIMELINESS)
    return _one("WEAK-VAL-007", _fp(e, "indicators", k, "target"), "时效指标无具体时限")


def low_satisfaction_target(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.level1 == "满意度指标" and i.met and (i.actual or 0) >= 85)
    if k is None:
        return None
    d.inds[k].target = rng.choice((70.0, 75.0))
    return _one("WEAK-VAL-008", _fp(e, "indicators", k, "target"), "满意度目标低于80%")


def budget_item(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.met and i.kind != "date" and (i.level2 == "质量指标" or i.level1 == "效益指标"))
    if k is None:
        return None
    rate = d.funds.true_rate() or 0.0
    items = [it for it in C.BUDGET_ITEMS if it[0] != "预算执行率" or rate >= 95]
    name, kind, unit, target = rng.choice(items)
    ind = d.inds[k]
    ind.name, ind.kind, ind.unit, ind.target, ind.band, ind.statement, ind.result = name, kind, unit, target, None, None, None
    ind.decimals = 1 if unit == "%" else 0
    if name == "预算执行率":
        ind.actual = round(rate, 1)
    elif kind == "pos":
        ind.actual = round(rng.uniform(target, 100.0), 1)
    elif kind == "rev":
        ind.actual = round(rng.uniform(0.75 * target, target), ind.decimals)
    else:
        ind.actual = target
    return _one("WEAK-STR-001", _fp(e, "indicators", k, "name"), f"“{name}”属于预算管理内容")


def _off_score(correct: float, weight: float, rng: random.Random) -> float | None:
    ups = [x / 2 for x in range(math.ceil((correct + 0.5) * 2), math.floor((weight - 0.5) * 2) + 1)]
    downs = [x / 2 for x in range(math.ceil(max(0.0, correct - 2.0) * 2), math.floor((correct - 0.5) * 2) + 1)]
    pool = ups or downs
    return rng.choice(pool) if pool else None


def _wrong_score(rule: str, kind: str, formula: str) -> Apply:
    def apply(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
        k = _pick(d, rng, lambda i: i.kind == kind and not i.met)
        if k is None:
            return None
        ind = d.inds[k]
        correct = ind.correct_score()
        stated = _off_score(correct, ind.weight, rng)
        if stated is None:
            return None
        ind.score, ind.locked = stated, True
        return _one(rule, _fp(e, "indicators", k, "score"), f"得分{compact(stated)}应为{correct:.2f}（{formula}）")
    return apply


def band_score(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind == "qual" and i.band == "部分达成")
    if k is None:
        return None
    ind = d.inds[k]
    ind.score, ind.locked = round(ind.weight * 0.9, 2), True
    return _one("CALC-IND-004", _fp(e, "indicators", k, "score"), "部分达成却按达成档（90%）计分")


def extra_credit(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind == "pos" and i.met)
    if k is None:
        return None
    ind = d.inds[k]
    ind.score, ind.locked = ind.weight + rng.choice((1.0, 2.0, 3.0)), True
    return _one("CALC-IND-005", _fp(e, "indicators", k, "score"), f"得分{compact(ind.score)}超过分值{compact(ind.weight)}")


def overshoot(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, _count_row)
    if k is None:
        return None
    ind = d.inds[k]
    q = 10 ** ind.decimals
    ind.actual = math.ceil((ind.target or 0) * rng.uniform(1.6, 2.4) * q) / q
    return _one("SCORE-OVR-001", _fp(e, "indicators", k, "score"), "实际值远超目标值仍得满分，目标设定偏低")


def text_actual(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.kind == "pos" and i.met)
    if k is None:
        return None
    d.inds[k].cells["actual"] = rng.choice(C.TEXT_ACTUALS)
    return _one("SCORE-NUM-001", _fp(e, "indicators", k, "actual"), "实际完成值未填数值却得满分")


def contradiction(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    k = _pick(d, rng, lambda i: i.met and i.kind in ("pos", "eq", "rev"))
    if k is None:
        return None
    ind = d.inds[k]
    ind.cause, ind.measure = rng.choice(C.CONTRADICTIONS), rng.choice(C.MEASURES)
    return _one("SCORE-CTR-001", _fp(e, "indicators", k, "score"), "偏差说明称未完成，得分却为满分")


# --- result -----------------------------------------------------------------------------------------------


class Totalled(Protocol):
    """A draft with a stated total (a project :class:`Draft` or a 部门整体 draft)."""

    total: float | None
    locks: set[str]

    def true_total(self) -> float: ...


def misstate_total(d: Totalled, rng: random.Random, blank_score: bool) -> tuple[float, float] | None:
    """Lock the total 0.5–3 points off Σ of the filled-in scores, in the same grade band; (stated, true).

    With a blank 得分 on the form the blank row could hold a surplus, so the stated total goes
    below the sum, where no value of the blank can explain it.
    """
    true = d.true_total()
    for _ in range(20):
        sign = rng.choice((-1, 1))
        stated = round(true + (-1 if blank_score else sign) * rng.uniform(0.5, 3.0), 2)
        if stated <= 100 and grade_of(stated) == grade_of(true):
            d.total = stated
            d.locks.add("total")
            return stated, true
    return None


def wrong_total(d: Draft, rng: random.Random, e: int) -> list[Planted] | None:
    got = misstate_total(d, rng, any(i.score is None for i in d.inds))
    if got is None:
        return None
    return _one("CALC-TOT-001", _fp(e, "total_score"), f"总分{compact(got[0])}应为{compact(got[1])}")


def wrong_grade(d: Draft, rng: random.Random, e: int) -> list[Planted]:
    names = [name for _, name in BANDS]
    k = names.index(grade_of(d.true_total()))
    wrong = names[k + 1] if k == 0 else names[k - 1]
    d.show_grade, d.grade = True, wrong
    d.locks.add("grade")
    return _one("CALC-GRADE-001", _fp(e, "grade"), f"评价等级应为{names[k]}")


def _force_titles(on: bool) -> Callable[[Draft], None]:
    def force(d: Draft) -> None:
        d.l1_titles = on
    return force


def _force_grade(d: Draft) -> None:
    d.show_grade = True


_S = frozenset({"sichuan"})
_MM = frozenset({"mof", "municipal"})
_CONC = frozenset({"sichuan", "municipal"})

PLANTS: tuple[Plant, ...] = (
    Plant("MISSING-HDR-001", missing_hdr, group="hdr", scan=True),
    Plant("MISSING-FUND-001", missing_fund_amount, group="funds", scan=True),
    Plant("MISSING-FUND-002", missing_sources, group="funds", scan=True),
    Plant("MISSING-FUND-003", unexplained_rate, group="funds", layouts=_MM, needs=frozenset({"rate_high"})),
    Plant("MISSING-FUND-003", unexplained_rate, group="funds", layouts=_S, needs=frozenset({"rate_low"})),
    Plant("MISSING-FUND-004", unexplained_adjustment, group="funds", needs=frozenset({"adjusted"})),
    Plant("MISSING-GOAL-001", missing_goal, group="goal", scan=True),
    Plant("MISSING-IND-001", blank_cell, scan=True),
    Plant("MISSING-IND-003", no_satisfaction, group="weights", phase=0),
    Plant("MISSING-DEV-001", no_reason, needs=frozenset({"unmet_pos"})),
    Plant("MISSING-DEV-002", no_measure, needs=frozenset({"unmet_pos"})),
    Plant("MISSING-CONC-001", missing_conc, group="concl", layouts=_CONC, needs=frozenset({"conclusion"})),
    Plant("MISSING-CONC-002", process_conclusion, group="concl", layouts=_CONC, needs=frozenset({"conclusion"})),
    Plant("WEAK-VAL-001", vague_target, needs=frozenset({"qual"})),
    Plant("WEAK-VAL-002", no_unit),
    Plant("WEAK-VAL-003", no_operator),
    Plant("WEAK-VAL-004", bad_unit),
    Plant("WEAK-VAL-005", cost_upward, needs=frozenset({"cost_met"})),
    Plant("WEAK-VAL-007", vague_deadline, needs=frozenset({"date"}), co=frozenset({"WEAK-STR-006"})),
    Plant("WEAK-VAL-008", low_satisfaction_target, needs=frozenset({"sat_met"})),
    Plant("WEAK-STR-001", budget_item),
    Plant("WEAK-STR-002", lopsided, group="weights", phase=0),
    Plant("CALC-FUND-001", wrong_rate, group="funds", needs=frozenset({"rate_high"}), scan=True),
    Plant("CALC-FUND-002", wrong_exec_score, group="funds", needs=frozenset({"rate_high"}), scan=True),
    Plant("CALC-FUND-003", overspent, group="funds", scan=True),
    Plant("CALC-FUND-004", sources_mismatch, group="funds", scan=True),
    Plant("CALC-IND-001", _wrong_score("CALC-IND-001", "pos", "分值×B/A"), needs=frozenset({"unmet_pos"}), scan=True),
    Plant("CALC-IND-002", _wrong_score("CALC-IND-002", "rev", "分值×A/B"), needs=frozenset({"unmet_rev"}), scan=True),
    Plant("CALC-IND-004", band_score, needs=frozenset({"unmet_qual"})),
    Plant("CALC-IND-005", extra_credit, scan=True, co=frozenset({"CALC-IND-001"})),
    Plant("CALC-IND-006", weights_off, group="weights", phase=0, scan=True, force=_force_titles(False)),
    Plant("CALC-IND-007", title_off, group="weights", phase=0, force=_force_titles(True)),
    Plant("CALC-TOT-001", wrong_total, group="result", phase=2, scan=True),
    Plant("CALC-GRADE-001", wrong_grade, group="result", phase=2, scan=True, force=_force_grade),
    Plant("SCORE-OVR-001", overshoot, scan=True),
    Plant("SCORE-EXE-001", low_exec_high_score, group="funds", needs=frozenset({"no_unmet_output"})),
    Plant("SCORE-NUM-001", text_actual, scan=True),
    Plant("SCORE-CTR-001", contradiction),
    Plant("SCORE-GOAL-001", goal_copy, group="goal", phase=2),
)


def compatible(plants: list[Plant], layout: str, scan: bool) -> bool:
    groups = [p.group for p in plants if p.group != "ind"]
    if len(groups) != len(set(groups)):
        return False
    if any(p.layouts is not None and layout not in p.layouts for p in plants):
        return False
    if scan and not all(p.scan for p in plants):
        return False
    needs = set().union(*(p.needs for p in plants)) if plants else set()
    return not {"rate_high", "rate_low"} <= needs


def plant(d: Draft, plants: list[Plant], rng: random.Random, e: int) -> list[Planted] | None:
    """Apply ``plants`` in phase order, then recompute; None when one does not apply."""
    for p in plants:
        if p.force is not None:
            p.force(d)
    out: list[Planted] = []
    for phase in (0, 1, 2):
        if phase == 2:
            finalize(d)
        for p in (p for p in plants if p.phase == phase):
            got = p.apply(d, rng, e)
            if got is None:
                return None
            out += got
    finalize(d)
    return out
