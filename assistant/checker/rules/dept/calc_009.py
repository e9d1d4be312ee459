from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("公用经费控制率",),
                   numerator=("实际支出公用经费", "实际公用经费", "公用经费支出"),
                   denominator=("预算安排公用经费", "公用经费预算"))


@register
class DeptCalc009(Rule):
    """公用经费控制率 = 实际支出公用经费 / 预算安排公用经费；≤100% 得满分，超过 100% 不得满分（扣分标准以评分标准栏为准）。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        公用经费应控制在预算以内。
    Bad:
        公用经费控制率 | 分值 4 | 自评得分 4 | 说明：公用经费控制率105%
    Good:
        控制率超过 100%，按评分标准扣分。
    """

    code = "DEPT-CALC-009"
    title = "公用经费控制率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
