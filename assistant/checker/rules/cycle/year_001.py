from assistant.checker.helpers.cycle import threshold
from assistant.checker.helpers.text import clip, is_blank, similarity
from assistant.checker.helpers.years import last_year, where
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_88, MOF_101


@register
class CycleYear001(Rule):
    """总体目标照抄上年：自评表的年度总体目标（预期目标）与同一单位同一项目上一年度自评表的年度
    总体目标几乎一字不差（连数字在内的相似度不低于 profile ``cycle.year_goal_similarity``，0.95）。
    只比连续的上一年度；没有上年度自评表入库的不检查。

    Why:
        年度总体目标应是当年批复的目标，随当年任务和资金调整；连年原样照抄，说明目标没有按年度
        任务重新设定，评价失去标尺。
    Bad:
        2023年与2024年的预期目标都是“资助家庭经济困难学生500人，资金年底前足额发放”。
    Good:
        2024年的预期目标写当年批复的任务量（如“资助600人”），与上年不同处有依据。
    """

    code = "CYCLE-YEAR-001"
    title = "年度总体目标照抄上年"
    severity = "warning"
    tag = "H"
    source = f"经验规则；{MOF_88}（绩效目标与当年预算和任务相匹配）；{MOF_101}（指标值参考历史标准设定）"
    needs = ("previous_year",)

    def check(self, ctx):
        p = last_year(ctx)
        if p is None:
            return
        now, before = ctx.ev.goal_planned, p.evaluation.goal_planned
        if is_blank(now, ctx.profile) or is_blank(before, ctx.profile):
            return
        floor = threshold(ctx.profile, "year_goal_similarity")
        sim = similarity(before, now, floor=floor)
        if sim < floor:
            return
        yield self.finding(
            ctx, ctx.path("goal_planned"),
            f"年度总体目标与{where(p)}的年度总体目标相同（相似度 {sim:.0%}），疑似照抄上年",
            evidence=f"{p.year}年度：{clip(before, 50)}；{ctx.ev.year or '本'}年度：{clip(now, 50)}",
            suggestion="按当年批复的任务和资金重新设定年度总体目标；与上年相同的，说明理由。")
