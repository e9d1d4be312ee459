from assistant.checker.helpers.funds import rate_for_scoring
from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.spending import inflated_on_low_execution, outputs_complete
from assistant.checker.helpers.text import num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10_N9


@register
class ScoreExe002(Rule):
    """钱没花而产出全部完成：执行率低于 profile ``low_spending_rate``（30%），而每一项能判断的产出
    指标都报告按目标完成（至少两项实际完成值达到年度指标值，没有一项写未完成）。不论得分如何；
    得分也全部满分或总分偏高的，由 SCORE-EXE-001 一并指出，本规则不再另报。

    Why:
        预算只花了不到三成，产出却全部完成，完成值或执行数至少有一个不真实；自评表应数据真实。
    Bad:
        全年预算50万元只执行10万元（20%），“建设圈舍面积 ≥1000平方米”实际1000平方米，各项产出全部完成。
    Good:
        如实填报实际完成值；确有其他资金来源或以前年度已完成的，写明原因。
    """

    code = "SCORE-EXE-002"
    title = "执行率极低而产出全部完成"
    severity = "warning"
    tag = "K"
    source = MOF_10_N9
    needs = ("self_eval_indicators",)

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        rate = rate_for_scoring(ev.funds, profile)
        if rate is None or rate >= profile.low_spending_rate - 1e-9:
            return
        met = outputs_complete(ev)
        if met is None:
            return
        if profile.fits(("scores",), ev.layout) and inflated_on_low_execution(ev, profile) is not None:
            return  # SCORE-EXE-001 reports this form: one finding for one defect
        yield self.finding(
            ctx, ctx.path("funds", "rate"),
            f"执行率 {num(rate)}% 低于 {num(profile.low_spending_rate)}%，但 {len(met)} 项产出指标全部报告按目标完成",
            evidence=f"执行率 {shown(ev.funds.rate)}；" + "、".join(
                f"{label(i)}目标 {shown(i.target)}、实际 {shown(i.actual)}" for i in met[:4]),
            suggestion="核实产出的实际完成值与资金支出是否匹配；资金来自其他渠道或以前年度的，写明原因。")
