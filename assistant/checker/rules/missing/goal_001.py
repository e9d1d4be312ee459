from assistant.checker.helpers.text import chinese_chars, compact, is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_10
from assistant.glossary import term


@register
class MissingGoal001(Rule):
    """年度总体目标的“预期目标”或“实际完成情况”为空（“无”“—”等占位也算空），或只写了项目名称。
    表中没有这一栏的版式（云南县级专项表、评价指标体系表没有年度总体目标行）不检查：那是版式，不是漏填。

    Why:
        10号规定自评内容包括项目总体绩效目标的完成情况；没有目标或完成情况，指标得分就失去依据。
    Bad:
        预期目标：资助家庭经济困难学生500人　实际完成情况：（空）
    Good:
        预期目标：资助家庭经济困难学生500人　实际完成情况：全年资助520人，资金足额发放
    """

    code = "MISSING-GOAL-001"
    title = "年度总体目标或完成情况为空"
    severity = "error"
    tag = "K"
    source = f"{MOF_10}（自评内容：总体绩效目标完成情况）；{CHIZHOU}"

    def check(self, ctx):
        ev = ctx.ev
        project = compact(ev.project_name)
        for name in ("goal_planned", "goal_achieved"):
            if not ctx.has_row(name):
                continue
            text = getattr(ev, name)
            said = compact(text)
            if len(said) >= 4 and project and said in project:
                # "国家基本公共卫生服务" under 项目名称 "国家基本公共卫生服务": a title, not a goal
                yield self.finding(ctx, ctx.path(name), f"“{term(name)}”只写了项目名称“{said}”，没有目标内容",
                                   evidence=f"{term(name)}：{text}；项目名称：{ev.project_name}",
                                   suggestion=f"填写{term(name)}，写明数量、质量、时效等可核对的内容。")
                continue
            # a bare "完成"/"无", or only a number ("43.2", a 廊坊 form), says no more than a dash
            if is_blank(text, ctx.profile) or (said and not chinese_chars(said)):
                yield self.finding(ctx, ctx.path(name),
                                   f"“{term(name)}”只写了“{said}”，没有内容" if said and not is_blank(said)
                                   else f"“{term(name)}”为空",
                                   evidence=f"{term(name)}：{text or '（空）'}",
                                   suggestion=f"填写{term(name)}，写明数量、质量、时效等可核对的内容。")
