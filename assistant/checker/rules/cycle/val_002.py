from assistant.checker.helpers.cycle import pairing
from assistant.checker.helpers.text import norm, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_88, MOF_101


@register
class CycleVal002(Rule):
    """目标值被模糊化：同一指标在申报表中是数值（≥500人、≥90%），到自评表变成文字（有效、较好、
    明显提升）而没有数字。

    Why:
        可衡量的目标换成定性表述，就无法判断是否完成，101号要求指标值优先量化。
    Bad:
        申报“受助学生满意度 ≥90%”，自评写“较好”。
    Good:
        沿用申报的量化指标值，按实际测得的数值评价。
    """

    code = "CYCLE-VAL-002"
    title = "自评目标值由量化改为模糊表述"
    severity = "warning"
    tag = "K"
    source = f"{MOF_101}（指标值优先量化）；{MOF_88}"
    needs = ("declaration", "self_eval_indicators")

    def check(self, ctx):
        dec = ctx.cycle.declaration
        for k, j in pairing(ctx).pairs:
            old, new = dec.indicators[k].target, ctx.ev.indicators[j].target
            if not old.quantitative or new.blank or new.quantitative:
                continue
            ind = ctx.ev.indicators[j]
            yield self.finding(
                ctx, ctx.path("indicators", j, "target"),
                f"指标“{norm(ind.name)}”申报的指标值是 {shown(old)}，自评改为“{shown(new)}”，量化目标被改成了文字",
                evidence=f"申报：{shown(old)}；自评：{shown(new)}",
                suggestion=f"按申报的量化指标值 {shown(old)} 评价，填写实际测得的数值。")
