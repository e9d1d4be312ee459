from assistant.checker.helpers.indicators import is_benefit, label, row_evidence
from assistant.checker.helpers.text import compact, first_of, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_101

ACTIVITY_WORDS = ("开展", "举办", "组织", "召开", "培训", "宣传", "发放", "建设", "实施", "印发", "检查", "完成")
COUNT_UNITS = ("次", "场", "期", "批", "项", "个", "件", "场次", "人次", "篇", "份", "家", "所", "处")


@register
class WeakStr004(Rule):
    """效益指标实际上是产出：名称或指标值以“完成”开头，或名称是活动（开展、举办、培训……）
    而指标值是活动的次数、场次、项数。确定性的第一版，按关键词判断。

    Why:
        效益指标应反映项目带来的变化（经济、社会、生态效益，可持续影响），活动次数是产出不是效益。
    Bad:
        效益指标 | 社会效益 | 开展政策宣传次数 | ≥10次
    Good:
        效益指标 | 社会效益 | 政策知晓率 | ≥90%
    """

    code = "WEAK-STR-004"
    title = "效益指标实为产出指标"
    severity = "warning"
    tag = "H"
    needs = ("self_eval_indicators",)
    source = f"{MOF_10}；{MOF_101}（效益指标：经济、社会、生态效益和可持续影响）；判断方法为经验规则"
    semantic = True

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            if not is_benefit(ind):
                continue
            name, target = compact(ind.name), compact(ind.target.raw)
            activity = first_of(name, ACTIVITY_WORDS)
            if name.startswith("完成") or target.startswith("完成") or (activity and ind.target.unit in COUNT_UNITS):
                yield self.finding(ctx, ctx.path("indicators", j, "name"),
                                   f"效益指标{label(ind)}（{shown(ind.target)}）衡量的是活动或完成量，属于产出",
                                   evidence=row_evidence(ind),
                                   suggestion="移到产出指标；效益指标改为反映受益对象变化的指标（如知晓率、达标率、增收额）。")
