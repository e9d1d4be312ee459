from assistant.checker.helpers.indicators import is_satisfaction, label, row_evidence
from assistant.checker.helpers.text import num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import WENMI


@register
class WeakVal008(Rule):
    """满意度指标的年度指标值没有数字，或低于 profile 的 ``satisfaction_floor``（默认 80%）。

    Why:
        没有全国统一的满意度下限，但地方样表普遍要求 ≥90%；过低或无数值的满意度目标缺乏约束力。
        经验规则，仅作提示。
    Bad:
        受助学生满意度 | 满意
    Good:
        受助学生满意度 | ≥90%
    """

    code = "WEAK-VAL-008"
    title = "满意度目标过低或无数值"
    severity = "info"
    tag = "H"
    needs = ("self_eval_indicators",)
    source = f"经验规则（未见全国统一标准）；{WENMI}（地方样表 ≥90%）"

    def check(self, ctx):
        floor = ctx.profile.satisfaction_floor
        for j, ind in enumerate(ctx.ev.indicators):
            t = ind.target
            if not is_satisfaction(ind) or t.blank:
                continue
            if t.number is None:
                problem = "没有数值"
            elif t.unit in ("%", None) and t.number < floor and t.number > 1:
                problem = f"低于 {num(floor)}%"
            else:
                continue
            yield self.finding(ctx, ctx.path("indicators", j, "target"),
                               f"满意度指标{label(ind)}的年度指标值“{shown(t)}”{problem}",
                               evidence=row_evidence(ind), suggestion=f"设定可量化的满意度目标（不低于 {num(floor)}%，常用 ≥90%）。")
