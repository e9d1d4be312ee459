from assistant.checker.helpers.text import num
from assistant.checker.helpers.totals import score_sums
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10
from assistant.numbers import fixed

SHOWN_DEDUCTIONS = 4  # rows named in the evidence; the sum counts them all


@register
class CalcTot002(Rule):
    """有得分为空的行时，总分高于已填各行扣分所允许的最高分：满分（profile 的 ``total_points``，
    各行分值合计更大时取合计）减去已填得分行的扣分（分值 − 得分，预算执行率行同样计入），
    差额超过 ``score_tolerance``。空白得分行的分值也为空时 CALC-TOT-001 无从判断上限，本规则仍能报；
    CALC-TOT-001 已按空白行分值报出“总分过高”的不重复报。得分全部填写时由 CALC-TOT-001 按合计核对。

    Why:
        10号：总分为各指标得分之和。表内已经扣掉的分数无论空格怎样填都补不回来，
        总分高于“满分减已扣分”必然是凑出来的。
    Bad:
        已填得分行共扣 6 分，另有 1 项得分为空（分值也空），总分填 98（最多 94）。
    Good:
        补填空白的得分，总分按各项得分之和填写，不超过 94。
    """

    code = "CALC-TOT-002"
    title = "总分高于可得最高分"
    severity = "error"
    needs = ("scores",)
    tag = "K"
    source = f"{MOF_10}（总分为各指标得分之和）"
    kinds = ("project", "department")

    def check(self, ctx):
        ev, tol = ctx.ev, ctx.profile.score_tolerance
        total = ev.total_score
        if total is None or not ev.indicators:
            return
        sums = score_sums(ev)
        if not sums.blanks:
            return  # every score is filled: CALC-TOT-001 checks the exact sum
        top = sums.top
        if top is not None and total > top + tol + 1e-9:
            return  # CALC-TOT-001 already reports it against the blank rows' 分值
        points = max(float(ctx.profile.total_points), sums.weights)
        reachable = points - sums.lost
        if total <= reachable + tol + 1e-9:
            return
        lost = "；".join(f"{name or '（未命名）'} 扣 {num(d)}" for name, d in sums.deductions[:SHOWN_DEDUCTIONS])
        if len(sums.deductions) > SHOWN_DEDUCTIONS:
            lost += f" 等 {len(sums.deductions)} 项"
        yield self.finding(
            ctx, ctx.path("total_score"),
            f"总分 {num(total)} 高于可得的最高分 {fixed(reachable)}（满分 {num(points)} 减去已填得分行扣分 "
            f"{fixed(sums.lost)}；另有 {len(sums.blanks)} 项得分为空）",
            evidence=f"总分 {num(total)}；{lost}",
            suggestion=f"补填空白的得分，总分按各项得分之和填写（不超过 {fixed(reachable)}）。")
