from assistant.checker.helpers.text import compact, num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10

_GRADE_WORDS = (("优", "优"), ("良", "良"), ("中", "中"), ("差", "差"), ("合格", "中"))


def normalise_grade(text: str | None) -> str | None:
    t = compact(text)
    return next((g for word, g in _GRADE_WORDS if word in t), None)


@register
class CalcGrade001(Rule):
    """填报的评价等级与总分不符（profile ``grade_bands``：优 ≥ 90 > 良 ≥ 80 > 中 ≥ 60 > 差）。
    总分为空时按各项得分之和判断。

    Why:
        10号规定了等级划分；等级与总分不符，要么总分错，要么等级错。
    Bad:
        总分 85，评价等级 优。
    Good:
        总分 85，评价等级 良。
    """

    code = "CALC-GRADE-001"
    title = "评价等级与总分不符"
    severity = "error"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（优90–100、良80–90、中60–80、差60以下）"
    kinds = ("project", "department")

    def check(self, ctx):
        ev = ctx.ev
        stated = normalise_grade(ev.grade)
        total = ev.total_score
        if total is None and ev.indicators and all(i.score is not None for i in ev.indicators):
            total = sum(i.score for i in ev.indicators) + (ev.funds.score or 0.0)
        if stated is None or total is None:
            return
        bands = ctx.profile.grade_bands
        expected, floor = next(((g, float(lo)) for g, lo in bands if total >= float(lo) - 1e-9), (bands[-1][0], 0.0))
        if stated == expected:
            return
        yield self.finding(ctx, ctx.path("grade"),
                           f"总分 {num(total)} 对应等级“{expected}”（≥{num(floor)}），表内填报“{compact(ev.grade)}”",
                           evidence=f"总分 {num(total)}；评价等级 {ev.grade}", suggestion=f"评价等级改为“{expected}”，或核对总分。")
