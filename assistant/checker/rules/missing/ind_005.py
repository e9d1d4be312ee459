from assistant.checker.helpers.indicators import is_cost
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_101


@register
class MissingInd005(Rule):
    """没有成本指标：既没有一级指标“成本指标”，产出指标下也没有二级指标“成本指标”。

    Why:
        101号把成本指标列为一级指标（经济成本、社会成本、生态环境成本），用于成本效益分析。
    Bad:
        产出指标只有数量、质量、时效指标。
    Good:
        成本指标 | 经济成本指标 | 生均资助标准 | ≤2500元/人
    """

    code = "MISSING-IND-005"
    title = "缺少成本指标"
    severity = "info"
    tag = "K"
    needs = ("self_eval_indicators",)
    source = f"{MOF_101}（成本指标：经济成本、社会成本、生态环境成本）"

    def check(self, ctx):
        indicators = ctx.ev.indicators
        if indicators and not any(is_cost(ind) for ind in indicators):
            yield self.finding(ctx, ctx.path("indicators"), "指标表没有成本指标",
                               evidence=f"共 {len(indicators)} 项指标，无成本指标",
                               suggestion="补列经济成本指标（如单位成本、成本控制率），反映资金投入的经济性。")
