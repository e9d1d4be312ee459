from assistant.checker.helpers.funds import execution, stated_rate
from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import amount, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import KUNMINGCHI, MOF_10, SICHUAN
from assistant.numbers import fixed


@register
class CalcFund001(Rule):
    """执行率与金额不符：按总额行重算 执行率 = 全年执行数 / 全年预算数（分母由 profile 的
    ``execution_denominator`` 决定：全国为全年预算数，四川为调整后预算数，市级为含结转的预算数），
    与表内填报值相差超过 ``rate_tolerance``（0.1 个百分点）；执行率栏存在却未填也报。总额行的执行数
    和预算数都填 0 或空着时，按各资金来源行的合计重算。

    Why:
        执行率是预算执行得分的依据，填错会直接改变总分。
    Bad:
        全年预算数 4753.66，全年执行数 3824.26，执行率填 100%。
    Good:
        执行率 80.45%（3824.26/4753.66）。
    """

    code = "CALC-FUND-001"
    title = "执行率计算错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_10} 附件2（执行率 = 全年执行数/全年预算数）；{SICHUAN}；{KUNMINGCHI}"

    def check(self, ctx):
        funds, profile = ctx.ev.funds, ctx.profile
        exe = execution(funds, profile, sources=True)
        if exe is None:
            return
        stated = stated_rate(funds, exe.rate)
        if stated is None and funds.rate.blank and funds.cells and "rate" not in funds.cells:
            return  # this layout has no 执行率 cell
        if stated is not None and not differs(stated, exe.rate, profile.rate_tolerance):
            return
        yield self.finding(ctx, ctx.path("funds", "rate"),
                           f"执行率应为 {fixed(exe.rate)}%（{exe.formula}），表内填报 {shown(funds.rate)}",
                           evidence=f"全年执行数 {amount(exe.executed)}；全年预算数 {amount(exe.budget)}；执行率 {shown(funds.rate)}",
                           suggestion=f"执行率改为 {fixed(exe.rate)}%，并相应重算预算执行得分。")
