from assistant.checker.helpers.compare import direction
from assistant.checker.helpers.cycle import pairing
from assistant.checker.helpers.text import norm, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_88, MOF_101
from assistant.numbers import to_wan


def _comparable(a, b):
    """The two targets' numbers in one unit, or None (different units, or not numbers)."""
    if not (a.quantitative and b.quantitative):
        return None
    x, y = a.number, b.number
    if a.unit != b.unit:
        x, y = to_wan(x, a.unit), to_wan(y, b.unit)
        if x is None or y is None:
            return None
    return x, y


@register
class CycleVal001(Rule):
    """目标值被调低：同一指标（同名或改名，见 CYCLE-IND-003）在自评表中的年度指标值比申报时宽松——
    正向指标（≥）数值变小，反向指标（≤）数值变大。单位不同又不能换算的不比。

    Why:
        先调低目标再评价“完成”，得分就不再反映绩效；目标调整须按程序报批。
    Bad:
        申报“资助学生人数 ≥500人”，自评的年度指标值写“≥450人”。
    Good:
        年度指标值与申报一致；确经批准调整的，注明调整批复。
    """

    code = "CYCLE-VAL-001"
    title = "自评目标值低于申报值"
    severity = "warning"
    tag = "K"
    source = f"{MOF_88}（绩效目标确定后一般不予调整，确需调整的按程序报批）；{MOF_101}"
    needs = ("declaration", "self_eval_indicators")

    def check(self, ctx):
        dec = ctx.cycle.declaration
        for k, j in pairing(ctx).pairs:
            old, new = dec.indicators[k].target, ctx.ev.indicators[j].target
            nums = _comparable(old, new)
            if nums is None:
                continue
            was, now = nums
            kind = direction(old)
            lower = (kind == "positive" and now < was) or (kind == "reverse" and now > was)
            if not lower:
                continue
            ind = ctx.ev.indicators[j]
            yield self.finding(
                ctx, ctx.path("indicators", j, "target"),
                f"指标“{norm(ind.name)}”的年度指标值由申报的 {shown(old)} 改为 {shown(new)}，目标被降低",
                evidence=f"申报：{shown(old)}；自评：{shown(new)}",
                suggestion="按申报（批复）的指标值评价；确经批准调整的，注明调整批复文号。")
