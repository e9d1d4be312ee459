from assistant.checker.helpers.cycle import threshold
from assistant.checker.helpers.text import clip, is_blank, similarity
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_88


@register
class CycleGoal001(Rule):
    """总体目标被改写：自评表的年度总体目标（预期目标）与关联申报表的年度总体目标相似度低于
    profile ``cycle.goal_similarity``（0.6，忽略标点空格）。

    Why:
        自评的“预期目标”应是申报时批复的目标；改写后的目标往往贴着实际完成情况写，评价失去标尺。
    Bad:
        申报“资助家庭经济困难学生500人……”，自评预期目标写“做好学生资助工作，社会反响良好”。
    Good:
        预期目标照录申报表的年度总体目标。
    """

    code = "CYCLE-GOAL-001"
    title = "自评总体目标与申报不一致"
    severity = "warning"
    tag = "K"
    source = f"{MOF_10} 第十一条（对照预算批复时确定的绩效目标）；{MOF_88}"
    needs = ("declaration",)

    def check(self, ctx):
        declared, written = ctx.cycle.declaration.goal, ctx.ev.goal_planned
        if is_blank(declared) or is_blank(written):
            return
        floor = threshold(ctx.profile, "goal_similarity")
        sim = similarity(declared, written)
        if sim >= floor:
            return
        yield self.finding(
            ctx, ctx.path("goal_planned"),
            f"自评表的年度总体目标与绩效目标申报表不一致（相似度 {sim:.0%}，低于 {floor:.0%}），目标被改写",
            evidence=f"申报：{clip(declared, 50)}；自评：{clip(written, 50)}",
            suggestion="预期目标照录申报（批复）的年度总体目标；确经调整的，附调整批复。")
