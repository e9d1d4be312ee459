from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.text import compact
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import NDHX


def signature(ev) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((compact(i.name), compact(i.target.raw)) for i in ev.indicators))


@register
class WeakDup001(Rule):
    """同一单位不同项目的自评表，三级指标及其年度指标值完全相同（至少 3 项指标）。比较同一文件中的
    其他自评表和一并送审的同单位材料。确定性的第一版：完全相同才报。

    Why:
        不同项目套用同一套指标，说明指标是“根据上级模板”照抄的，与项目实际无关。经验规则，仅作提示。
    Bad:
        “学生资助”与“校舍维修”两个项目的指标和指标值一字不差。
    Good:
        每个项目按自身产出和效益设置指标。
    """

    code = "WEAK-DUP-001"
    title = "不同项目指标雷同（套用模板）"
    severity = "info"
    tag = "H"
    source = f"经验规则；{NDHX}（同类项目指标不一致、套用模板）"
    semantic = True

    def check(self, ctx):
        ev = ctx.ev
        if len(ev.indicators) < 3:
            return
        mine = signature(ev)
        name = compact(ev.project_name)
        for other in ctx.other_evaluations:
            if other is ev or not other.project_name or compact(other.project_name) == name:
                continue
            if signature(other) == mine:
                yield self.finding(ctx, ctx.path("indicators"),
                                   f"指标及指标值与项目“{other.project_name}”完全相同（{len(mine)} 项）",
                                   evidence="、".join(label(i) for i in ev.indicators[:5]),
                                   suggestion="按本项目的实际产出和效益重新设置指标。")
                return
