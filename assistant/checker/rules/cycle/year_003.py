from assistant.checker.helpers.cycle import threshold
from assistant.checker.helpers.text import amount, num
from assistant.checker.helpers.years import budget_change, unchanged_indicators, where
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.rules.cycle.year_002 import copied_evidence
from assistant.checker.sources import MOF_88


@register
class CycleYear003(Rule):
    """预算变了而指标未调整：全年预算数（没有时取年初预算数，折成万元）比同一项目上一年度增减超过
    profile ``cycle.year_budget_change``（20%），而三级指标的名称和年度指标值与上年一字不差
    （至少 ``cycle.year_min_indicators`` 项、不少于 ``cycle.year_target_share`` 的指标）。

    Why:
        绩效目标应与预算资金量相匹配；钱多了或少了一大截，产出和效益目标却原样不动，目标不是按
        资金测算的。
    Bad:
        上年预算100万元、本年150万元，“资助学生人数 ≥500人”等指标一字未改。
    Good:
        按增加的资金相应提高数量目标，或说明资金增加的用途与目标不变的理由。
    """

    code = "CYCLE-YEAR-003"
    title = "预算变化而绩效指标未调整"
    severity = "warning"
    tag = "K"
    source = f"{MOF_88}（绩效目标与预算资金量相匹配）"
    needs = ("previous_year", "self_eval_indicators")

    def check(self, ctx):
        found = unchanged_indicators(ctx)
        if found is None:
            return
        p, copied = found
        change = budget_change(ctx.ev, p.evaluation)
        if change is None or abs(change[2]) <= threshold(ctx.profile, "year_budget_change") + 1e-9:
            return
        was, now, pct = change
        moved = "增加" if pct > 0 else "减少"
        yield self.finding(
            ctx, ctx.path("indicators"),
            f"全年预算由{where(p)}的 {amount(was)} 万元{moved}到 {amount(now)} 万元（{moved} {num(abs(pct))}%），"
            f"而 {len(copied.pairs)} 项指标的名称和年度指标值与上年完全相同，指标未随预算调整",
            evidence=f"预算：{p.year}年 {amount(was)} 万元 → {ctx.ev.year or '本'}年 {amount(now)} 万元；"
                     + copied_evidence(ctx, p, copied),
            suggestion="按预算变化重新测算产出、效益指标值，或说明预算变化而目标不变的理由。")
