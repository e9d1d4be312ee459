from assistant.checker.helpers.funds import MONEY_COLUMNS, amount_tolerance, source_rows, total_row
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, SICHUAN
from assistant.numbers import FUND_CATEGORIES


@register
class MissingFund002(Rule):
    """资金来源明细行缺失：profile 的 ``required_fund_rows`` 中的来源行（全国版式为当年财政拨款、
    上年结转资金、其他资金；四川为财政资金）没有出现在项目资金栏，而列出的来源行合计不到总额（差额
    不知来自哪里）。行存在但金额为 0 或空不算缺失；列出的来源已合计为总额时，缺的是项目没有的来源，
    不是漏填。只有总额一行的资金栏不检查：那是版式没有来源明细（云南县级表的“年度财政资金总额”一行、
    评价指标体系表的“年度资金总额”一行），填表单位无从增行。

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
        if missing and not _sources_make_total(funds, ctx.profile):
            yield self.finding(ctx, ctx.path("funds", "rows"), f"项目资金栏缺少资金来源行：{'、'.join(missing)}",
                               evidence="现有资金行：" + "、".join(r.name for r in funds.rows),
                               suggestion=f"补列{'、'.join(missing)}行（没有该来源的填 0）。")


def _sources_make_total(funds, profile) -> bool:
    """The listed source rows add up to the total row in every money column the total has (or the
    block has no source rows at all: its layout has none)."""
    _, total = total_row(funds)
    sources = [r for _, r in source_rows(funds)]
    tol = amount_tolerance(funds, profile)
    if not sources:
        return True  # a block laid out as the total line alone: nothing the unit left out
    columns = [c for c in MONEY_COLUMNS if getattr(total, c) is not None]
    return bool(columns) and all(
        abs(sum(getattr(r, c) or 0.0 for r in sources) - getattr(total, c)) <= tol for c in columns)
