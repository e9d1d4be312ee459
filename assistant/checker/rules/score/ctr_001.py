from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.narrative import done_phrase, unmet_phrase
from assistant.checker.helpers.scores import is_below, is_full
from assistant.checker.helpers.text import clip, num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10


@register
class ScoreCtr001(Rule):
    """得分与本行说明自相矛盾：得满分，但偏差说明写“未完成 / 部分完成 / 滞后 / 延期……”（“无滞后”等否定不算）；
    或得分低于分值，但说明写“已全部完成”且没有任何不足的表述。

    Why:
        10号：未完成的按比例计分；说明未完成却给满分，或全部完成却扣分，至少一处不真实。
    Bad:
        得分 10/10；偏差说明：因天气原因工程进度滞后。
    Good:
        得分 8/10；偏差说明：因天气原因工程进度滞后，下一步将增加作业班组。
    """

    code = "SCORE-CTR-001"
    title = "得分与偏差说明矛盾"
    severity = "error"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（未完成目标的按比例计分）"
    semantic = True
    kinds = ("project", "department")

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            text = ind.deviation_reason
            if is_full(ind.score, ind.weight) and (word := unmet_phrase(text)):
                problem = f"得满分，但说明写有“{word}”"
            elif is_below(ind.score, ind.weight) and (word := done_phrase(text)):
                problem = f"得分 {num(ind.score)} 低于分值 {num(ind.weight)}，但说明写“{word}”"
            else:
                continue
            yield self.finding(ctx, ctx.path("indicators", j, "score"), f"{label(ind)}{problem}",
                               evidence=clip(text, 80), suggestion="核实完成情况，使得分与说明一致。")
