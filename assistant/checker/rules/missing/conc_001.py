from assistant.checker.helpers.compare import needs_explanation
from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.text import is_blank, num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DAYING, DYRMT
from assistant.glossary import term


def has_block(ctx, name) -> bool:
    """Whether this form has the 评价结论/存在问题/改进措施 rows at all. A form read from a file
    says so itself (a cell for every label found, blank or not: ``ctx.has_row``); the layout's
    habit decides only for a form built without cells. The 云南 county tables have the 四川
    columns (指标性质, 度量单位) but end at the 满意度 row: no conclusion rows to leave blank."""
    ev = ctx.ev
    if getattr(ev, name) is not None:
        return True
    return ctx.has_row(name) if ev.cells else ev.layout in ctx.profile.conclusion_layouts


@register
class MissingConc001(Rule):
    """表中有“评价结论 / 存在问题 / 改进措施”栏（四川、市级版式），总分低于满分或有任一指标存在偏差，
    而其中某栏为空或只写“无 / 暂无”。

    Why:
        有扣分就有问题；“存在问题：无”“改进措施：暂无”与扣分自相矛盾，也让自评失去改进作用。
    Bad:
        总分 92；存在问题：无；改进措施：暂无。
    Good:
        存在问题：个别学生家庭信息更新不及时；改进措施：每学期与民政数据比对一次。
    """

    code = "MISSING-CONC-001"
    title = "有扣分但结论、问题或措施为空"
    severity = "warning"
    tag = "V"
    needs = ("scores",)
    source = f"{DAYING}（存在问题“无”、改进措施“无”）；{DYRMT}（“暂无”）"
    kinds = ("project", "department")

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        tol = profile.score_tolerance
        short = ev.total_score is not None and ev.total_score < profile.total_points - tol
        deviating = [ind for ind in ev.indicators if needs_explanation(ind)]
        if not short and not deviating:
            return
        why = f"总分 {num(ev.total_score)}" if short else f"{label(deviating[0])}存在偏差"
        for name in ("conclusion", "problems", "measures"):
            text = getattr(ev, name)
            if has_block(ctx, name) and is_blank(text, profile):
                yield self.finding(ctx, ctx.path(name), f"{why}，但“{term(name)}”为空或只写“{text or '空'}”",
                                   evidence=f"{term(name)}：{text or '（空）'}",
                                   suggestion=f"据实填写{term(name)}，与扣分和偏差说明相对应。")
