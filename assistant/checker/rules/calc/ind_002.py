from assistant.checker.helpers.compare import score_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DOCZJ, WENMI


@register
class CalcInd002(Rule):
    """反向定量指标（年度指标值“≤A”“<A”“以内”）：实际值 B ≤ A 得满分，否则得 分值 × A/B；
    自评得分与此相差超过 ``score_tolerance`` 即报。

    Why:
        反向指标（成本、时限、发生率）越低越好，超出目标应按 A/B 扣分，且得分不得超过分值。
    Bad:
        人均成本 | ≤2000元 | 2500元 | 分值 10 | 得分 10
    Good:
        得分 8.00（10 × 2000/2500）。
    """

    code = "CALC-IND-002"
    title = "反向指标得分计算错误"
    severity = "error"
    tag = "V-3p"
    needs = ("scores",)
    source = f"{DOCZJ}（反向指标 分值×A/B）；{WENMI}"

    def check(self, ctx):
        return score_findings(self, ctx, "reverse")
