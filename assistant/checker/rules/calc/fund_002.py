from assistant.checker.helpers.funds import execution_row, execution_weight, rate_for_scoring
from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import KUNMINGCHI, MOF_10, WENMI
from assistant.numbers import fixed


@register
class CalcFund002(Rule):
    """预算执行率得分与执行率不符：应得分 = min(执行率, 100%) × 分值（分值取表内：资金栏或“预算执行率”
    指标行；表内分值空着时取 profile 的 ``execution_weight``：全国 10 分，市级 20 分，但评价指标体系版式
    和指标分值已合计 100 的表没有预算执行率分值，不查）。执行率能由金额重算时按重算值，否则按填报值。
    得分超过分值必然报错。

    Why:
        预算执行得分按执行率折算且不得超过分值；不少自评表直接给满分。
    Bad:
        执行率 80.45%，分值 10，得分 10。
    Good:
        得分 8.05（10 × 80.45%）。
    """

    code = "CALC-FUND-002"
    title = "预算执行得分计算错误"
    severity = "error"
    tag = "V"
    source = f"{MOF_10}（预算执行率10%）；{KUNMINGCHI}（“20分*执行率”）；{WENMI}"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        funds = ev.funds
        rate = rate_for_scoring(funds, profile)
        if rate is None or (funds.score is None and "score" not in funds.cells):
            return
        if funds.score is None and execution_row(ev) is not None:
            return  # the 预算执行率 indicator row holds the execution score (CALC-IND-001 checks it)
        weight = execution_weight(ev, profile)
        if weight is None:
            return  # the form scores no budget execution (evaluation framework): nothing to recompute
        expected = weight * min(max(rate, 0.0), 100.0) / 100.0
        if funds.score is not None and not differs(funds.score, expected, profile.score_tolerance):
            return
        over = "（得分不得超过分值）" if funds.score is not None and funds.score > weight + profile.score_tolerance else ""
        yield self.finding(ctx, ctx.path("funds", "score"),
                           f"预算执行得分应为 {fixed(expected)}（{num(weight)} × {num(min(rate, 100.0))}%），"
                           f"表内填报 {num(funds.score) if funds.score is not None else '（空）'}{over}",
                           evidence=f"执行率 {shown(funds.rate)}；分值 {num(weight)}；得分 {num(funds.score)}",
                           suggestion=f"预算执行得分改为 {fixed(expected)}。")
