from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("预算调整率",),
                   numerator=("预算调整数", "调整数", "调整金额"),
                   denominator=("预算数", "年初预算"))


@register
class DeptCalc005(Rule):
    """预算调整率 = 预算调整数 / 预算数；=0 得满分，0–10% 得 2/3，10–20% 得 1/3，20–30% 得 1/6，30% 以上不得分。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        预算调整率反映预算编制的准确性，调整越多得分越低。
    Bad:
        预算调整率 | 分值 3 | 自评得分 3 | 说明：预算调整率15%
    Good:
        得分 1.00（15% 在 10–20% 档，得 1/3 分值）。
    """

    code = "DEPT-CALC-005"
    title = "预算调整率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
