from assistant.checker.helpers.indicators import is_output, level2
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_101


@register
class MissingInd004(Rule):
    """产出指标没有数量指标，或者质量指标和时效指标都没有（按二级指标名称判断）。

    Why:
        产出指标应覆盖数量、质量、时效（及成本）；只有数量没有质量时效，无法判断产出是否合格、及时。
    Bad:
        产出指标下只有“数量指标：资助学生人数”。
    Good:
        产出指标下有数量指标（资助人数）、质量指标（认定准确率）和时效指标（资金发放时间）。
    """

    code = "MISSING-IND-004"
    title = "产出指标缺少数量或质量/时效指标"
    severity = "warning"
    tag = "K"
    needs = ("self_eval_indicators",)
    source = f"{MOF_10}（产出指标：数量、质量、时效、成本）；{MOF_101}"

    def check(self, ctx):
        outputs = [ind for ind in ctx.ev.indicators if is_output(ind)]
        if not outputs:
            return
        kinds = "".join(level2(ind) for ind in outputs)
        missing = []
        if "数量" not in kinds:
            missing.append("数量指标")
        if "质量" not in kinds and "时效" not in kinds:
            missing.append("质量指标或时效指标")
        if missing:
            yield self.finding(ctx, ctx.path("indicators"), f"产出指标缺少{'、'.join(missing)}",
                               evidence="产出指标的二级指标：" + ("、".join(sorted({level2(i) for i in outputs} - {""})) or "未填"),
                               suggestion=f"补列{'、'.join(missing)}。")
