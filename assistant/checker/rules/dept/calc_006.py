from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("支付进度率",),
                   numerator=("实际支付进度", "实际支付"),
                   denominator=("既定支付进度", "既定进度", "计划支付进度"))


@register
class DeptCalc006(Rule):
    """支付进度率 = 实际支付进度 / 既定支付进度。各地按时间节点扣分，节点数据不在评分表中，因此只按行内数字重算比率。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        支付进度率衡量资金支付是否按计划推进。
    Bad:
        支付进度率 | 说明：实际支付进度60%，既定支付进度80%，支付进度率90%
    Good:
        支付进度率 75.00%（60/80）。
    """

    code = "DEPT-CALC-006"
    title = "支付进度率计算或计分错误"
    severity = "warning"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
