from assistant.checker.helpers.narrative import quantities, same_quantity
from assistant.checker.helpers.text import clip, num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_101
from assistant.numbers import to_wan


@register
class WeakGoal001(Rule):
    """年度总体目标（预期目标）中写明的数量，在指标表中找不到相同数值的年度指标值。资金金额不超过
    项目资金栏的最大金额时是预算或其中的一部分（“其中30万元用于……”），归资金规则管，不报。确定性的
    第一版：按“数字 + 单位”匹配；反方向（指标没有写进目标）暂不检查。

    Why:
        101号要求目标与指标“高度关联”：目标里承诺的数量应当有指标去衡量。
    Bad:
        预期目标：新建村道15公里、惠及农户3000户；指标表只有“新建村道 ≥15公里”。
    Good:
        指标表同时有“新建村道长度 ≥15公里”和“受益农户数 ≥3000户”。
    """

    code = "WEAK-GOAL-001"
    title = "总体目标与指标不对应"
    severity = "info"
    tag = "K"
    source = f"{MOF_101}（目标与指标“高度关联”）"
    semantic = True

    def check(self, ctx):
        ev = ctx.ev
        targets = [ind.target for ind in ev.indicators if ind.target.number is not None]
        money = [to_wan(v, ev.funds.unit) for r in ev.funds.rows
                 for v in (r.budget_initial, r.budget_full_year, r.exec_amount) if v is not None]
        budget = max(money, default=None)
        unmatched = []
        for q in quantities(ev.goal_planned):
            if any(same_quantity(q, t) for t in targets):
                continue
            wan = to_wan(q.number, q.unit)
            if wan is not None and budget is not None and wan <= budget + ctx.profile.amount_tolerance:
                continue  # the budget or a share of it ("其中30万元用于…"): the funds block's business
            unmatched.append(f"{num(q.number)}{q.unit or ''}")
        if unmatched:
            yield self.finding(ctx, ctx.path("goal_planned"),
                               f"年度总体目标中的“{'、'.join(unmatched[:5])}”在指标表中没有对应的指标值",
                               evidence=clip(ev.goal_planned, 80),
                               suggestion="为目标中的每项数量设置对应的三级指标，或修正目标表述。")
