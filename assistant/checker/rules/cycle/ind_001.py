from assistant.checker.helpers.cycle import pairing
from assistant.checker.helpers.text import norm, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_88


@register
class CycleInd001(Rule):
    """申报指标被删减：关联的绩效目标申报表中的某个三级指标，在自评表中既没有同名指标，也没有
    可认作改名的指标（见 CYCLE-IND-003）。每个被删的申报指标报一条。

    Why:
        自评应对照批复的绩效目标逐项评价；删去没完成的指标，自评就只剩下容易完成的部分。
    Bad:
        申报表有“资助学生人数 ≥500人”，自评表没有这一行。
    Good:
        自评表逐项列出申报表的全部指标，未完成的如实填报并说明原因。
    """

    code = "CYCLE-IND-001"
    title = "申报指标在自评中被删减"
    severity = "warning"
    tag = "K"
    source = f"{MOF_10} 第十一条（单位自评对照预算批复时确定的绩效目标）；{MOF_88}"
    needs = ("declaration", "self_eval_indicators")

    def check(self, ctx):
        dec = ctx.cycle.declaration
        for k in pairing(ctx).dropped:
            d = dec.indicators[k]
            yield self.finding(
                ctx, ctx.path("declaration", "indicators", k),
                f"绩效目标申报表中的指标“{norm(d.name)}”（指标值 {shown(d.target)}）在自评表中没有对应指标",
                evidence=f"申报表（{ctx.cycle.declaration_file or '已关联'}）：{norm(d.level1)}/{norm(d.level2)}/"
                         f"{norm(d.name)}，指标值 {shown(d.target)}",
                suggestion="按申报（批复）的绩效指标逐项填报自评；确已调整的，附调整批复或说明。")
