from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, WENMI


@register
class CalcInd005(Rule):
    """任一指标行得分超过分值（超出 ``score_tolerance``）。没有分值栏的表（云南县级表只有得分），得分若是
    某个整数分值乘以超过 100% 的完成率（31.9 = 20 × 159.6%），也是得分超过了该项分值。

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
            elif ind.weight is None and (points := _scaled_points(ind, tol)) is not None:
                yield self.finding(ctx, ctx.path("indicators", j, "score"),
                                   f"{label(ind)}得分 {num(ind.score)} 是分值 {num(points)} 按超额完成率放大所得"
                                   f"（{num(points)} × {num(ind.actual.number)}/{num(ind.target.number)}），超过分值",
                                   evidence=row_evidence(ind), suggestion=f"超额完成不加分，得分最高为 {num(points)}。")


def _scaled_points(ind, tol: float) -> float | None:
    """The whole-number points a score was scaled up from by a completion above 100%, or None.
    Only a whole number is taken: any score divided by any rate gives some number, a round one
    only when the score was computed from it."""
    cmp = compare(ind)
    if ind.score is None or cmp is None or cmp.direction != "positive" or cmp.target <= 0:
        return None
    ratio = cmp.actual / cmp.target
    if ratio <= 1.02:
        return None
    points = round(ind.score / ratio)
    if points <= 0 or abs(ind.score / ratio - points) > tol or ind.score <= points + tol:
        return None
    return float(points)
