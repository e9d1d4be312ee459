from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.scores import scored_in_full
from assistant.checker.helpers.text import is_blank, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10
from assistant.numbers import fixed


@register
class ScoreOvr001(Rule):
    """目标明显偏低却得满分：正向指标 B/A ≥ ``overshoot_ratio``（1.5），或反向指标 A/B ≥ 1.5（B 为 0 的
    反向指标不计），得分为满分，且没有偏差说明。

    Why:
        10号：因目标设定明显偏低而大幅超额完成的，应按偏离程度扣分；否则目标“避重就轻”、易达标。
        1.5 倍阈值为经验规则。
    Bad:
        开展培训场次 | ≥10场 | 32场 | 分值 10 | 得分 10 | 偏差说明（空）
    Good:
        按偏离程度扣分并说明；次年据实提高目标值。
    """

    code = "SCORE-OVR-001"
    title = "目标明显偏低仍得满分"
    severity = "warning"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（目标设置明显偏低的按偏离度扣分）；1.5倍阈值为经验规则"

    def check(self, ctx):
        profile = ctx.profile
        for j, ind in enumerate(ctx.ev.indicators):
            cmp = compare(ind)
            if cmp is None or cmp.direction == "equal" or not cmp.met:
                continue
            ratio = cmp.overshoot
            if (ratio is None or ratio < profile.overshoot_ratio or cmp.actual == 0
                    or not scored_in_full(ind)
                    or not is_blank(ind.deviation_reason, profile)):
                continue
            if cmp.direction == "reverse":  # a ceiling far above what was spent or took: too loose
                gap = (f"年度指标值 {shown(ind.target)} 是实际完成值 {shown(ind.actual)} 的 {fixed(ratio)} 倍"
                       f"（反向指标），目标明显偏宽")
            else:
                gap = (f"实际完成值 {shown(ind.actual)} 是年度指标值 {shown(ind.target)} 的 {fixed(ratio)} 倍，"
                       f"目标明显偏低")
            yield self.finding(ctx, ctx.path("indicators", j, "score"), f"{label(ind)}{gap}却得满分且未说明",
                               evidence=row_evidence(ind),
                               suggestion="按偏离程度扣分并说明原因；下一年度据实调整目标值。")
