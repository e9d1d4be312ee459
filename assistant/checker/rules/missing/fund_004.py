import re

from assistant.checker.helpers.funds import amount_tolerance, budget_row
from assistant.checker.helpers.narrative import narrative
from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import amount, compact, is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DAYING, SICHUAN

_ADJUST = re.compile(r"调整|追加|调减|调增|调剂|追减|新增预算|收回")
# In free text the adjustment must be the budget's: "年中政策调整" explains nothing about money.
_BUDGET_ADJUST = re.compile(r"(预算|资金).{0,8}(调整|追加|调减|调增|调剂|追减|收回)|(调整|追加|调减|调增|调剂|追减).{0,8}(预算|资金)")


@register
class MissingFund004(Rule):
    """年初预算数与全年（调整后）预算数不一致，且没有说明预算调整理由（预算调整原因栏、执行原因栏，
    或报告中提到预算调整/追加的句子）。

    Why:
        四川样表要求“年中发生预算调整的……应单独说明理由”；不说明调整就无法判断执行率分母是否合理。
    Bad:
        年初预算数 0.00，全年预算数 3.36，未作任何说明。
    Good:
        年初预算数 100，全年预算数 120；预算调整原因：年中追加上年结转资金 20 万元。
    """

    code = "MISSING-FUND-004"
    title = "年中预算调整未说明理由"
    severity = "warning"
    tag = "V"
    source = f"{SICHUAN}（“年中发生预算调整的应单独说明理由”）；{DAYING}"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        row = budget_row(ev.funds)
        if row is None:
            return
        if row.budget_initial is None or row.budget_full_year is None:
            return
        if not differs(row.budget_initial, row.budget_full_year, amount_tolerance(ev.funds, profile)):
            return
        if not is_blank(ev.funds.adjust_reason, profile) or _ADJUST.search(compact(ev.funds.reason)):
            return
        if any(_BUDGET_ADJUST.search(s) for s in narrative(ctx)):
            return
        yield self.finding(
            ctx, ctx.path("funds", "adjust_reason"),  # what is missing is the reason
            f"年初预算数 {amount(row.budget_initial)} 与全年预算数 {amount(row.budget_full_year)} 不一致"
            f"（调整 {amount(row.budget_full_year - row.budget_initial)} {ev.funds.unit}），未说明预算调整理由",
            evidence=f"{row.name}：年初预算数 {amount(row.budget_initial)}，全年预算数 {amount(row.budget_full_year)}",
            suggestion="说明年中预算调整（追加/调减）的依据和理由。")
