import re

from assistant.checker.helpers.text import clip, compact, is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import DAYING, SICHUAN

_RESULT = re.compile(r"[0-9]+(?:\.[0-9]+)?分|等级|等次|评为|优秀|良好|较差|完成|达成|实现|达到|成效|效果|提高|提升"
                     r"|降低|改善|得分|总分|自评结果|绩效|目标")


@register
class MissingConc002(Rule):
    """“评价结论”只描述过程：既没有得分或等级，也没有任何结果表述（完成、达成、实现、效果、提升……）。

    Why:
        四川样表要求评价结论写明自评得分和绩效目标实现情况；过程描述不是结论。
    Bad:
        评价结论：根据项目资金管理办法，将资金支付给项目施工方。
    Good:
        评价结论：项目年度目标基本实现，自评得分 92 分，等级为优。
    """

    code = "MISSING-CONC-002"
    title = "评价结论不是结论"
    severity = "warning"
    tag = "V"
    source = f"{DAYING}；{SICHUAN}（评价结论应写明得分和结果）"
    semantic = True
    kinds = ("project", "department")

    def check(self, ctx):
        text = ctx.ev.conclusion
        if is_blank(text, ctx.profile) or _RESULT.search(compact(text)):
            return
        yield self.finding(ctx, ctx.path("conclusion"), "评价结论没有得分、等级或目标完成结果，只是过程描述",
                           evidence=clip(text, 80),
                           suggestion="写明自评总分、等级和年度绩效目标的实现程度。")
