from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.scores import is_below
from assistant.checker.helpers.text import is_blank, num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import YUEYANG


@register
class DeptMiss001(Rule):
    """部门整体支出绩效自评表中，自评得分低于分值而“扣分原因和其他说明”为空（或只写“无”）。

    Why:
        扣分必须说明原因，否则无法判断扣分是否合理、问题在哪里。
    Bad:
        预算执行率 | 分值 10 | 自评得分 8 | 扣分原因（空）
    Good:
        扣分原因：预算执行率 80%，部分政府采购项目年底才完成验收。
    """

    code = "DEPT-MISS-001"
    title = "扣分未说明原因（部门整体）"
    severity = "error"
    tag = "V"
    source = f"{YUEYANG}（扣分原因和其他说明栏）"
    kinds = ("department",)

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            if is_below(ind.score, ind.weight) and is_blank(ind.deviation_reason, ctx.profile):
                yield self.finding(ctx, ctx.path("indicators", j, "deviation_reason"),
                                   f"{label(ind)}得分 {num(ind.score)} 低于分值 {num(ind.weight)}，未说明扣分原因",
                                   evidence=row_evidence(ind), suggestion="在“扣分原因和其他说明”中写明扣分原因。")
