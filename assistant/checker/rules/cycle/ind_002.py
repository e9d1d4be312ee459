from assistant.checker.helpers.cycle import pairing
from assistant.checker.helpers.text import norm, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_88


@register
class CycleInd002(Rule):
    """自评新增申报外指标：自评表中的某个三级指标，在关联的绩效目标申报表中既没有同名指标，也
    不是某个申报指标改名而来（见 CYCLE-IND-003）。每个新增指标报一条。

    Why:
        自评用的指标应是申报时确定的指标；年底新加的指标往往是已经完成的工作，用来抬高得分。
    Bad:
        申报表没有“宣传活动场次”，自评表新增该指标并得满分。
    Good:
        自评只评价申报（批复）的指标；确有调整的，附调整批复。
    """

    code = "CYCLE-IND-002"
    title = "自评新增申报外指标"
    severity = "warning"
    tag = "K"
    source = f"{MOF_10} 第十一条（单位自评对照预算批复时确定的绩效目标）；{MOF_88}"
    needs = ("declaration", "self_eval_indicators")

    def check(self, ctx):
        for j in pairing(ctx).added:
            ind = ctx.ev.indicators[j]
            yield self.finding(
                ctx, ctx.path("indicators", j, "name"),
                f"自评指标“{norm(ind.name)}”（指标值 {shown(ind.target)}）不在绩效目标申报表中",
                evidence=f"自评表：{norm(ind.name)}，指标值 {shown(ind.target)}；申报表（"
                         f"{ctx.cycle.declaration_file or '已关联'}）无此指标",
                suggestion="删去申报外的指标，或附上绩效目标调整的批复。")
