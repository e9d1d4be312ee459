from assistant.checker.helpers.indicators import is_text_value, label, row_evidence
from assistant.checker.helpers.scores import scored_in_full
from assistant.checker.helpers.text import shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, DAYING


@register
class ScoreNum001(Rule):
    """定量指标的实际完成值只写文字（完成、已完成、达成预期指标、是、良好……），或带着比较符号照写目标
    （“≥266米”“≥90%”：那是目标的写法，不是实际数），却得满分（没有分值栏的表：计了得分）。

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
            if not (ind.target.quantitative and scored_in_full(ind)):
                continue
            if ind.actual.quantitative and ind.actual.op in (">=", ">", "<=", "<"):
                yield self.finding(ctx, ctx.path("indicators", j, "actual"),
                                   f"{label(ind)}实际完成值“{shown(ind.actual)}”带比较符号，是目标的写法，不是实际数，"
                                   "却得满分",
                                   evidence=row_evidence(ind),
                                   suggestion="填写实际完成的数值（如 280米、96%），据实评分。")
            elif is_text_value(ind.actual):
                yield self.finding(ctx, ctx.path("indicators", j, "actual"),
                                   f"{label(ind)}目标为 {shown(ind.target)}，实际完成值只写“{shown(ind.actual)}”，却得满分",
                                   evidence=row_evidence(ind),
                                   suggestion=f"填写实际完成的数值（与 {shown(ind.target)} 同一单位），据实评分。")
