from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10
from assistant.glossary import BENEFIT, OUTPUT


@register
class MissingInd002(Rule):
    """指标表没有产出指标行，或没有效益指标行。

    Why:
        10号规定自评指标包括产出、效益、满意度指标和预算执行率，产出和效益是绩效评价的主体。
    Bad:
        指标表只有“产出指标”下的三行，没有效益指标。
    Good:
        产出指标（数量、质量、时效、成本）和效益指标（社会效益、可持续影响等）都有三级指标。
    """

    code = "MISSING-IND-002"
    title = "缺少产出指标或效益指标"
    severity = "error"
    tag = "K"
    source = f"{MOF_10}（自评指标：产出、效益、满意度、预算执行率）"

    def check(self, ctx):
        present = {ind.level1 for ind in ctx.ev.indicators}
        missing = [name for name in (OUTPUT, BENEFIT) if name not in present]
        if missing:
            yield self.finding(ctx, ctx.path("indicators"), f"指标表缺少{'、'.join(missing)}",
                               evidence="现有一级指标：" + ("、".join(sorted(p for p in present if p)) or "无"),
                               suggestion=f"按批复的绩效目标补列{'、'.join(missing)}及其三级指标。")
