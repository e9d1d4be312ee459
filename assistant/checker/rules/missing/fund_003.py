import re

from assistant.checker.helpers.funds import rate_for_scoring
from assistant.checker.helpers.narrative import narrative
from assistant.checker.helpers.text import is_blank, num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, SICHUAN

_EXECUTION = re.compile(r"执行|支出进度|支付进度|资金支付|未支付|结余|结转|尾款|未付")
_CAUSE = re.compile(r"因|由于|原因|导致|受|尚未|未能|未到|滞后|延迟|剩余|未付|低于预算")


@register
class MissingFund003(Rule):
    """执行率低于 profile 的 ``execution_reason_below``（全国 100%，四川 90%）而没有说明原因。
    原因可写在执行率行的“原因”栏；全国口径下报告或结论中说明执行偏差原因的句子也算，
    四川口径（``execution_reason_cell_only``）只认“原因”栏。四川为错误，其他为警告。

    Why:
        10号要求对偏离目标的情况分析原因；四川样表明确“执行率未达到90%的需说明原因”。
    Bad:
        执行率 72%，原因栏空白。
    Good:
        执行率 72%，原因：部分工程未完成竣工结算，尾款 28 万元将于次年一季度支付。
    """

    code = "MISSING-FUND-003"
    title = "执行率偏低未说明原因"
    severity = "warning"
    tag = "V"
    source = f"{SICHUAN}（“未达到90%的需说明原因”）；{MOF_10}（自评内容）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        rate = rate_for_scoring(ev.funds, profile)
        if rate is None or rate >= profile.execution_reason_below - 1e-9:
            return
        if not is_blank(ev.funds.reason, profile):
            return
        if not profile.execution_reason_cell_only and any(
                _EXECUTION.search(s) and _CAUSE.search(s) for s in narrative(ctx)):
            return
        yield self.finding(
            ctx, ctx.path("funds", "reason"),
            f"执行率 {num(rate)}% 低于 {num(profile.execution_reason_below)}%，未说明原因",
            evidence=f"执行率 {shown(ev.funds.rate)}；原因：{ev.funds.reason or '（空）'}",
            suggestion="在执行率“原因”栏说明资金未支付的原因及后续安排。")
