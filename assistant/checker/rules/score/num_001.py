from assistant.checker.helpers.indicators import is_text_value, label, row_evidence
from assistant.checker.helpers.scores import is_full
from assistant.checker.helpers.text import shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, DAYING


@register
class ScoreNum001(Rule):
    """定量指标的实际完成值只写文字（完成、已完成、达成预期指标、是、良好……），却得满分。

    Why:
        没有实际数值就无法判断是否达到目标值，满分缺乏依据。
    Bad:
        资助学生人数 | ≥500人 | 完成 | 分值 20 | 得分 20
    Good:
        资助学生人数 | ≥500人 | 520人 | 分值 20 | 得分 20
    """

    code = "SCORE-NUM-001"
    title = "定量指标无实际数值却得满分"
    severity = "warning"
    tag = "V"
    needs = ("scores",)
    source = f"{DAYING}（实际完成值填“完成”）；{CHIZHOU}（“达成预期指标”）"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            if ind.target.quantitative and is_text_value(ind.actual) and is_full(ind.score, ind.weight):
                yield self.finding(ctx, ctx.path("indicators", j, "actual"),
                                   f"{label(ind)}目标为 {shown(ind.target)}，实际完成值只写“{shown(ind.actual)}”，却得满分",
                                   evidence=row_evidence(ind),
                                   suggestion=f"填写实际完成的数值（与 {shown(ind.target)} 同一单位），据实评分。")
