from assistant.checker.helpers.indicators import is_vague, label, row_evidence, target_rows
from assistant.checker.helpers.text import first_of, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_101


@register
class WeakVal001(Rule):
    """年度指标值含模糊用语（profile ``vague_words``：有所、进一步、显著、明显、较好……）且没有数字。

    Why:
        101号要求指标“量化易评”；“效果明显”“显著提升”无法衡量，任何结果都能算达成。
    Bad:
        年度指标值：效果明显
    Good:
        年度指标值：≥95%（或分档：达成/部分达成/未达成 的具体标准）
    """

    code = "WEAK-VAL-001"
    title = "年度指标值用语模糊"
    severity = "warning"
    tag = "K"
    source = f"{MOF_101}（指标“量化易评”）；模糊词表为经验规则；{CHIZHOU}"

    def check(self, ctx):
        words = ctx.profile.vague_words
        for j, ind in target_rows(ctx.ev, ctx.profile):
            if is_vague(ind.target, words):
                word = first_of(ind.target.raw, words)
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"{label(ind)}的年度指标值“{shown(ind.target)}”含模糊用语“{word}”，没有可衡量的数值",
                                   evidence=row_evidence(ind),
                                   suggestion="改为可量化的指标值（如 ≥95%），或写明分档评价标准。")
