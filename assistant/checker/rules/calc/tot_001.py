from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import num
from assistant.checker.helpers.totals import score_sums
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10
from assistant.numbers import fixed


@register
class CalcTot001(Rule):
    """总分不等于各指标得分之和（项目表再加预算执行得分），差额超过 ``score_tolerance``。
    有指标得分为空时（空格由 MISSING-IND-001 报告）只报确定的错误：总分低于已填得分之和，
    或高于已填得分加上空格各行分值之和（空格再怎么填也凑不出这个总分）。

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
    needs = ("scores",)
    source = f"{MOF_10}（总分为各指标得分之和）"
    kinds = ("project", "department")

    def check(self, ctx):
        ev = ctx.ev
        if ev.total_score is None or not ev.indicators:
            return
        sums = score_sums(ev)
        if sums.blanks:
            yield from self._with_blanks(ctx, sums)
            return
        fund = ev.funds.score if ev.kind == "project" and ev.funds.score is not None else 0.0
        filled = sums.filled - fund
        if not differs(ev.total_score, filled + fund, ctx.profile.score_tolerance):
            return
        parts = (f"指标得分 {num(filled)} + 预算执行得分 {num(fund)}" if ev.kind == "project"
                 else f"各指标得分之和 {num(filled)}")
        yield self.finding(ctx, ctx.path("total_score"),
                           f"总分应为 {fixed(filled + fund)}（{parts}），表内填报 {num(ev.total_score)}",
                           evidence=f"总分 {num(ev.total_score)}", suggestion=f"总分改为 {fixed(filled + fund)}。")

    def _with_blanks(self, ctx, sums):
        """The blank rows can add between 0 and their 分值: only a total outside that range is wrong."""
        total, tol, known, top = ctx.ev.total_score, ctx.profile.score_tolerance, sums.filled, sums.top
        if total < known - tol - 1e-9:
            message = f"总分 {num(total)} 低于已填得分之和 {fixed(known)}（另有 {len(sums.blanks)} 项得分为空）"
        elif top is not None and total > top + tol + 1e-9:
            message = (f"总分 {num(total)} 高于已填得分 {fixed(known)} 加空白得分行的分值 "
                       f"{num(top - known)}（最多 {fixed(top)}）")
        else:
            return
        yield self.finding(ctx, ctx.path("total_score"), message, evidence=f"总分 {num(total)}",
                           suggestion="补填空白的得分，并按各项得分之和重新计算总分。")
