from assistant.checker.helpers.cycle import threshold
from assistant.checker.helpers.text import norm, num, shown
from assistant.checker.helpers.years import budget_change, unchanged_indicators, where
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_88, MOF_101

NAMED = 4  # pairs quoted in the evidence; the message gives the count


def copied_evidence(ctx, p, copied) -> str:
    """The copied pairs as a reviewer checks them: each row of both years with its 年度指标值."""
    before = p.evaluation.indicators
    shown_pairs = [f"“{norm(ctx.ev.indicators[j].name)}”{p.year}年 {shown(before[k].target)} → "
                   f"{ctx.ev.year or '本'}年 {shown(ctx.ev.indicators[j].target)}（第{j + 1}项）"
                   for j, k in copied.pairs[:NAMED]]
    more = f"等 {len(copied.pairs)} 项" if len(copied.pairs) > NAMED else ""
    return "；".join(shown_pairs) + more


@register
class CycleYear002(Rule):
    """指标照抄上年：自评表中至少 ``cycle.year_min_indicators``（3）项、且不少于
    ``cycle.year_target_share``（80%）的三级指标，名称和年度指标值都与同一项目上一年度自评表一字
    不差，而全年预算与上年相差不超过 ``cycle.year_budget_change``（20%）（预算变化更大的见
    CYCLE-YEAR-003）。只比连续的上一年度。

    Why:
        指标值应参考上年实际完成情况（历史标准）逐年设定；原样照抄上年的目标，上年超额完成的
        也不提高，目标失去约束力。经验规则，仅作提示。
    Bad:
        2023年“资助学生人数 ≥500人”（实际520人），2024年仍是“≥500人”，其余指标也一字未改。
    Good:
        参考上年完成值调整指标值（如“≥520人”），不变的说明理由。
    """

    code = "CYCLE-YEAR-002"
    title = "绩效指标照抄上年"
    severity = "info"
    tag = "H"
    source = f"经验规则；{MOF_101}（指标值参考历史标准设定）；{MOF_88}"
    needs = ("previous_year", "self_eval_indicators")

    def check(self, ctx):
        found = unchanged_indicators(ctx)
        if found is None:
            return
        p, copied = found
        change = budget_change(ctx.ev, p.evaluation)
        if change is not None and abs(change[2]) > threshold(ctx.profile, "year_budget_change") + 1e-9:
            return  # the budget moved too: CYCLE-YEAR-003 says so
        yield self.finding(
            ctx, ctx.path("indicators"),
            f"{len(copied.pairs)} 项指标的名称和年度指标值与{where(p)}完全相同"
            f"（占本年 {num(copied.share * 100)}%），疑似照抄上年",
            evidence=copied_evidence(ctx, p, copied),
            suggestion="参考上年实际完成情况重新设定指标值；确需沿用的，说明理由。")
