from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("结转结余率",),
                   numerator=("结转结余总额", "结转结余"),
                   denominator=("预算数", "支出完成数"))


@register
class DeptCalc007(Rule):
    """结转结余率 = 结转结余总额 / 预算数（另一口径除以本年支出完成数）。没有统一计分办法，只按行内数字重算比率。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        结转结余率反映资金沉淀程度，越低越好。
    Bad:
        结转结余率 | 说明：结转结余总额50万元，预算数1000万元，结转结余率2%
    Good:
        结转结余率 5.00%（50/1000）。
    """

    code = "DEPT-CALC-007"
    title = "结转结余率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
