from assistant.checker.helpers.funds import total_row
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, SICHUAN
from assistant.numbers import FUND_CATEGORIES


@register
class MissingFund002(Rule):
    """资金来源明细行缺失：profile 的 ``required_fund_rows`` 中的来源行（全国版式为当年财政拨款、
    上年结转资金、其他资金；四川为财政资金）没有出现在项目资金栏。行存在但金额为 0 或空不算缺失。

    Why:
        只有总额没有来源明细，就无法核对总额是否等于各来源之和，也看不出结转资金的使用情况。
    Bad:
        项目资金栏只有“年度资金总额”一行。
    Good:
        年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金 四行齐全。
    """

    code = "MISSING-FUND-002"
    title = "资金来源明细行缺失"
    severity = "warning"
    tag = "V"
    source = f"{CHIZHOU}；{SICHUAN}"

    def check(self, ctx):
        funds = ctx.ev.funds
        if total_row(funds) is None:
            return  # MISSING-FUND-001 reports the missing total row
        present = {r.category for r in funds.rows}
        missing = [FUND_CATEGORIES.get(c, c) for c in ctx.profile.required_fund_rows if c not in present]
        if missing:
            yield self.finding(ctx, ctx.path("funds", "rows"), f"项目资金栏缺少资金来源行：{'、'.join(missing)}",
                               evidence="现有资金行：" + "、".join(r.name for r in funds.rows),
                               suggestion=f"补列{'、'.join(missing)}行（没有该来源的填 0）。")
