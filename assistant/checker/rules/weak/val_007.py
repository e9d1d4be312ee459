from assistant.checker.helpers.indicators import (
    is_text_value,
    is_timeliness,
    label,
    names_deadline,
    row_evidence,
)
from assistant.checker.helpers.text import has_any, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_101

TIMING_WORDS = ("按时", "及时", "计划时间", "如期", "规定时间", "按期", "限期", "时限内", "规定期限", "按计划")


@register
class WeakVal007(Rule):
    """时效指标的年度指标值只写“按时 / 及时 / 在计划时间内完成”，没有日期或时长；或把期限写进指标名称
    （“12月底之前完成”），年度指标值只写一个百分比（100%），没有可核对的日期或时长。

    Why:
        没有截止日期或天数，时效指标无法核对，实际完成值往往也只能写“按时完成”。
    Bad:
        时效指标 | 资金发放及时性 | 按时发放
    Good:
        时效指标 | 资金发放时间 | 2023年12月底前　（或 ≤30个工作日）
    """

    code = "WEAK-VAL-007"
    title = "时效指标没有日期或时长"
    severity = "warning"
    tag = "K"
    needs = ("self_eval_indicators",)
    source = f"{MOF_101}（指标“量化易评”）；{CHIZHOU}"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            if is_timeliness(ind) and is_text_value(ind.target) and has_any(ind.target.raw, TIMING_WORDS):
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"时效指标{label(ind)}的年度指标值“{shown(ind.target)}”没有具体日期或时长",
                                   evidence=row_evidence(ind), suggestion="写明完成时限，如“2023年12月底前”或“≤30个工作日”。")
            elif is_timeliness(ind) and ind.target.unit == "%" and names_deadline(ind):
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"时效指标以期限“{ind.name}”为名，年度指标值只写“{shown(ind.target)}”，"
                                   "没有可核对的日期或时长",
                                   evidence=row_evidence(ind),
                                   suggestion="指标名写所衡量的事项（如“补贴资金发放时间”），年度指标值写完成时限（如“2023年12月底前”）。")
