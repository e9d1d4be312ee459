from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("预算完成率", "预算执行率"),
                   numerator=("预算完成数", "预算执行数", "执行数", "完成数", "支出数"),
                   denominator=("预算数", "全年预算", "调整后预算"))


@register
class DeptCalc004(Rule):
    """预算完成（执行）率 = 预算完成数 / 预算数；得分 = 分值 × min(完成率, 100%)。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        预算完成率反映部门预算的执行程度，按完成比例计分且不得超过分值。
    Bad:
        预算执行率 | 分值 10 | 自评得分 10 | 说明：预算执行率85%
    Good:
        得分 8.50（10 × 85%）。
    """

    code = "DEPT-CALC-004"
    title = "预算完成（执行）率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
