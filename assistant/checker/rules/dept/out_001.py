from assistant.checker.helpers.dept import RatioSpec, dept_findings
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_53, YUEYANG

SPEC = RatioSpec(names=("实际完成率", "完成及时率", "质量达标率", "重点工作办结率"),
                   numerator=("实际完成", "按时完成", "质量达标", "办结", "已完成"),
                   denominator=("计划完成", "计划", "应完成", "交办", "布置"))


@register
class DeptOut001(Rule):
    """部门履职产出：实际完成率 / 完成及时率 / 质量达标率 / 重点工作办结率 = 完成（及时、达标、办结）数 /
    计划（交办）数；得分 = 分值 × min(比率, 100%)。说明中写了两项数字时先重算比率。

    Why:
        53号部门整体共性指标以完成数与计划数之比衡量履职产出，按比例计分。
    Bad:
        重点工作办结率 | 分值 10 | 自评得分 10 | 说明：交办重点工作20项，办结18项
    Good:
        办结率 90.00%（18/20），得分 9.00（10 × 90%）。
    """

    code = "DEPT-OUT-001"
    title = "履职产出比率计算或计分错误"
    severity = "error"
    tag = "K"
    source = f"{MOF_53}；{YUEYANG}"
    kinds = ("department",)

    def check(self, ctx):
        return dept_findings(self, ctx, SPEC)
