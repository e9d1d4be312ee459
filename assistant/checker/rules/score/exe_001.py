from assistant.checker.helpers.spending import inflated_on_low_execution
from assistant.checker.helpers.text import num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule


@register
class ScoreExe001(Rule):
    """执行率低于 ``low_execution_rate``（90%），但产出指标全部满分（没有分值栏的表：全部按目标完成并
    计了得分），或总分 ≥ ``high_total``（90）。表内没有总分时，发现指向执行率。

    Why:
        钱没花出去，产出却全部完成、自评高分，二者至少有一个不真实（“预算执行率低但自评高分”）。经验规则。
    Bad:
        执行率 62%，产出指标全部满分，总分 95。
    Good:
        执行率 62%，相应产出指标按实际完成比例扣分，并说明资金未支付原因。
    """

    code = "SCORE-EXE-001"
    title = "执行率低而自评高分"
    severity = "warning"
    tag = "H"
    needs = ("scores",)
    source = "经验规则（“预算执行率低但自评高分”问题类型）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        found = inflated_on_low_execution(ev, profile)
        if found is None:
            return
        rate, why = found
        # the self-score is what is inflated; a table without a total shows it against the rate
        field = "total_score" if ev.total_score is not None else "funds.rate"
        yield self.finding(ctx, ctx.path(*field.split(".")),
                           f"执行率 {num(rate)}% 低于 {num(profile.low_execution_rate)}%，但{why}",
                           evidence=f"执行率 {shown(ev.funds.rate)}；总分 {num(ev.total_score)}",
                           suggestion="核实产出完成情况与资金支出是否匹配，据实评分并说明原因。")
