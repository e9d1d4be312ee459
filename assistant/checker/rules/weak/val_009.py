import re

from assistant.checker.helpers.indicators import is_cost, is_money_unit, label, level2, row_evidence
from assistant.checker.helpers.text import compact, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_101

# 社会成本 and 生态环境成本 (101号) are measured in whatever the harm is counted in (亩, 吨, 户)
_NON_MONEY_COST = ("社会成本", "生态", "环境")
# a share of money is still about cost: 管理费用占比 ≤5%, 成本节约率, 超支率
_MONEY_SHARE = re.compile(r"占比|比例|比重|节约|节支|超支|降低|下降|压减|费用率|成本率|控制率")


@register
class WeakVal009(Rule):
    """成本指标（10号版式的产出—成本指标，或 101号的经济成本指标）的年度指标值不是金额：
    有数字、有单位，单位却不是元、万元、元/人这类货币单位，如百分比的“达标率”“核算率”。
    资金占比、节约率、超支率等以金额计算的比例不报；社会成本、生态环境成本不报（不以货币计量）；
    没有单位的由 WEAK-VAL-002 报告。

    Why:
        101号：成本指标反映项目的经济成本，即直接投入的资金，用单位成本、人均标准等金额控制上限。
        “标准达标率 100%”“成本核算率 100%”衡量的是管理是否合规，看不出花了多少钱、是否节约。
    Bad:
        成本指标 | 生均补助标准达标率 | 100%
    Good:
        成本指标 | 生均补助标准 | ≤2500元/人
    """

    code = "WEAK-VAL-009"
    title = "成本指标不是金额"
    severity = "warning"
    needs = ("self_eval_indicators",)
    tag = "K"
    source = f"{MOF_101}（成本指标：经济成本、社会成本、生态环境成本）"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            t = ind.target
            if (not is_cost(ind) or any(w in level2(ind) for w in _NON_MONEY_COST)
                    or not t.quantitative or t.unit is None or is_money_unit(t.unit)
                    or _MONEY_SHARE.search(compact(ind.name))):
                continue
            yield self.finding(ctx, ctx.path("indicators", j, "target"),
                               f"成本指标{label(ind)}的年度指标值“{shown(t)}”不是金额（单位为“{t.unit}”）",
                               evidence=row_evidence(ind),
                               suggestion="成本指标应以金额设定上限，如单位成本、人均补助标准（≤2500元/人）。")
