from assistant.checker.helpers.compare import score_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DOCZJ, MOF_10


@register
class CalcInd001(Rule):
    """正向定量指标（年度指标值“≥A”“>A”或只写 A）：实际值 B ≥ A 得满分，否则得 分值 × B/A；
    自评得分与此相差超过 ``score_tolerance``（0.1 分）即报。达标却因目标偏低而扣分、且写了偏差说明的不报；
    得分超过分值时 CALC-IND-005 也会报告（两条规则的条件同时成立）。

    Why:
        10号：未完成目标的按完成比例计分，完成的得满分。
    Bad:
        资助学生人数 | ≥100人 | 80人 | 分值 20 | 得分 20
    Good:
        得分 16.00（20 × 80/100）。
    """

    code = "CALC-IND-001"
    title = "正向指标得分计算错误"
    severity = "error"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（定量指标评分：完成的得满分，未完成的按比例计分）；{DOCZJ}（正向指标 分值×B/A）"

    def check(self, ctx):
        return score_findings(self, ctx, "positive")
