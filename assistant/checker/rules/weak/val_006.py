from assistant.checker.helpers.funds import budget_row
from assistant.checker.helpers.indicators import is_cost, label, row_evidence
from assistant.checker.helpers.text import amount, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_101
from assistant.numbers import to_wan


@register
class WeakVal006(Rule):
    """唯一的成本指标就是项目总预算（如 90 万元项目写“≤90万元”），没有单位成本或成本构成。

    Why:
        把预算总额当成本指标不提供任何新信息，无法反映成本控制和经济性。经验规则，仅作提示。
    Bad:
        成本指标 | 项目总成本 | ≤90万元　（项目全年预算 90 万元）
    Good:
        成本指标 | 生均资助标准 | ≤2500元/人；设备单价 | ≤3.5万元/台
    """

    code = "WEAK-VAL-006"
    title = "成本指标照抄预算总额"
    severity = "info"
    tag = "H"
    needs = ("self_eval_indicators",)
    source = f"经验规则（依据 {MOF_101} 成本指标的设置意图）；{CHIZHOU}"

    def check(self, ctx):
        ev = ctx.ev
        costs = [(j, ind) for j, ind in enumerate(ev.indicators) if is_cost(ind)]
        row = budget_row(ev.funds)
        if len(costs) != 1 or row is None:
            return
        j, ind = costs[0]
        cost = to_wan(ind.target.number, ind.target.unit)
        budgets = [to_wan(v, ev.funds.unit) for v in (row.budget_full_year, row.budget_initial) if v is not None]
        tol = ctx.profile.amount_tolerance
        if cost is not None and any(b is not None and abs(cost - b) <= tol for b in budgets):
            yield self.finding(ctx, ctx.path("indicators", j, "target"),
                               f"唯一的成本指标{label(ind)}“{shown(ind.target)}”等于项目预算总额，没有单位成本或成本构成",
                               evidence=f"{row_evidence(ind)}；{row.name} 全年预算数 {amount(row.budget_full_year)}",
                               suggestion="改设单位成本（如 元/人、万元/公里）或分项成本指标。")
