from assistant.checker.helpers.indicators import is_benefit, is_output, label, row_evidence
from assistant.checker.helpers.text import first_of
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DYRMT, KUNMINGCHI, MOF_10

# "执行率" alone is not a budget item: 管理制度严格执行率 and 收购价格执行率 measure how a policy is
# carried out. Only the execution of money is: 预算/资金/经费/支出 (…) 执行率.
BUDGET_ITEMS = ("预算执行率", "资金执行率", "经费执行率", "支出执行率", "资金拨付及时", "拨付及时率", "资金到位率",
                "资金到位及时", "结余率", "结转结余", "科目调整", "资金使用合规", "资金使用规范", "支出进度", "支付进度", "预算调整")


@register
class WeakStr001(Rule):
    """产出或效益指标实际上是预算执行或资金管理事项：预算执行率、资金拨付及时性、结余率、科目调整次数、
    资金使用合规性等。

    Why:
        预算执行率已单独计分（10号），再放进产出/效益指标就是重复计分；资金管理事项也不是项目的产出和效益。
    Bad:
        效益指标 | 经济效益 | 结余率 | ≤5%
    Good:
        效益指标 | 社会效益 | 受助学生辍学率 | ≤1%
    """

    code = "WEAK-STR-001"
    title = "预算管理事项当作绩效指标"
    severity = "warning"
    tag = "V-3p"
    needs = ("self_eval_indicators",)
    source = f"{MOF_10}（预算执行率单独计分）；{DYRMT}；{KUNMINGCHI}"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            word = first_of(ind.name, BUDGET_ITEMS) if (is_output(ind) or is_benefit(ind)) else None
            if word:
                yield self.finding(ctx, ctx.path("indicators", j, "name"),
                                   f"{ind.level1}中的{label(ind)}属于预算执行/资金管理事项（“{word}”），不是绩效指标",
                                   evidence=row_evidence(ind),
                                   suggestion="删除该指标（预算执行率已单独计分），改设反映项目产出或效益的指标。")
