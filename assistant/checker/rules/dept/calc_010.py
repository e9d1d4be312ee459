from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("三公经费控制率",),
                   numerator=("三公经费实际支出", "实际支出"),
                   denominator=("三公经费预算数", "预算数"))


@register
class DeptCalc010(Rule):
    """“三公经费”控制率 = “三公经费”实际支出 / “三公经费”预算数；≤100% 得满分，每超 1 个百分点扣 1 分。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        “三公经费”不得超预算。
    Bad:
        “三公经费”控制率 | 分值 6 | 自评得分 6 | 说明：“三公经费”控制率103%
    Good:
        得分 3.00（6 − 1 × 3）。
    """

    code = "DEPT-CALC-010"
    title = "“三公经费”控制率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
