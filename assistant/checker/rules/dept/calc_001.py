from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("在职人员控制率", "财政供养人员控制率"),
                   numerator=("在职人员数", "实有人数", "在职人员"),
                   denominator=("编制数", "核定编制", "编制"))


@register
class DeptCalc001(Rule):
    """在职人员控制率 = 在职人员数 / 编制数；≤100% 得满分，每超 1 个百分点扣 0.5 分（评分标准栏写明扣分标准的，以评分标准为准）。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        控制人员规模是部门预算管理的基本要求，控制率按在职人数与编制数计算。
    Bad:
        在职人员控制率 | 分值 5 | 自评得分 5 | 说明：在职人员102人，编制数100人，控制率98%
    Good:
        控制率 102%（102/100），得分 4.00（5 − 0.5 × 2）。
    """

    code = "DEPT-CALC-001"
    title = "在职人员控制率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
