from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("结转结余变动率",),
                   numerator=("本年累计结转结余", "本年结转结余", "本年"),
                   denominator=("上年累计结转结余", "上年结转结余", "上年"), change=True)


@register
class DeptCalc008(Rule):
    """结转结余变动率 = （本年累计结转结余 − 上年累计结转结余）/ 上年累计结转结余。没有统一计分办法，只按行内数字重算比率。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        结转结余应逐年压减，变动率 ≤0 为好。
    Bad:
        结转结余变动率 | 说明：本年结转结余60万元，上年结转结余50万元，变动率-10%
    Good:
        结转结余变动率 20.00%（（60 − 50）/ 50）。
    """

    code = "DEPT-CALC-008"
    title = "结转结余变动率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
