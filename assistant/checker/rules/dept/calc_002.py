from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("三公经费变动率",),
                   numerator=("本年", "本年度", "今年"),
                   denominator=("上年", "上年度", "去年"), change=True)


@register
class DeptCalc002(Rule):
    """“三公经费”变动率 = （本年“三公经费” − 上年“三公经费”）/ 上年“三公经费”；≤0 得满分，每超 1 个百分点扣 0.5 分（各地也有 0.8、0.3 分的）。
    比率取实际完成值栏或说明中的百分数；说明中同时写了分子分母时先重算比率。计分办法取 profile 的
    ``dept_scoring``。

    Why:
        “三公经费”只减不增是中央八项规定的要求，变动率为正应扣分。
    Bad:
        “三公经费”变动率 | 分值 5 | 自评得分 5 | 说明：本年三公经费22万元，上年20万元
    Good:
        变动率 10.00%，得分 0.00（5 − 0.5 × 10）。
    """

    code = "DEPT-CALC-002"
    title = "“三公经费”变动率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
