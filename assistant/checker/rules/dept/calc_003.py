from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("重点支出安排率",),
                   numerator=("重点项目支出", "重点支出"),
                   denominator=("项目总支出", "项目支出总额", "总支出"))


@register
class DeptCalc003(Rule):
    """重点支出安排率 = 重点项目支出 / 项目总支出；≥90% 得满分，80–90% 得 80%，70–80% 得 60%，60–70% 得 40%，60% 以下不得分。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        重点支出安排率反映部门预算是否向重点工作倾斜。
    Bad:
        重点支出安排率 | 分值 5 | 自评得分 5 | 说明：重点支出安排率85%
    Good:
        得分 4.00（85% 在 80–90% 档，得 80% 分值）。
    """

    code = "DEPT-CALC-003"
    title = "重点支出安排率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
