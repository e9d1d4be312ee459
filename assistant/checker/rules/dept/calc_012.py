from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("固定资产利用率",),
                   numerator=("在用固定资产总额", "在用固定资产"),
                   denominator=("全部固定资产总额", "固定资产总额"))


@register
class DeptCalc012(Rule):
    """固定资产利用率 = 在用固定资产总额 / 全部固定资产总额；得分 = 分值 × min(利用率, 100%)。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        闲置资产说明资产配置不合理。
    Bad:
        固定资产利用率 | 分值 4 | 自评得分 4 | 说明：固定资产利用率90%
    Good:
        得分 3.60（4 × 90%）。
    """

    code = "DEPT-CALC-012"
    title = "固定资产利用率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
