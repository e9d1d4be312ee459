from assistant.checker.helpers.compare import compare, needs_explanation
from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.text import is_blank, num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DYRMT, MOF_10, WENMI


def shortfall(ind) -> str:
    """Why a row needs an explanation, in words with its numbers."""
    cmp = compare(ind)
    if cmp is not None and not cmp.met:
        return f"实际完成值 {shown(ind.actual)} 未达到年度指标值 {shown(ind.target)}"
    return f"得分 {num(ind.score)} 低于分值 {num(ind.weight)}"


@register
class MissingDev001(Rule):
    """得分低于分值，或实际完成值未达到年度指标值（正向 B < A、反向 B > A），而“偏差原因分析及改进措施”
    为空或只写了“无 / 暂无 / — / 无偏差”。表中没有偏差原因栏的版式（评价指标体系的评分表，或云南县级表
    在表末用一行“偏差大或目标未完成原因分析”统一说明）不逐行检查：没有可填的格，不是漏填。

    Why:
        10号要求对未完成目标或偏离较大的指标分析说明原因并提出改进措施。
    Bad:
        资助对象认定准确率 | =100% | 98% | 10 | 9.8 | 偏差原因：无
    Good:
        ……| 9.8 | 偏差原因：2名学生家庭情况变化未及时更新；下一步将加强与民政数据比对。
    """

    code = "MISSING-DEV-001"
    title = "有偏差未说明原因"
    severity = "error"
    tag = "K"
    source = f"{MOF_10}（未完成目标的须分析原因、提出改进措施）；{WENMI}；{DYRMT}"

    def check(self, ctx):
        rows = ctx.ev.indicators
        if any(i.cells for i in rows) and not any("deviation_reason" in i.cells for i in rows):
            return  # read from a form that has no 偏差原因 column
        for j, ind in enumerate(rows):
            if needs_explanation(ind) and is_blank(ind.deviation_reason, ctx.profile):
                yield self.finding(
                    ctx, ctx.path("indicators", j, "deviation_reason"),
                    f"{label(ind)}{shortfall(ind)}，但偏差原因分析及改进措施为空",
                    evidence=row_evidence(ind),
                    suggestion="说明未完成（或扣分）的具体原因，并提出下一步改进措施。")
