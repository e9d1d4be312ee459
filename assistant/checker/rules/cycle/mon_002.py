from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.cycle import monitored_row, threshold
from assistant.checker.helpers.funds import stated_rate, total_row
from assistant.checker.helpers.text import amount, is_blank, norm, num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_136
from assistant.numbers import to_wan


@register
class CycleMon002(Rule):
    """执行进度与自评不符：与关联的绩效监控表（最近一轮）对不上的年底数字——

    * 年底全年执行数少于监控时已执行的 1-N月执行数（累计支出不会减少）；
    * 年底执行率比监控时的全年预计执行率高出 profile ``cycle.trajectory_gap``（30个百分点）以上，
      却没有写执行偏差原因；
    * 数量指标年底的实际完成值少于监控时已完成的数（累计数不会减少）。

    Why:
        监控数据是年中的实情；年底数字与之矛盾，要么监控不实，要么自评不实。
    Bad:
        1-9月已执行80万元，年底全年执行数填60万元；或1-9月预计全年执行率50%，年底填100%且无说明。
    Good:
        年底数字与监控进度衔接，大幅追赶的写明原因。
    """

    code = "CYCLE-MON-002"
    title = "年底数字与监控进度矛盾"
    severity = "warning"
    tag = "K"
    source = f"{MOF_136} 第二条、第三条（监控预算执行情况和绩效目标实现程度）"
    needs = ("monitoring",)

    def check(self, ctx):
        mon, funds = ctx.cycle.monitoring, ctx.ev.funds
        period = f"1-{mon.months or 'N'}月"
        found = total_row(funds)
        if found is not None and mon.executed is not None:
            t, row = found
            year_end = to_wan(row.exec_amount, funds.unit)
            if year_end is not None and year_end + ctx.profile.amount_tolerance < mon.executed:
                yield self.finding(
                    ctx, ctx.path("funds", "rows", t, "exec_amount"),
                    f"年底全年执行数 {amount(year_end)} 万元，少于{period}监控时已执行的 {amount(mon.executed)} 万元",
                    evidence=f"监控：{period}执行数 {amount(mon.executed)} 万元；自评：全年执行数 {amount(year_end)} 万元",
                    suggestion="核对全年执行数与监控时的执行数，更正错误的一方。")
        rate, expected = stated_rate(funds), mon.expected_rate.number if mon.expected_rate.quantitative else None
        gap = threshold(ctx.profile, "trajectory_gap")
        if rate is not None and expected is not None and rate - expected > gap and is_blank(funds.reason, ctx.profile):
            yield self.finding(
                ctx, ctx.path("funds", "rate"),
                f"年底执行率 {num(rate)}%，比{period}监控时预计的全年执行率 {num(expected)}% 高 {num(rate - expected)} 个百分点，"
                "未说明原因",
                evidence=f"监控：全年预计执行率 {shown(mon.expected_rate)}；自评：执行率 {shown(funds.rate)}",
                suggestion="说明监控后执行进度大幅加快的原因（如集中支付的依据），或更正执行率。")
        similar = threshold(ctx.profile, "rename_similarity")
        for j, ind in enumerate(ctx.ev.indicators):
            if "数量" not in (ind.level2 or ""):
                continue
            i = monitored_row(ind, mon.indicators, similar)
            if i is None:
                continue
            done = mon.indicators[i].progress
            cmp = compare(type(ind)(target=done, actual=ind.actual))
            if cmp is None or cmp.actual + 1e-9 >= cmp.target:
                continue
            yield self.finding(
                ctx, ctx.path("indicators", j, "actual"),
                f"数量指标“{norm(ind.name)}”年底实际完成 {shown(ind.actual)}，少于{period}监控时已完成的 {shown(done)}",
                evidence=f"监控：{period}完成 {shown(done)}；自评：实际完成值 {shown(ind.actual)}",
                suggestion="核对年底实际完成值与监控时的完成数，更正错误的一方。")
