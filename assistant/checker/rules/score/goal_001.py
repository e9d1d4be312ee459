from assistant.checker import helpers as h
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU


@register
class ScoreGoal001(Rule):
    """年度总体目标的“实际完成情况”与“预期目标”几乎相同（去掉标点后的相似度 ≥ ``goal_similarity``，0.9）。

    Why:
        照抄预期目标当完成情况，说明没有真正总结完成情况。经验规则。
    Bad:
        预期目标：资助学生500人，资金按时足额发放。实际完成情况：资助学生500人，资金按时足额发放。
    Good:
        实际完成情况：全年资助学生520人，发放资金114万元，12月20日前全部到账。
    """

    code = "SCORE-GOAL-001"
    title = "完成情况照抄预期目标"
    severity = "warning"
    tag = "H"
    source = f"经验规则；{CHIZHOU}（完成情况复述目标）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        if h.is_blank(ev.goal_planned, profile) or h.is_blank(ev.goal_achieved, profile):
            return
        sim = h.similarity(ev.goal_planned, ev.goal_achieved, floor=profile.goal_similarity)
        if sim >= profile.goal_similarity:
            yield self.finding(ctx, ctx.path("goal_achieved"),
                               f"实际完成情况与预期目标相似度 {h.num(sim * 100)}%，疑似照抄目标",
                               evidence=f"预期目标：{h.clip(ev.goal_planned, 40)}；实际完成情况：{h.clip(ev.goal_achieved, 40)}",
                               suggestion="据实写明实际完成的数量、质量、时间和效果。")
