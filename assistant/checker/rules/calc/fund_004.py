from assistant.checker.helpers.funds import MONEY_COLUMNS, amount_tolerance, source_rows, total_row
from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import amount
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_10, SICHUAN
from assistant.glossary import term


@register
class CalcFund004(Rule):
    """每个金额列（年初预算数、全年预算数、全年执行数）的年度资金总额不等于各资金来源行之和
    （全国：当年财政拨款 + 上年结转 + 其他资金；四川：财政资金 + 财政专户 + 单位资金 + 其他），
    差额超过 ``amount_tolerance``（0.01 万元）。来源行该列全空时不检查；来源行不全（缺 profile
    ``required_fund_rows`` 中的行，由 MISSING-FUND-002 报告）时“其中”行不必相加等于总额，也不检查。

    Why:
        总额是执行率的分母，总额与明细不符时执行率和得分都不可信。
    Bad:
        年度资金总额 0 / 0 / 0，本年财政拨款 90 / 89.974 / 89.974。
    Good:
        年度资金总额 90 / 89.974 / 89.974。
    """

    code = "CALC-FUND-004"
    title = "资金总额不等于来源之和"
    severity = "error"
    tag = "V"
    source = f"{MOF_10} 附件2（项目资金栏）；{SICHUAN}；{CHIZHOU}（总额为 0 而财政拨款 90）"

    def check(self, ctx):
        funds = ctx.ev.funds
        found = total_row(funds)
        sources = source_rows(funds)
        present = {r.category for _, r in sources}
        if found is None or not sources or any(c not in present for c in ctx.profile.required_fund_rows):
            return  # an incomplete breakdown ("其中：…") need not add up; MISSING-FUND-002 reports it
        k, total = found
        tol = amount_tolerance(funds, ctx.profile)
        for col in MONEY_COLUMNS:
            values = [getattr(r, col) for _, r in sources]
            if all(v is None for v in values) or getattr(total, col) is None:
                continue
            expected = sum(v for v in values if v is not None)
            if differs(getattr(total, col), expected, tol):
                parts = " + ".join(amount(v) for v in values if v is not None)
                yield self.finding(ctx, ctx.path("funds", "rows", k, col),
                                   f"{total.name}的{term(col)}应为 {amount(expected)}（{parts}），"
                                   f"表内填报 {amount(getattr(total, col))}",
                                   evidence="；".join(f"{r.name} {amount(getattr(r, col))}" for r in funds.rows),
                                   suggestion=f"核对{total.name}与各资金来源的{term(col)}，使总额等于各来源之和。")
