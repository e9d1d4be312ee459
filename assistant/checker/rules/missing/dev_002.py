from assistant.checker.helpers.compare import needs_explanation
from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.text import clip, is_blank, states_measure
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10


@register
class MissingDev002(Rule):
    """有偏差的指标行写了偏差原因，但没有任何改进措施（不含 profile 的 ``forward_words``：
    将、拟、下一步、加强、完善……）。

    Why:
        10号要求“分析说明原因并提出改进措施”，只讲原因不讲措施，偏差会在下一年重复出现。
    Bad:
        偏差原因：受疫情影响，部分培训未能开展。
    Good:
        偏差原因：受疫情影响，部分培训未能开展；下一步将改为线上培训，确保全年任务完成。
    """

    code = "MISSING-DEV-002"
    title = "偏差说明缺少改进措施"
    severity = "warning"
    tag = "K"
    source = f"{MOF_10}（提出改进措施）"
    semantic = True

    def check(self, ctx):
        profile = ctx.profile
        for j, ind in enumerate(ctx.ev.indicators):
            text = ind.deviation_reason
            if (needs_explanation(ind) and not is_blank(text, profile)
                    and not states_measure(text, profile.forward_words)):
                yield self.finding(ctx, ctx.path("indicators", j, "deviation_reason"),
                                   f"{label(ind)}的偏差说明只有原因，没有改进措施",
                                   evidence=clip(text, 80),
                                   suggestion="补充针对性的改进措施，如“下一步将……”。")
