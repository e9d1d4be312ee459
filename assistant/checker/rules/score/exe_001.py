from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.funds import rate_for_scoring
from assistant.checker.helpers.indicators import is_output
from assistant.checker.helpers.scores import scored_in_full
from assistant.checker.helpers.text import num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule


@register
class ScoreExe001(Rule):
    """执行率低于 ``low_execution_rate``（90%），但产出指标全部满分（没有分值栏的表：全部按目标完成并
    计了得分），或总分 ≥ ``high_total``（90）。表内没有总分时，发现指向执行率。

    Why:
        钱没花出去，产出却全部完成、自评高分，二者至少有一个不真实（“预算执行率低但自评高分”）。经验规则。
    Bad:
        执行率 62%，产出指标全部满分，总分 95。
    Good:
        执行率 62%，相应产出指标按实际完成比例扣分，并说明资金未支付原因。
    """

    code = "SCORE-EXE-001"
    title = "执行率低而自评高分"
    severity = "warning"
    tag = "H"
    needs = ("scores",)
    source = "经验规则（“预算执行率低但自评高分”问题类型）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        rate = rate_for_scoring(ev.funds, profile)
        if rate is None or rate >= profile.low_execution_rate - 1e-9:
            return
        outputs = [i for i in ev.indicators if is_output(i)]
        # a row of a table without 分值 left unscored is not a claim either way
        claimed = [i for i in outputs if i.weight is not None or i.score is not None]
        all_full = bool(claimed) and all(_full_marks(i) for i in claimed)
        high = ev.total_score is not None and ev.total_score >= profile.high_total - 1e-9
        if not (all_full or high):
            return
        why = "产出指标全部满分" if all_full else f"总分 {num(ev.total_score)}"
        # the self-score is what is inflated; a table without a total shows it against the rate
        field = "total_score" if ev.total_score is not None else "funds.rate"
        yield self.finding(ctx, ctx.path(*field.split(".")),
                           f"执行率 {num(rate)}% 低于 {num(profile.low_execution_rate)}%，但{why}",
                           evidence=f"执行率 {shown(ev.funds.rate)}；总分 {num(ev.total_score)}",
                           suggestion="核实产出完成情况与资金支出是否匹配，据实评分并说明原因。")


def _full_marks(ind) -> bool:
    """Full marks on an output row; on a table without 分值 (云南县级表: 得分 only), a row scored
    and not short of its target (a date or a text target cannot be compared) is the same claim."""
    cmp = compare(ind)
    return scored_in_full(ind) and (ind.weight is not None or cmp is None or cmp.met)
