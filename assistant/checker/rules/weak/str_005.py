import re

from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.text import compact
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DYBBS

INPUT = re.compile(r"(人员|人力|经费|资金|设备|物资|财力|物力|人工)投入|投入(人员|人力|经费|资金|设备|物资|人数|金额)"
                   r"|(配备|投入|安排)(工作)?(人数|人员数|人员)|(人员|工作人员)配备"
                   r"|(资金|经费)(金额|数额)")  # "工程资金金额 43.2" counts the money put in, not what it built


@register
class WeakStr005(Rule):
    """指标衡量的是投入（人员、经费、设备投入数），而不是产出或效果。

    Why:
        投入（财力、人力、物力）不能作为绩效目标；投入多少不说明做成了什么。
    Bad:
        产出指标 | 数量指标 | 投入工作人员数 | ≥20人
    Good:
        产出指标 | 数量指标 | 完成入户核查户数 | ≥1200户
    """

    code = "WEAK-STR-005"
    title = "以投入作为绩效指标"
    severity = "warning"
    tag = "V-3p"
    needs = ("self_eval_indicators",)
    source = f"{DYBBS}（投入不得作为绩效目标）"
    semantic = True

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            m = INPUT.search(compact(ind.name))
            if m:
                yield self.finding(ctx, ctx.path("indicators", j, "name"),
                                   f"{label(ind)}衡量的是投入（“{m.group()}”），不是产出或效益",
                                   evidence=row_evidence(ind), suggestion="改为投入所产生的产出或效果指标。")
