import re

from assistant.checker.helpers.indicators import is_satisfaction, label, row_evidence
from assistant.checker.helpers.narrative import has_narrative, report_text
from assistant.checker.helpers.text import compact
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DOCZJ

_SURVEY = re.compile(r"问卷|调查|抽样|样本|受访|测评|回访|访谈|座谈|评议|调研|满意人数|有效调查")


@register
class ScoreSat001(Rule):
    """满意度指标有得分，但表内和报告中都没有说明调查方式、样本量或调查对象（问卷、抽样、回访……）。
    确定性的第一版：按关键词判断；只有表格、没有报告也没有结论栏的材料不检查。

    Why:
        满意度 = 满意人数 / 有效调查人数；没有调查就没有满意度。经验规则，仅作提示。
    Bad:
        受助学生满意度 | ≥90% | 98% | 得分 10，报告中没有任何调查说明。
    Good:
        报告写明“发放问卷 200 份，有效问卷 196 份，满意 188 份”。
    """

    code = "SCORE-SAT-001"
    title = "满意度无调查依据"
    severity = "info"
    tag = "H"
    source = f"经验规则；{DOCZJ}（满意度 = 满意人数/有效调查人数）"
    semantic = True

    def check(self, ctx):
        rows = [(j, ind) for j, ind in enumerate(ctx.ev.indicators) if is_satisfaction(ind) and ind.score is not None]
        if not rows or not has_narrative(ctx) or _SURVEY.search(report_text(ctx)):
            return
        for j, ind in rows:
            if _SURVEY.search(compact(f"{ind.actual.raw}{ind.criteria or ''}{ind.name or ''}")):
                continue
            yield self.finding(ctx, ctx.path("indicators", j, "score"),
                               f"满意度指标{label(ind)}有得分，但未说明调查方式、样本量或调查对象",
                               evidence=row_evidence(ind),
                               suggestion="说明满意度调查的方式、对象、样本量和有效问卷数，并留存问卷。")
