from assistant.checker.helpers.funds import total_row
from assistant.checker.helpers.text import amount, is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_88
from assistant.numbers import to_wan


@register
class CycleFund001(Rule):
    """资金变动无调整说明：自评表总额行的年初预算数或全年预算数（折成万元）与关联申报表的年度
    资金总额相差超过 ``amount_tolerance``，而自评表没有填预算调整原因。

    Why:
        申报时的资金与绩效目标相匹配；资金变了而目标和说明不变，审核人无从判断目标是否还合理。
    Bad:
        申报年度资金总额100万元，自评全年预算数150万元，预算调整原因为空。
    Good:
        预算调整原因写明追加或调减的金额、依据和对绩效目标的影响。
    """

    code = "CYCLE-FUND-001"
    title = "预算与申报资金不一致且无调整说明"
    severity = "warning"
    tag = "K"
    source = f"{MOF_88}（预算执行中确需调整绩效目标的，按程序报批）"
    needs = ("declaration",)

    def check(self, ctx):
        declared = ctx.cycle.declaration.total
        found = total_row(ctx.ev.funds)
        if declared is None or found is None or not is_blank(ctx.ev.funds.adjust_reason, ctx.profile):
            return
        t, row = found
        unit = ctx.ev.funds.unit
        for key, name in (("budget_initial", "年初预算数"), ("budget_full_year", "全年预算数")):
            value = to_wan(getattr(row, key), unit)
            if value is None or abs(value - declared) <= ctx.profile.amount_tolerance:
                continue
            yield self.finding(
                ctx, ctx.path("funds", "rows", t, key),
                f"自评表{name} {amount(value)} 万元，与绩效目标申报表的年度资金总额 {amount(declared)} 万元不一致，"
                "未说明预算调整原因",
                evidence=f"申报：年度资金总额 {amount(declared)} 万元；自评：{name} {amount(value)} 万元",
                suggestion="填写预算调整原因（调整金额、依据文件），并说明绩效目标是否随之调整。")
            return
