"""Texts that depend on a draft's numbers (goals, conclusion, problems, measures) and
:func:`finalize`, which recomputes every derived value after the builder or a defect changed
the facts.

Goal texts quote the semantic numbers, not the rendered cells: a table whose cell a defect
blanked still describes the work in its goal text, as real submissions do.
"""

from __future__ import annotations

from eval.synth.cells import compact, number
from eval.synth.content import SURVEY
from eval.synth.draft import Draft, Ind, grade_of


def plain_target(ind: Ind) -> str:
    if ind.kind in ("qual", "date"):
        return ind.statement or ""
    op = ind.op if ind.op is not None else {"pos": "≥", "rev": "≤", "eq": "="}[ind.kind]
    x = ind.target or 0.0
    return f"{op}{number(x, ind.shown_decimals(x))}{ind.unit or ''}"


def plain_actual(ind: Ind) -> str:
    if ind.kind in ("qual", "date"):
        return ind.result or ""
    x = ind.actual or 0.0
    return f"{number(x, ind.shown_decimals(x))}{ind.unit or ''}"


def satisfaction(d: Draft) -> Ind | None:
    return next((i for i in d.inds if i.level1 == "满意度指标"), None)


def _outputs(d: Draft) -> list[Ind]:
    return [i for i in d.inds if i.level2 == "数量指标" and i.quantitative][:2]


def survey_sentence(d: Draft) -> str:
    sat = satisfaction(d)
    if sat is None or sat.actual is None:
        return ""
    sent, valid = d.survey
    return SURVEY.format(sent=sent, valid=valid, name=sat.name, value=plain_actual(sat))


def goal_planned(d: Draft) -> str:
    parts = [f"{i.name}{plain_target(i)}" for i in _outputs(d)]
    sat = satisfaction(d)
    tail = f"，{sat.name}{plain_target(sat)}" if sat is not None else ""
    return f"{d.purpose}。{d.year}年计划实现{'、'.join(parts)}{tail}。"


def goal_achieved(d: Draft) -> str:
    done = "，".join(f"{i.name}{plain_actual(i)}" for i in _outputs(d))
    unmet = [i.name for i in d.inds if not i.met]
    gap = f"；{'、'.join(unmet)}未达到年度目标值" if unmet else ""
    survey = survey_sentence(d)
    survey = f"；{survey}" if survey else ""
    return f"全年实际完成{done}{gap}{survey}。以上数据来源于{d.evidence}。"


def conclusion(d: Draft) -> str:
    unmet = sum(1 for i in d.inds if not i.met)
    total = compact(d.total) if d.total is not None else "—"
    rest = f"{unmet}项指标未完全达到年度目标值" if unmet else "各项指标均达到年度目标值"
    return f"经自评，项目综合得分{total}分，评价等级为“{d.grade}”。项目年度绩效目标总体实现，{rest}。"


def problems(d: Draft) -> str:
    items = [f"{i.cause}，{i.name}未达到年度目标值" for i in d.inds if not i.met and i.cause]
    if d.funds.cause:
        items.append(f"{d.funds.cause}，预算执行率未达到100%")
    return "；".join(items) + "。" if items else "部分指标完成进度不均衡。"


def measures(d: Draft) -> str:
    seen: list[str] = []
    for m in [i.measure for i in d.inds if not i.met] + [d.funds.measure]:
        if m and m not in seen:
            seen.append(m)
    return "；".join(seen) + "。" if seen else "下一步将加强项目全过程绩效管理。"


def finalize(d: Draft) -> None:
    """Recompute unlocked scores, the total, the grade and the narrative texts."""
    for ind in d.inds:
        if not ind.locked:
            ind.score = ind.correct_score()
    if not d.funds.locked:
        d.funds.score = d.funds.correct_score()
    if "total" not in d.locks:
        d.total = d.true_total()
    if "grade" not in d.locks:
        d.grade = grade_of(d.total) if d.total is not None else None
    if "goal_planned" not in d.locks:
        d.goal_planned = goal_planned(d)
    if "goal_achieved" not in d.locks:
        d.goal_achieved = goal_achieved(d)
    if d.has_conclusion:
        for name, make in (("conclusion", conclusion), ("problems", problems), ("measures", measures)):
            if name not in d.locks:
                setattr(d, name, make(d))
