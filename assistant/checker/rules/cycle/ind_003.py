from assistant.checker.helpers.cycle import pairing
from assistant.checker.helpers.text import norm
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_88


@register
class CycleInd003(Rule):
    """指标改名：自评表的某个三级指标与关联申报表的一个指标名称不同，但属同一一级指标，且名称
    相近（相似度不低于 profile ``cycle.rename_similarity``，0.5），或同一二级指标下指标值相同，
    判为同一指标改了名。

    Why:
        改名会让审核人对不上申报的指标，也常伴随口径变化（如“资助学生人数”改为“资助人次”）。
    Bad:
        申报“资助学生人数 ≥500人”，自评写“受助学生数量 ≥500人”。
    Good:
        沿用申报的指标名称；口径确有变化的，说明变化和依据。
    """

    code = "CYCLE-IND-003"
    title = "自评指标名称与申报不一致"
    severity = "warning"
    tag = "H"
    source = f"{MOF_88}（绩效目标确定后一般不予调整）；{MOF_10} 第十一条"
    needs = ("declaration", "self_eval_indicators")

    def check(self, ctx):
        dec = ctx.cycle.declaration
        for k, j in pairing(ctx).renamed:
            old, new = dec.indicators[k], ctx.ev.indicators[j]
            yield self.finding(
                ctx, ctx.path("indicators", j, "name"),
                f"自评指标“{norm(new.name)}”在申报表中名为“{norm(old.name)}”，指标名称被改动",
                evidence=f"申报：{norm(old.name)}；自评：{norm(new.name)}",
                suggestion="沿用申报表的指标名称；确需调整口径的，说明原因并附批复。")
