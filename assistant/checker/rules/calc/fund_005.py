from assistant.checker.helpers.funds import budget_row
from assistant.checker.helpers.indicators import is_cost, label, row_evidence
from assistant.checker.helpers.text import amount, num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.numbers import to_wan


@register
class CalcFund005(Rule):
    """成本指标的金额（换算为万元）与项目资金总额相差 ``unit_mismatch_ratio``（1000）倍以上：
    成本远大于预算时总报；成本远小于预算只在它是唯一金额类成本指标时报（避免把单项成本误报）。
    单位成本（元/人等，或名称写明“每人每年”“生均”等）不比较。

    Why:
        元与万元混用会让成本指标或资金栏差出一万倍，是常见的填报错误。经验规则，仅作提示。
    Bad:
        项目资金（万元）全年预算数 900000；成本指标“项目总成本 ≤90万元”。
    Good:
        项目资金（万元）全年预算数 90；成本指标“项目总成本 ≤90万元”。
    """

    code = "CALC-FUND-005"
    title = "资金栏与成本指标单位不一致（元/万元）"
    severity = "warning"
    tag = "H"
    source = "经验规则（元/万元混用）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        row = budget_row(ev.funds)
        if row is None:
            return
        budget = to_wan(row.budget_full_year or row.budget_initial, ev.funds.unit)
        costs = [(j, ind, to_wan(ind.target.number, ind.target.unit)) for j, ind in enumerate(ev.indicators)
                 if is_cost(ind) and ind.target.unit and "/" not in ind.target.unit
                 and not any(w in (ind.name or "") for w in profile.unit_cost_words)]
        costs = [(j, ind, c) for j, ind, c in costs if c]
        if not budget or budget <= 0:
            return
        ratio = profile.unit_mismatch_ratio
        for j, ind, cost in costs:
            if cost >= budget * ratio or (len(costs) == 1 and budget >= cost * ratio):
                times = max(cost / budget, budget / cost)
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"成本指标{label(ind)}“{shown(ind.target)}”与项目资金全年预算数 "
                                   f"{amount(row.budget_full_year or row.budget_initial)}{ev.funds.unit} 相差约 {num(times)} 倍，疑似元与万元混用",
                                   evidence=row_evidence(ind),
                                   suggestion="核对资金栏和成本指标的计量单位（元/万元）。")
