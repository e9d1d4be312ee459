from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.text import is_blank, num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import REVIEW_SYSTEM


@register
class MissingDev003(Rule):
    """实际完成值偏离年度指标值达到口径的偏离阈值（profile ``deviation.threshold``，如 30%）及以上——
    未完成或超额完成都算，偏离度 = |实际 − 目标| / 目标——而偏差原因为空或只写了“无”。
    只在启用了偏离扣分的口径下运行（全国口径不设阈值，本规则不报）；表中没有偏差原因栏的版式不逐行检查。
    未完成且无说明的行 MISSING-DEV-001 也报，两条合并为那一条（fold.yaml）。

    Why:
        复核打分对偏离目标较大又不作说明的指标扣分：超额 30% 以上往往说明目标定得过低，
        差 30% 以上说明执行出了问题，两者都需要写明原因。
    Bad:
        培训人次 | ≥100人次 | 150人次 | 偏差原因：（空）　（偏离 50%）
    Good:
        ……| 150人次 | 偏差原因：上级追加线上培训名额50个；下一年度将按实际需求调高目标值。
    """

    code = "MISSING-DEV-003"
    title = "偏离目标超过口径阈值未说明原因"
    severity = "warning"
    tag = "H"
    source = f"{REVIEW_SYSTEM}（实际值偏离目标 30% 及以上未说明原因的扣分）；仅在启用偏离扣分的口径下适用"
    needs = ("self_eval_indicators",)
    enabled_by = "deviation"  # the pack's deviation threshold

    def check(self, ctx):
        threshold = ctx.profile.deviation_threshold
        if threshold is None:
            return  # the pack applies no deviation check
        rows = ctx.ev.indicators
        if any(i.cells for i in rows) and not any("deviation_reason" in i.cells for i in rows):
            return  # read from a form that has no 偏差原因 column
        for j, ind in enumerate(rows):
            cmp = compare(ind)
            if cmp is None or cmp.target == 0:
                continue
            off = abs(cmp.actual - cmp.target) / abs(cmp.target) * 100
            if off + 1e-9 < threshold or not is_blank(ind.deviation_reason, ctx.profile):
                continue
            way = "超过" if cmp.actual > cmp.target else "低于"
            yield self.finding(
                ctx, ctx.path("indicators", j, "deviation_reason"),
                f"{label(ind)}实际完成值 {shown(ind.actual)} {way}年度指标值 {shown(ind.target)} {num(off)}%，"
                f"达到本口径的偏离阈值 {num(threshold)}%，但未说明原因",
                evidence=row_evidence(ind),
                suggestion="说明实际完成值大幅偏离目标的原因；目标定得过低或过高的，说明下一年度如何调整。")
