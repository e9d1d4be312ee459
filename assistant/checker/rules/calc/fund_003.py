from assistant.checker.helpers.funds import amount_tolerance, execution
from assistant.checker.helpers.text import amount
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.numbers import fixed


@register
class CalcFund003(Rule):
    """全年执行数大于全年预算数（执行率超过 100%），差额超过 ``amount_tolerance``。

    Why:
        支出超过预算要么是金额填错（单位、行次），要么是超预算支出，都需要核实。经验规则，最高报警告。
    Bad:
        全年预算数 120，全年执行数 130。
    Good:
        全年预算数 120，全年执行数 114。
    """

    code = "CALC-FUND-003"
    title = "执行数超过预算数"
    severity = "error"
    tag = "H"
    source = "经验规则（数据完整性核对）"

    def check(self, ctx):
        funds, profile = ctx.ev.funds, ctx.profile
        exe = execution(funds, profile)
        if exe is None or exe.executed <= exe.budget + amount_tolerance(funds, profile):
            return
        yield self.finding(ctx, ctx.path("funds", "rows", exe.row, "exec_amount"),
                           f"全年执行数 {amount(exe.executed)} 超过全年预算数 {amount(exe.budget)}（执行率 {fixed(exe.rate)}%）",
                           evidence=f"{funds.rows[exe.row].name}：预算 {amount(exe.budget)}，执行 {amount(exe.executed)}（{funds.unit}）",
                           suggestion="核对执行数和预算数（行次、计量单位）；确属超预算支出的须说明原因。")
