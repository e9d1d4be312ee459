import re

from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.text import compact, num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU

_WORD_UNIT = re.compile(r"[0-9]\s*(百分比|百分之)")


@register
class WeakVal004(Rule):
    """计量单位写法不规范（数字后写“百分比”，如“≥100百分比”），或比率类指标（名称含“率”）的
    年度指标值超过 100%。

    Why:
        不规范的单位会被误读，超过 100% 的比率目标通常是单位或数值填错。
    Bad:
        资金发放准确率 | ≥100百分比
    Good:
        资金发放准确率 | ≥100%　（或 =100%）
    """

    code = "WEAK-VAL-004"
    title = "计量单位不规范"
    severity = "info"
    tag = "V"
    needs = ("self_eval_indicators",)
    source = CHIZHOU

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            t = ind.target
            m = _WORD_UNIT.search(compact(t.raw))
            if m:
                problem = f"计量单位写作“{m.group(1)}”"
            elif t.unit == "%" and t.number is not None and t.number > 100 and "率" in (ind.name or ""):
                problem = f"比率指标的目标值为 {num(t.number)}%，超过 100%"
            else:
                continue
            yield self.finding(ctx, ctx.path("indicators", j, "target"),
                               f"{label(ind)}的年度指标值“{shown(t)}”{problem}",
                               evidence=row_evidence(ind), suggestion="使用规范单位（%、个、人次、万元等）并核对数值。")
