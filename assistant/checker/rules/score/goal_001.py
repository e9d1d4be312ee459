import re

from assistant.checker.helpers.text import (
    chinese_chars,
    clip,
    is_blank,
    is_boilerplate,
    norm,
    num,
    similarity,
)
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU

# A plan copied with its numbers updated is still the plan (池州: "共申请预算资金90万元…" →
# "共完成预算资金89.97万元…", 0.89 similar as written, 0.96 with the numbers masked).
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_MIN_WORDS = 4  # Chinese characters a completion needs before it can copy anything


def _wording(text: str | None) -> str:
    return _NUMBER.sub("#", norm(text))


@register
class ScoreGoal001(Rule):
    """年度总体目标的“实际完成情况”与“预期目标”几乎相同（去掉标点、数字只看措辞后的相似度 ≥
    ``goal_similarity``，0.9）：只改了数字的目标也是照抄。完成情况只是一句套话（“完成年度目标。”）的由
    MISSING-GOAL-002 指出，不在此重复报。

    Why:
        照抄预期目标当完成情况，说明没有真正总结完成情况。经验规则。
    Bad:
        预期目标：资助学生500人，资金按时足额发放。实际完成情况：资助学生500人，资金按时足额发放。
    Good:
        实际完成情况：全年资助学生520人，发放资金114万元，12月20日前全部到账。
    """

    code = "SCORE-GOAL-001"
    title = "完成情况照抄预期目标"
    severity = "warning"
    tag = "H"
    source = f"经验规则；{CHIZHOU}（完成情况复述目标）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        if is_blank(ev.goal_planned, profile) or is_blank(ev.goal_achieved, profile):
            return
        if chinese_chars(ev.goal_achieved) < _MIN_WORDS:
            return  # "37.24" under "43.2" copies nothing; MISSING-GOAL-001 says it has no content
        if is_boilerplate(ev.goal_achieved, ev.project_name, profile):
            return  # "完成年度目标。" under a goal as empty: MISSING-GOAL-002 says it has no content
        sim = similarity(_wording(ev.goal_planned), _wording(ev.goal_achieved), floor=profile.goal_similarity)
        if sim >= profile.goal_similarity:
            yield self.finding(ctx, ctx.path("goal_achieved"),
                               f"实际完成情况与预期目标措辞相似度 {num(sim * 100)}%（数字不计），疑似照抄目标",
                               evidence=f"预期目标：{clip(ev.goal_planned, 40)}；实际完成情况：{clip(ev.goal_achieved, 40)}",
                               suggestion="据实写明实际完成的数量、质量、时间和效果。")
