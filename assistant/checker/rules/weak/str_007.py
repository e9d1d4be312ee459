import re

from assistant.checker.helpers.indicators import is_satisfaction, label, row_evidence
from assistant.checker.helpers.text import compact
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_101

# What a satisfaction indicator measures: the people served judging the service (满意度, 满意率,
# 认可度, 好评率) or what they complain of (投诉率, a common inverse measure).
_SATISFACTION = re.compile(r"满意|认可|好评|评价|认同|获得感|幸福感|满足感|投诉|信任|支持率|口碑")


@register
class WeakStr007(Rule):
    """满意度指标行（一级指标为满意度指标，或二级指标含“满意”）的三级指标并不衡量满意度：
    名称里没有满意、认可、好评、评价、获得感、投诉等服务对象评价的字样，如“粮食安全事件发生数”。

    Why:
        10号：满意度指标是服务对象满意度，反映服务对象对项目实施效果的评价；101号把满意度指标定为
        服务对象满意度。把安全事件数、覆盖率等放在满意度下，满意度实际上没有被衡量，该部分分值也失去依据。
    Bad:
        满意度指标 | 服务对象满意度指标 | 粮食安全事件发生数 | 0起
    Good:
        满意度指标 | 服务对象满意度指标 | 售粮农户满意度 | ≥90%（问卷调查）
    """

    code = "WEAK-STR-007"
    title = "满意度指标不衡量满意度"
    severity = "warning"
    needs = ("self_eval_indicators",)
    tag = "K"
    source = f"{MOF_10}（满意度指标：服务对象满意度）；{MOF_101}"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            name = compact(ind.name)
            if not is_satisfaction(ind) or not name or _SATISFACTION.search(name):
                continue
            yield self.finding(ctx, ctx.path("indicators", j, "name"),
                               f"满意度指标下的{label(ind)}不衡量服务对象满意度",
                               evidence=row_evidence(ind),
                               suggestion="改设服务对象满意度指标（如“受益群众满意度 ≥90%”，写明调查方式），"
                                          "原指标按其性质移入产出或效益指标。")
