from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.narrative import mentions, unmet_phrase
from assistant.checker.helpers.scores import is_full
from assistant.checker.helpers.text import clip, sentences
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10


@register
class ScoreNar001(Rule):
    """自评报告或“存在问题/评价结论”中有句子说某项工作未完成或滞后（未完成、滞后、延期、尚未……），
    并提到某指标（指标名称或其主干词），而该指标在表中得满分。确定性的第一版：同一句中关键词 + 指标名匹配。

    Why:
        10号要求“数据真实、结果客观”：报告承认未完成、表上却给满分，表和报告至少一处不实。
    Bad:
        报告：“村道硬化工程因征地问题进度滞后”；表中“村道硬化里程”得满分。
    Good:
        “村道硬化里程”按实际完成比例计分，并说明滞后原因。
    """

    code = "SCORE-NAR-001"
    title = "报告称未完成而表中满分"
    severity = "warning"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（自评“数据真实、结果客观”）"
    semantic = True

    def check(self, ctx):
        ev = ctx.ev
        texts = [s for sec in ctx.related_sections for s in sentences(sec.text)]
        texts += sentences(ev.problems) + sentences(ev.conclusion)
        unmet = [(s, w) for s in texts if (w := unmet_phrase(s))]
        if not unmet:
            return
        for j, ind in enumerate(ev.indicators):
            if not is_full(ind.score, ind.weight):
                continue
            hit = next(((s, w) for s, w in unmet if j in mentions(ctx, s)), None)
            if hit:
                yield self.finding(ctx, ctx.path("indicators", j, "score"),
                                   f"报告称“{clip(hit[0], 50)}”，但{label(ind)}得满分",
                                   evidence=f"{clip(hit[0], 80)}；{row_evidence(ind)}",
                                   suggestion="核实该指标完成情况，按实际完成程度评分，或更正报告表述。")
