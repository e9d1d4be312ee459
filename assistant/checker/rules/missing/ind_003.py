from assistant.checker.helpers.indicators import is_satisfaction
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10


@register
class MissingInd003(Rule):
    """指标表没有满意度指标。10号允许调整权重，因此只作警告：请确认项目确实没有直接服务对象。

    Why:
        服务对象满意度是10号规定的自评指标之一，缺少时往往是漏填而不是项目没有服务对象。
    Bad:
        只有产出指标、效益指标，没有“服务对象满意度”。
    Good:
        满意度指标 | 服务对象满意度 | 受助学生满意度 | ≥90%
    """

    code = "MISSING-IND-003"
    title = "缺少满意度指标"
    severity = "warning"
    tag = "K"
    needs = ("self_eval_indicators",)
    source = f"{MOF_10}（服务对象满意度指标）"

    def check(self, ctx):
        indicators = ctx.ev.indicators
        if indicators and not any(is_satisfaction(ind) for ind in indicators):
            yield self.finding(ctx, ctx.path("indicators"), "指标表没有满意度指标",
                               evidence=f"共 {len(indicators)} 项指标，无满意度指标",
                               suggestion="补列服务对象满意度指标；确无直接服务对象的，请在报告中说明。")
