from assistant.checker.helpers.funds import level1_sums
from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU


@register
class CalcInd007(Rule):
    """一级指标表头标注的分值（如“产出指标（50分）”）不等于其下各三级指标分值之和。

    Why:
        表头分值与明细不符，说明分值在填报中被改过而没有同步，权重结构不可信。
    Bad:
        产出指标（50分）下各行分值 20 + 10 + 10 = 40。
    Good:
        产出指标（50分）下各行分值 20 + 10 + 10 + 10 = 50。
    """

    code = "CALC-IND-007"
    title = "一级指标分值与明细不符"
    severity = "error"
    tag = "V"
    source = CHIZHOU

    def check(self, ctx):
        ev = ctx.ev
        sums = level1_sums(ev)
        for name, header in ev.block_weights.items():
            actual = sums.get(name, 0.0)
            if differs(actual, header, ctx.profile.score_tolerance):
                rows = [i for i in ev.indicators if i.level1 == name]
                yield self.finding(ctx, ctx.path("block_weights", name),
                                   f"{name}标注 {num(header)} 分，其下三级指标分值合计 {num(actual)}",
                                   evidence=" + ".join(num(i.weight) for i in rows if i.weight is not None) or "无明细",
                                   suggestion=f"使{name}下各指标分值之和等于 {num(header)}，或更正表头分值。")
