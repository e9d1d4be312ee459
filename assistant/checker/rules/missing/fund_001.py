from assistant.checker.helpers.funds import MONEY_COLUMNS, total_row
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, SICHUAN
from assistant.glossary import term


@register
class MissingFund001(Rule):
    """年度资金总额（总额）行的全年预算数（调整后预算数）或全年执行数为空——执行率由这两格算出；
    执行率以年初预算数为分母的 profile 也查年初预算数。没有年度资金总额行也算。版式本身没有的列
    （如市级表没有年初预算数）不检查；评价指标体系的评分表没有项目资金栏，由 WEAK-FORM-001 一并指出。
    年初预算数留空而全年预算数已填，是年中下达的资金（上级转移支付、配套资金）常见的填法，不算缺失。

    Why:
        执行率和预算执行得分都由总额行的金额算出，金额缺失就无法复核资金使用情况。
    Bad:
        年度资金总额 | 年初预算数 100 | 全年预算数 （空） | 全年执行数 95
    Good:
        年度资金总额 | 年初预算数 100 | 全年预算数 120 | 全年执行数 114
    """

    code = "MISSING-FUND-001"
    title = "项目资金总额行金额缺失"
    severity = "error"
    tag = "K"
    source = f"{MOF_10} 附件2（项目资金栏）；{SICHUAN}"

    def check(self, ctx):
        funds = ctx.ev.funds
        found = total_row(funds)
        if found is None and not funds.rows and ctx.ev.layout == "framework":
            return  # the framework's scoring table has no funds block: WEAK-FORM-001 says the table is not a self-evaluation
        if found is None:
            yield self.finding(ctx, ctx.path("funds", "rows"), "项目资金栏缺少“年度资金总额”（总额）行",
                               evidence="；".join(r.name for r in funds.rows) or "未识别到资金行",
                               suggestion="填写年度资金总额行的年初预算数、全年预算数和全年执行数。")
            return
        k, row = found
        for col in MONEY_COLUMNS:
            if col == "budget_initial" and ctx.profile.execution_denominator != col:
                continue
            if getattr(row, col) is None and (not row.cells or col in row.cells):
                yield self.finding(ctx, ctx.path("funds", "rows", k, col), f"{row.name}行的“{term(col)}”为空",
                                   evidence=f"{row.name}：{term(col)}（空）",
                                   suggestion=f"补填{row.name}的{term(col)}（单位{funds.unit}）。")
