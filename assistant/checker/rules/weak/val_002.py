from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.text import is_blank, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import SICHUAN


@register
class WeakVal002(Rule):
    """年度指标值有数字但没有计量单位：单元格里没有单位后缀（%、个、人次、万元、天……），
    版式也没有单独的“度量单位”栏或该栏为空。目标为 0 的不报：零在任何单位下都是零
    （“变质比例 0”“安全事故 0”），补单位不改变它的含义。

    Why:
        指标值由性质、数值和度量单位组成；没有单位，“≥500”是人、人次还是户无从判断。
    Bad:
        年度指标值：≥500
    Good:
        年度指标值：≥500人
    """

    code = "WEAK-VAL-002"
    title = "指标值缺少计量单位"
    severity = "warning"
    tag = "V"
    needs = ("self_eval_indicators",)
    source = f"{SICHUAN}（指标性质、指标值、度量单位分栏填写）"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            t = ind.target
            if t.quantitative and t.number != 0 and t.unit is None and is_blank(ind.unit):
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"{label(ind)}的年度指标值“{shown(ind.target)}”没有计量单位",
                                   evidence=row_evidence(ind), suggestion="补上计量单位（%、人、个、万元、天等）。")
