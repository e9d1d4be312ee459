from assistant.checker.helpers.funds import execution_outside_rows
from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DAYING, MOF_10


@register
class WeakStr002(Rule):
    """三级指标少于 profile 的 ``min_indicators``（默认 3 项），或单项指标分值占总分（指标分值 + 预算执行率分值）
    的比例达到 ``max_indicator_share``（默认 50%）。

    Why:
        一两项指标撑起全部分值，既反映不了项目全貌，也让单项偏差决定整个自评结果。阈值为经验规则。
    Bad:
        绩效指标（90分）只有一项：项目完成率，分值 90。
    Good:
        产出、效益、满意度下共 6 项指标，最大单项分值 20。
    """

    code = "WEAK-STR-002"
    title = "指标过少或分值过于集中"
    severity = "warning"
    tag = "H"
    source = f"经验规则（依据 {MOF_10} 指标体系要求）；{DAYING}（单项指标分值 90）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        inds = ev.indicators
        if not inds:
            return
        problems = []
        if len(inds) < profile.min_indicators:
            problems.append(f"只有 {len(inds)} 项三级指标（少于 {profile.min_indicators} 项）")
        weights = [(ind.weight, ind) for ind in inds if ind.weight is not None]
        total = sum(w for w, _ in weights) + execution_outside_rows(ev, profile)
        if weights and total > 0:
            top, ind = max(weights, key=lambda p: p[0])
            if top / total >= profile.max_indicator_share - 1e-9:
                problems.append(f"{label(ind)}分值 {num(top)}，占总分 {num(total)} 的 {num(top / total * 100)}%")
        if problems:
            yield self.finding(ctx, ctx.path("indicators"), "；".join(problems),
                               evidence="、".join(f"{label(i)}{num(i.weight)}分" for i in inds[:6]),
                               suggestion="按产出、效益、满意度细化三级指标，按重要程度分配分值。")
