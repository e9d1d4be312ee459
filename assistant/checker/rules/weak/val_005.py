from assistant.checker.helpers.indicators import is_cost, label, row_evidence
from assistant.checker.helpers.text import shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DOCZJ, MOF_101


@register
class WeakVal005(Rule):
    """成本指标使用“≥ / 不低于 / 以上”等正向符号。

    Why:
        成本指标是控制上限（101号：经济成本），应写“≤”；写成“≥”等于鼓励多花钱，也会套错评分公式。
    Bad:
        成本指标 | 生均资助标准 | ≥2500元/人
    Good:
        成本指标 | 生均资助标准 | ≤2500元/人
    """

    code = "WEAK-VAL-005"
    title = "成本指标方向错误"
    severity = "warning"
    tag = "V-3p"
    needs = ("self_eval_indicators",)
    source = f"{MOF_101}（成本指标）；{DOCZJ}（反向指标）"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            if is_cost(ind) and ind.target.op in (">=", ">"):
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"成本指标{label(ind)}的年度指标值“{shown(ind.target)}”使用了正向符号",
                                   evidence=row_evidence(ind), suggestion="成本指标应写上限，如“≤2500元/人”。")
