from assistant.checker.helpers.funds import amount_tolerance, budget_row, rate_for_scoring
from assistant.checker.helpers.scores import differs, is_full
from assistant.checker.helpers.text import amount, clip, is_blank, num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import JXXFW


@register
class ScoreAll001(Rule):
    """自评结果偏高的模式：所有指标满分、总分 ≥ ``inflated_total``（98），同时执行率低于 100%，
    或“存在问题”栏写了问题，或年初与全年预算不一致。

    Why:
        自评结果普遍偏高、客观性不足是常见问题；有问题、有调整、钱没花完却全部满分，值得复核。
        经验规则，仅作提示。
    Bad:
        执行率 93%，存在问题“部分项目进度偏慢”，所有指标满分，总分 99.3。
    Good:
        进度偏慢的指标按完成比例扣分。
    """

    code = "SCORE-ALL-001"
    title = "全部满分而存在问题（自评偏高）"
    severity = "info"
    tag = "H"
    needs = ("scores",)
    source = f"经验规则；{JXXFW}（自评结果偏高、客观性不足）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        if not ev.indicators or not all(is_full(i.score, i.weight) for i in ev.indicators):
            return
        if ev.total_score is None or ev.total_score < profile.inflated_total - 1e-9:
            return
        reasons = []
        rate = rate_for_scoring(ev.funds, profile)
        if rate is not None and rate < 100.0 - profile.rate_tolerance:
            reasons.append(f"执行率 {num(rate)}%")
        if not is_blank(ev.problems, profile):
            reasons.append(f"存在问题“{clip(ev.problems, 30)}”")
        row = budget_row(ev.funds)
        if row and differs(row.budget_initial, row.budget_full_year, amount_tolerance(ev.funds, profile)):
            reasons.append(f"预算由 {amount(row.budget_initial)} 调整为 {amount(row.budget_full_year)}")
        if reasons:
            yield self.finding(ctx, ctx.path("total_score"),
                               f"所有指标满分、总分 {num(ev.total_score)}，但{'，'.join(reasons)}",
                               evidence=f"总分 {num(ev.total_score)}；{'；'.join(reasons)}",
                               suggestion="复核各指标的完成证据，存在问题或未完成的据实扣分。")
