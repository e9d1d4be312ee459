from assistant.checker.helpers.text import is_blank, is_boilerplate
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10


@register
class MissingGoal002(Rule):
    """年度总体目标的“实际完成情况”是套话：没有数字，只由 profile ``boilerplate_phrases`` 中的完成
    用语（完成、实现、按计划、圆满……）和 ``boilerplate_fillers`` 中的虚词（年度、目标、任务、已……）
    以及项目名称组成，如“完成年度目标。”“已按计划完成各项任务”。只写“完成”“已完成”的是空白
    （MISSING-GOAL-001），不在此重复报。

    Why:
        10号规定自评内容包括总体绩效目标的完成情况；一句“完成年度目标”没有说完成了什么、完成了多少，
        审核人无从核对。
    Bad:
        实际完成情况：完成年度目标。
    Good:
        实际完成情况：全年资助家庭经济困难学生520人，发放资金114万元，12月20日前全部到账。
    """

    code = "MISSING-GOAL-002"
    title = "总体目标完成情况是套话"
    severity = "warning"
    tag = "K"
    source = f"{MOF_10}（自评内容：总体绩效目标完成情况）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        if not ctx.has_row("goal_achieved") or is_blank(ev.goal_achieved, profile):
            return  # blank or a bare 完成: MISSING-GOAL-001
        if not is_boilerplate(ev.goal_achieved, ev.project_name, profile):
            return
        yield self.finding(
            ctx, ctx.path("goal_achieved"),
            f"年度总体目标的实际完成情况只写了“{ev.goal_achieved.strip()}”，没有完成的数量、质量、时效等内容",
            evidence=f"实际完成情况：{ev.goal_achieved.strip()}",
            suggestion="对照预期目标逐项写明实际完成的数量、质量、时间和效果。")
