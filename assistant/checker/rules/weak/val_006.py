from assistant.checker import helpers as h
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_101


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
    source = f"经验规则（依据 {MOF_101} 成本指标的设置意图）；{CHIZHOU}"

    def check(self, ctx):
        ev = ctx.ev
        costs = [(j, ind) for j, ind in enumerate(ev.indicators) if h.is_cost(ind)]
        row = h.budget_row(ev.funds)
        if len(costs) != 1 or row is None:
            return
        j, ind = costs[0]
        cost = h.to_wan(ind.target.number, ind.target.unit)
        budgets = [h.to_wan(v, ev.funds.unit) for v in (row.budget_full_year, row.budget_initial) if v is not None]
        tol = ctx.profile.amount_tolerance
        if cost is not None and any(b is not None and abs(cost - b) <= tol for b in budgets):
            yield self.finding(ctx, ctx.path("indicators", j, "target"),
                               f"唯一的成本指标{h.label(ind)}“{h.shown(ind.target)}”等于项目预算总额，没有单位成本或成本构成",
                               evidence=f"{h.row_evidence(ind)}；{row.name} 全年预算数 {h.num(row.budget_full_year)}",
                               suggestion="改设单位成本（如 元/人、万元/公里）或分项成本指标。")
