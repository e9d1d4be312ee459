from assistant.checker.helpers.compare import score_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule


@register
class CalcInd003(Rule):
    """等值指标（年度指标值“=A”）：B = A 得满分；B < A 得 分值 × B/A，B > A 得 分值 × A/B。
    各地做法不一，只作警告。

    Why:
        “=100%”类指标未达到时应按比例扣分，常见错误是照给满分。经验规则。
    Bad:
        资助对象认定准确率 | =100% | 98% | 分值 10 | 得分 10
    Good:
        得分 9.80（10 × 98/100）。
    """

    code = "CALC-IND-003"
    title = "等值指标得分计算错误"
    severity = "warning"
    tag = "H"
    needs = ("scores",)
    source = "经验规则（各地对“=”类指标评分口径不一）"

    def check(self, ctx):
        return score_findings(self, ctx, "equal")
