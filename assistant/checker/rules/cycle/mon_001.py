from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.cycle import monitored_row, threshold
from assistant.checker.helpers.scores import is_below
from assistant.checker.helpers.text import clip, is_blank, norm, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_136
from assistant.model import is_warning


@register
class CycleMon001(Rule):
    """监控预警未跟进：关联的绩效监控表（最近一轮）对某指标亮了红/黄灯或写了偏差原因，年底自评
    该指标仍未完成（实际值未达目标，或得分低于分值），却没有填偏差原因。

    Why:
        绩效监控发现偏差后应及时纠偏；年底同样的缺口再次出现而不作说明，说明预警没有跟进。
    Bad:
        1-7月监控“资助学生人数”黄色预警（预计全年450人），自评实际480人、得分18，偏差原因空。
    Good:
        写明预警后采取的措施和仍未完成的原因。
    """

    code = "CYCLE-MON-001"
    title = "监控预警的指标年底仍未完成且无说明"
    severity = "warning"
    tag = "K"
    source = f"{MOF_136} 第三条（结果运用、及时纠偏）"
    needs = ("monitoring", "self_eval_indicators")

    def check(self, ctx):
        mon = ctx.cycle.monitoring
        similar = threshold(ctx.profile, "rename_similarity")
        for j, ind in enumerate(ctx.ev.indicators):
            i = monitored_row(ind, mon.indicators, similar)
            if i is None:
                continue
            row = mon.indicators[i]
            colours = ctx.profile.warning_colours  # which 预警 colours count is the pack's
            if not (is_warning(row.warning, colours=colours)
                    or (row.deviation_reason and not is_warning(row.warning, green=True))):
                continue
            cmp = compare(ind)
            short = (cmp is not None and not cmp.met) or is_below(ind.score, ind.weight)
            if not short or not is_blank(ind.deviation_reason, ctx.profile):
                continue
            raised = f"{norm(row.warning)}预警" if row.warning else f"偏差原因“{clip(row.deviation_reason, 30)}”"
            yield self.finding(
                ctx, ctx.path("indicators", j, "deviation_reason"),
                f"指标“{norm(ind.name)}”在1-{mon.months or 'N'}月监控中已提示{raised}，年底仍未完成"
                f"（目标 {shown(ind.target)}，实际 {shown(ind.actual)}），未说明原因",
                evidence=f"监控：预计全年 {shown(row.expected)}，{raised}；自评：实际 {shown(ind.actual)}",
                suggestion="说明监控预警后采取的纠偏措施，以及年底仍未完成的原因。")
