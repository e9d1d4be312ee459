from assistant.checker import helpers as h
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10


@register
class CalcTot001(Rule):
    """总分不等于各指标得分之和（项目表再加预算执行得分），差额超过 ``score_tolerance``。
    有指标得分为空时不检查（由 MISSING-IND-001 报告）。

    Why:
        10号：评价总分为各指标得分之和。
    Bad:
        指标得分合计 89.8，预算执行得分 9.5，总分填 100。
    Good:
        总分 99.30。
    """

    code = "CALC-TOT-001"
    title = "总分不等于各项得分之和"
    severity = "error"
    tag = "K"
    source = f"{MOF_10}（总分为各指标得分之和）"
    kinds = ("project", "department")

    def check(self, ctx):
        ev = ctx.ev
        scores = [ind.score for ind in ev.indicators]
        if ev.total_score is None or not scores or any(s is None for s in scores):
            return
        s = sum(scores)
        fund = ev.funds.score if ev.kind == "project" and ev.funds.score is not None else 0.0
        if not h.differs(ev.total_score, s + fund, ctx.profile.score_tolerance):
            return
        parts = f"指标得分 {h.num(s)} + 预算执行得分 {h.num(fund)}" if ev.kind == "project" else f"各指标得分之和 {h.num(s)}"
        yield self.finding(ctx, ctx.path("total_score"),
                           f"总分应为 {h.fixed(s + fund)}（{parts}），表内填报 {h.num(ev.total_score)}",
                           evidence=f"总分 {h.num(ev.total_score)}", suggestion=f"总分改为 {h.fixed(s + fund)}。")
