import re

from assistant.checker.helpers.indicators import is_text_value, label, row_evidence
from assistant.checker.helpers.narrative import mentions, narrative
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10

_FACT = re.compile(r"[0-9]|完成|实现|达到|提升|提高|下降|降低|改善|增加|减少|新增|建成|通过")


@register
class ScoreQual001(Rule):
    """定性指标（指标值为文字）得分落在最高档，实际完成值也没有数字，而表内说明和报告中没有任何
    提到该指标（名称或主干词）并给出事实（数字，或完成、提升、改善……）的句子。确定性的第一版。

    Why:
        10号定性指标按达成程度分档计分；给最高档需要事实支撑“达成”，否则是凭印象打分。
    Bad:
        群众满意程度提升 | 效果明显 | 达成预期指标 | 10/10，报告中没有相关内容。
    Good:
        报告写明“群众投诉量由去年 56 件降至 12 件”。
    """

    code = "SCORE-QUAL-001"
    title = "定性指标满分无事实支撑"
    severity = "warning"
    tag = "K"
    needs = ("scores", "self_eval_indicators")
    source = f"{MOF_10}（定性指标分档计分）"
    semantic = True

    def check(self, ctx):
        profile = ctx.profile
        top = profile.qualitative_bands[0] / 100.0
        sentences = narrative(ctx)
        for j, ind in enumerate(ctx.ev.indicators):
            qualitative = is_text_value(ind.target) or (ind.nature or "").strip() == "定性"
            if not qualitative or ind.actual.number is not None or ind.weight is None or ind.score is None:
                continue
            if ind.score < ind.weight * top - profile.score_tolerance:
                continue
            if any(j in mentions(ctx, s) and _FACT.search(s) for s in sentences):
                continue
            yield self.finding(ctx, ctx.path("indicators", j, "score"),
                               f"定性指标{label(ind)}得 {num(ind.score)} 分（最高档），但报告和说明中没有支撑“达成”的事实",
                               evidence=row_evidence(ind),
                               suggestion="在报告中写明该指标达成的具体事实和数据，或按实际达成程度降档计分。")
