from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10


@register
class MissingForm001(Rule):
    """指标表没有分值、得分两栏（无分值版式）：各项指标没有分值和得分，自评总分和评价等级无从得出。
    整张表一条发现（列出没有总分、等级的情况），不逐行报“分值为空”“得分为空”。

    Why:
        10号规定自评采用打分评价，总分由各项指标得分汇总，再按总分确定评价等级；没有分值和得分的表
        只列了目标和完成值，不是完整的自评结果。
    Bad:
        三级指标 | 年度指标值 | 实际完成值 | 偏差原因（没有分值、得分栏，也没有总分）
    Good:
        三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因；表末总分 95、评价等级 优
    """

    code = "MISSING-FORM-001"
    title = "自评表没有分值和得分"
    severity = "error"
    tag = "K"
    source = f"{MOF_10}（总分由各项指标得分汇总，按总分确定评价等级；自评表“内容完整”）"

    def check(self, ctx):
        ev = ctx.ev
        if not ev.indicators or not ctx.profile.lacks(ev.layout, "scores"):
            return
        missing = ["分值、得分栏"]
        if ev.total_score is None:
            missing.append("总分")
        if ev.grade is None:
            missing.append("评价等级")
        shown = [f"总分 {num(ev.total_score)}"] if ev.total_score is not None else []
        shown += [f"评价等级 {ev.grade}"] if ev.grade else []
        yield self.finding(ctx, ctx.path("indicators"),
                           f"自评表没有{'、'.join(missing)}：{len(ev.indicators)}项指标均未打分",
                           evidence="；".join([f"{len(ev.indicators)}项指标只有年度指标值和实际完成值", *shown]),
                           suggestion="按10号的评分方法为各项指标设定分值并打分，汇总自评总分，确定评价等级。")
