from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, WENMI


@register
class CalcInd005(Rule):
    """任一指标行得分超过分值（超出 ``score_tolerance``）。

    Why:
        10号：超额完成不加分；地方规定“得分不得突破权重”。
    Bad:
        资助学生人数 | ≥500人 | 600人 | 分值 20 | 得分 24
    Good:
        得分 20。
    """

    code = "CALC-IND-005"
    title = "得分超过分值"
    severity = "error"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（超额完成不额外加分）；{WENMI}（“得分不得突破权重”）"
    kinds = ("project", "department")

    def check(self, ctx):
        tol = ctx.profile.score_tolerance
        for j, ind in enumerate(ctx.ev.indicators):
            if ind.score is not None and ind.weight is not None and ind.score > ind.weight + tol:
                yield self.finding(ctx, ctx.path("indicators", j, "score"),
                                   f"{label(ind)}得分 {num(ind.score)} 超过分值 {num(ind.weight)}",
                                   evidence=row_evidence(ind), suggestion=f"得分最高为分值 {num(ind.weight)}。")
