"""Narrative 自评报告 for a project that also has a table in the corpus (same unit and project).

The report quotes the same numbers as the table's clean evaluation: funds, each indicator's
target / actual / score, the satisfaction survey, the total and grade, the unmet rows' causes
and measures. Headings use the Chinese outline 一、 （一） 1. so readers can find them by
numbering alone; the ``styled`` variant also gives them Word heading styles.

Labels: ``sections`` has a preamble (path ``[]``: the title and the opening paragraph), then
one section per heading with ``path`` = the heading texts from the top level down, ``level`` =
its depth and ``text`` = the paragraphs under it up to the next heading, joined with ``\\n``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from assistant.model import Section
from eval.synth.cells import compact
from eval.synth.defects import Planted
from eval.synth.draft import Draft
from eval.synth.narrative import plain_actual, plain_target, survey_sentence

CN = "一二三四五六七八九十"
PART_TITLES = {
    "basic": ("项目基本情况", "基本情况"),
    "done": ("绩效目标完成情况", "绩效目标实现情况", "绩效指标完成情况分析"),
    "verdict": ("自评结论", "综合评价结论"),
    "problems": ("存在的问题及原因", "存在问题"),
    "measures": ("下一步工作计划", "改进措施", "有关建议及改进措施"),
}


@dataclass
class Para:
    text: str
    evidence: bool = False  # names 佐证材料 / 数据来源 (MISSING-EVID-001 removes these)


@dataclass
class Part:
    key: str
    title: str
    paras: list[Para] = field(default_factory=list)
    children: list[Part] = field(default_factory=list)


@dataclass
class Report:
    title: str
    unit: str
    year: int
    intro: str
    parts: list[Part]
    styled: bool

    def blocks(self) -> list[tuple[int, str, bool]]:
        """(level, text, evidence) in reading order; level 0 = body text. Numbering is added here."""
        out: list[tuple[int, str, bool]] = []

        def walk(parts: list[Part], level: int) -> None:
            for n, part in enumerate(parts):
                out.append((level, _number(level, n) + part.title, False))
                out.extend((0, p.text, p.evidence) for p in part.paras)
                walk(part.children, level + 1)

        walk(self.parts, 1)
        return out


def _number(level: int, n: int) -> str:
    return {1: f"{CN[n]}、", 2: f"（{CN[n]}）", 3: f"{n + 1}."}[level]


def _money(d: Draft, cents: int | None) -> str:
    return f"{(cents or 0) / 100:.2f}{d.funds.unit}"


def make_report(d: Draft, rng: random.Random) -> Report:
    """A report on the (clean) evaluation ``d``."""
    unit = d.impl_unit or d.department or ""
    name = re.sub(r"^20\d\d年", "", d.project)
    suffix = "" if name.endswith("项目") else "项目"
    title = f"{unit}{d.year}年度{name}{suffix}绩效自评报告"
    intro = (f"根据《项目支出绩效评价管理办法》（财预〔2020〕10号）要求，我单位对{d.year}年度{name}"
             f"开展了绩效自评，现将有关情况报告如下。")
    t = d.funds.total
    rate = d.funds.true_rate() or 0.0
    funds_text = (f"{d.year}年该项目年初预算{_money(d, t.initial)}，全年预算{_money(d, t.full)}，"
                  f"全年执行{_money(d, t.exec)}，预算执行率{rate:.2f}%。")
    if d.funds.adjust_reason:
        funds_text += d.funds.adjust_reason + "。"
    basic = Part("basic", rng.choice(PART_TITLES["basic"]), children=[
        Part("overview", "项目概况", [Para(d.background), Para(funds_text),
                                      Para(f"本次自评依据{d.evidence}等佐证材料开展。", evidence=True)]),
        Part("goal", "项目绩效目标", [Para(d.goal_planned or "")]),
    ])
    done = Part("done", rng.choice(PART_TITLES["done"]),
                [Para(f"以上指标完成数据来源于{d.evidence}等佐证材料。", evidence=True)])
    outputs = Part("outputs", "产出指标完成情况")
    for level2 in ("数量指标", "质量指标", "时效指标", "成本指标"):
        rows = [i for i in d.inds if i.level2 == level2]
        if rows:
            outputs.children.append(Part(level2, level2, [Para(_row_text(i)) for i in rows]))
    benefits = Part("benefits", "效益指标完成情况", [Para(_row_text(i)) for i in d.inds if i.level1 == "效益指标"])
    sat_rows = [i for i in d.inds if i.level1 == "满意度指标"]
    satisfaction = Part("satisfaction", "满意度指标完成情况",
                        [Para(f"{survey_sentence(d)}，得{compact(i.score or 0)}分。") for i in sat_rows[:1]])
    done.children = [outputs, benefits, satisfaction]
    verdict = Part("verdict", rng.choice(PART_TITLES["verdict"]), [Para(
        f"经自评，本项目综合得分{compact(d.total or 0)}分，评价等级为“{d.grade}”。"
        f"资金执行得分{compact(d.funds.score or 0)}分。")])
    unmet = [i for i in d.inds if not i.met]
    ordinal = "一二三四五六七八"
    problems = Part("problems", rng.choice(PART_TITLES["problems"]), [
        Para(f"{ordinal[k]}是{i.cause}，{i.name}实际完成{plain_actual(i)}，未达到年度目标值{plain_target(i)}。")
        for k, i in enumerate(unmet)] or [Para("项目实施过程中部分环节衔接不够紧密。")])
    if d.funds.cause:
        problems.paras.append(Para(f"此外，{d.funds.cause}，预算执行率为{rate:.2f}%。"))
    steps = list(dict.fromkeys([i.measure for i in unmet if i.measure] + [d.funds.measure or ""]))
    measures = Part("measures", rng.choice(PART_TITLES["measures"]),
                    [Para(f"{ordinal[k]}是{re.sub(r'^(下一步|今后)将', '', m)}。")
                     for k, m in enumerate(s for s in steps if s)])
    return Report(title, unit, d.year, intro, [basic, done, verdict, problems, measures], styled=rng.random() < 0.5)


def _row_text(i) -> str:
    done = f"完成情况为{plain_actual(i)}" if i.kind == "qual" else f"实际完成{plain_actual(i)}"
    return f"{i.name}：年度目标{plain_target(i)}，{done}，分值{compact(i.weight)}分，得{compact(i.score or 0)}分。"


def sections(rep: Report) -> list[Section]:
    out = [Section(path=[], level=0, text=f"{rep.title}\n{rep.intro}")]
    path: list[tuple[int, str]] = []
    for level, text, _ in rep.blocks():
        if level:
            path = [p for p in path if p[0] < level] + [(level, text)]
            out.append(Section(path=[t for _, t in path], level=len(path), text=""))
        else:
            out[-1].text = f"{out[-1].text}\n{text}" if out[-1].text else text
    return out


# --- defects ------------------------------------------------------------------------------------------

REPORT_RULES = ("MISSING-RPT-001", "MISSING-EVID-001")


def plant_report(rep: Report, rules: list[str], rng: random.Random) -> list[Planted]:
    out = []
    for rule in rules:
        if rule == "MISSING-RPT-001":
            key = rng.choice(("basic", "done", "problems", "measures"))
            rep.parts = [p for p in rep.parts if p.key != key]
            out.append(Planted(rule, "sections", f"报告缺少“{PART_TITLES[key][0]}”部分"))
        elif rule == "MISSING-EVID-001":
            _drop_evidence(rep.parts)
            out.append(Planted(rule, "sections", "报告未列明数据来源和佐证材料"))
    return out


def _drop_evidence(parts: list[Part]) -> None:
    for part in parts:
        part.paras = [p for p in part.paras if not p.evidence]
        _drop_evidence(part.children)
