from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("政府采购执行率",),
                   numerator=("实际政府采购金额", "实际采购金额", "采购金额"),
                   denominator=("政府采购预算数", "采购预算"))


@register
class DeptCalc011(Rule):
    """政府采购执行率 = 实际政府采购金额 / 政府采购预算数；得分 = 分值 × min(执行率, 100%)。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        政府采购执行率反映采购预算的执行程度。
    Bad:
        政府采购执行率 | 分值 4 | 自评得分 4 | 说明：政府采购执行率80%
    Good:
        得分 3.20（4 × 80%）。
    """

    code = "DEPT-CALC-011"
    title = "政府采购执行率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
