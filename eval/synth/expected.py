"""Drafts → the expected :class:`~assistant.model.Evaluation`: what a perfect extractor reads.

Every field is read back from the cell texts of :mod:`eval.synth.cells` with the product's own
parsers (``parse_value`` for values, ``parse_amount``/``parse_number`` for money and points),
so labels describe exactly what the file shows. Conventions (documented for the extractor):

* ``title`` = title line + year line, e.g. ``项目支出绩效自评表（2023年度）``;
* Sichuan: ``target`` is the parse of 指标性质 + 指标值 + 度量单位 folded into one string
  (:func:`eval.synth.cells.fold`), ``actual`` of 完成值 + 度量单位; ``nature``/``unit`` keep the
  two columns;
* municipal: ``deviation_reason`` = 偏差原因 and 改进措施 cells joined by "；"; the same for the
  funds ``reason``;
* ``funds.denominator`` is ``budget_full_year`` in every layout (调整后预算数 and 预算数(A) fill
  that field); ``funds.adjust_reason`` is the text of the 预算调整原因 row when it exists;
* ``block_weights`` only when the level-1 cells state them (产出指标（50分）),
  ``indicator_block_weight`` only when the block title does (绩效指标（90分））;
* framework: the level-1 cells read 项目决策 / 项目过程 / 项目产出 / 项目效益 (产出 and 效益 read as
  产出指标 / 效益指标), the funds row's 分值 and 得分 are blank; noscore: no 分值, 得分, 总分 or grade;
* ``grade`` only when a 评价等级 row exists; ``conclusion``/``problems``/``measures`` only for
  layouts with those rows; locations (``cells``) are left empty.
"""

from __future__ import annotations

from assistant.model import Evaluation, FundRow, Funds, Indicator
from assistant.values import parse_number, parse_value
from eval.synth import cells as K
from eval.synth.cells import Style
from eval.synth.draft import Draft

TITLES = {"mof": "项目支出绩效自评表", "sichuan": "部门预算项目支出绩效自评表", "framework": "项目支出绩效自评表",
          "noscore": "项目支出绩效自评表"}
# How the evaluation framework's table names the levels the self-evaluation calls 产出指标 / 效益指标.
FRAMEWORK_NAMES = {"产出指标": "项目产出", "效益指标": "项目效益"}


def title_lines(d: Draft) -> tuple[str, str | None]:
    if d.layout == "municipal":
        return f"{d.year}年市级财政专项资金项目自评表", None
    return TITLES[d.layout], f"（{d.year}年度）"


def level1_title(d: Draft, level1: str) -> str:
    shown = FRAMEWORK_NAMES.get(level1, level1) if d.layout == "framework" else level1
    if not d.l1_titles or level1 not in d.title_weights:
        return shown
    return f"{shown}（{K.compact(d.title_weights[level1])}分）"


def _text(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


def evaluation(d: Draft, style: Style) -> Evaluation:
    title, sub = title_lines(d)
    ev = Evaluation(
        kind="project", layout=d.layout, title=title + (sub or ""),
        project_name=_text(d.project), project_code=d.code,
        department=_text(d.department or ""), impl_unit=_text(d.impl_unit or ""), year=d.year,
        funds=funds(d, style),
        goal_planned=_text(d.goal_planned or ""), goal_achieved=_text(d.goal_achieved or ""),
        indicators=[indicator(d, i, style) for i in range(len(d.inds))],
        block_weights=dict(d.title_weights) if d.l1_titles else {},
        indicator_block_weight=d.ind_block_weight,
        total_score=parse_number(K.score_text(d.total, style)), grade=d.grade if d.show_grade else None,
        signatures=dict(d.signatures),
    )
    if d.has_conclusion:
        ev.conclusion, ev.problems, ev.measures = (_text(x or "") for x in (d.conclusion, d.problems, d.measures))
    if d.layout == "noscore":  # no 分值/得分 columns, no 总分 row: the author's weights are never shown
        for ind in ev.indicators:
            ind.weight = ind.score = None
        ev.total_score = ev.funds.weight = ev.funds.score = None
    return ev


def indicator(d: Draft, i: int, style: Style) -> Indicator:
    ind = d.inds[i]
    c = K.indicator_cells(ind, i, d.layout, style)
    sichuan = d.layout == "sichuan"
    return Indicator(
        level1=ind.level1, level2=ind.level2, name=_text(c["name"]),
        target=K.target_value(c, d.layout), actual=K.actual_value(c, d.layout),
        weight=parse_number(c["weight"]), score=parse_number(c["score"]),
        deviation_reason=K.deviation_value(c),
        nature=_text(c.get("nature", "")) if sichuan else None,
        unit=_text(c.get("unit", "")) if sichuan else None,
    )


def funds(d: Draft, style: Style) -> Funds:
    f = d.funds
    rows = []
    for line in f.lines:
        c = K.fund_line_cells(line, style)
        rows.append(FundRow(name=line.name, category=line.category,
                            budget_initial=K.amount_value(c["initial"], f.unit),
                            budget_full_year=K.amount_value(c["full"], f.unit),
                            exec_amount=K.amount_value(c["exec"], f.unit)))
    reason = K.deviation_value(K.fund_reason_cells(f, d.layout))
    return Funds(unit=f.unit, denominator="budget_full_year", rows=rows, weight=f.weight if f.scored else None,
                 rate=parse_value(K.rate_text(f)), score=parse_number(K.score_text(f.score, style)),
                 reason=reason, adjust_reason=_text(f.adjust_reason or ""))
