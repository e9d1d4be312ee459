from assistant.checker.helpers.funds import level1_sums
from assistant.checker.helpers.groups import children, scored_rows
from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU


@register
class CalcInd007(Rule):
    """一级指标表头标注的分值（如“产出指标（50分）”）不等于其下各三级指标分值之和；指标表中的
    上级指标行（如“一、示范区建立 | 15”）的分值不等于其下各指标分值之和。其下没有一行填了分值的
    一级指标不比较（没有可加的明细；空白分值由 MISSING-IND-001 指出）。

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
    needs = ("scores",)
    source = CHIZHOU

    def check(self, ctx):
        ev = ctx.ev
        sums = level1_sums(ev)
        for name, header in ev.block_weights.items():
            rows = [i for i in scored_rows(ev) if i.level1 == name]
            if not any(i.weight is not None for i in rows):
                continue  # no row under it has 分值 (none read, or a layout without them): nothing to add up
            actual = sums.get(name, 0.0)
            if differs(actual, header, ctx.profile.score_tolerance):
                yield self.finding(ctx, ctx.path("block_weights", name),
                                   f"{name}标注 {num(header)} 分，其下三级指标分值合计 {num(actual)}",
                                   evidence=" + ".join(num(i.weight) for i in rows if i.weight is not None) or "无明细",
                                   suggestion=f"使{name}下各指标分值之和等于 {num(header)}，或更正表头分值。")
        for k, group in enumerate(ev.groups):
            rows = [i for i in children(ev, group) if i.weight is not None]
            if group.weight is None or not rows:
                continue  # children without 分值: the parent row's weight is the only one (scored_rows)
            actual = sum(i.weight for i in rows)
            if differs(actual, group.weight, ctx.profile.score_tolerance):
                yield self.finding(ctx, ctx.path("groups", k, "weight"),
                                   f"“{group.name}”标注 {num(group.weight)} 分，其下指标分值合计 {num(actual)}",
                                   evidence=" + ".join(num(i.weight) for i in rows),
                                   suggestion=f"使“{group.name}”下各指标分值之和等于 {num(group.weight)}，或更正该行分值。")
