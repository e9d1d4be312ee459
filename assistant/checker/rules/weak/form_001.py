from collections import Counter

from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_53


@register
class WeakForm001(Rule):
    """自评表按绩效评价指标体系设置指标（一级指标为项目决策、项目过程或项目管理、项目产出、项目效益），
    而不是10号的自评指标（产出、效益、满意度指标 + 预算执行率）。整张表一条发现；这种表的决策、过程类
    指标是评价体系的固定评价要点，逐行的指标设置规则（模糊用语、分档标准、权重等）不在其上运行。

    Why:
        10号规定单位自评的指标是批复的绩效目标：产出、效益、满意度指标和预算执行率；决策、过程等共性指标
        是部门评价、财政评价使用的评价体系（53号框架），不反映项目年度绩效目标的完成情况。
    Bad:
        项目决策 | 项目立项 | 项目目标完整性 | 目标明确、内容细化、目标量化
    Good:
        产出指标 | 数量指标 | 资助学生人数 | ≥500人；另列预算执行率 10 分
    """

    code = "WEAK-FORM-001"
    title = "自评表套用绩效评价指标体系"
    severity = "error"
    tag = "K"
    source = f"{MOF_10}（自评指标：产出、效益、满意度指标和预算执行率）；{MOF_53}（决策、过程、产出、效益为评价体系）"

    def check(self, ctx):
        ev = ctx.ev
        if not ev.indicators or not ctx.profile.lacks(ev.layout, "self_eval_indicators"):
            return
        counts = Counter(ind.level1 or "（未填一级指标）" for ind in ev.indicators)
        levels = "、".join(counts)
        yield self.finding(ctx, ctx.path("indicators"),
                           f"自评表按绩效评价指标体系（{levels}）填报，不是项目支出绩效自评的指标"
                           "（产出、效益、满意度指标和预算执行率）",
                           evidence="一级指标：" + "、".join(f"{name} {n}项" for name, n in counts.items()),
                           suggestion="按批复的绩效目标，以产出、效益、满意度指标和预算执行率重新填报自评表；"
                                      "决策、过程类指标用于部门评价和财政评价，不作为自评指标。")
