from assistant.checker.helpers.indicators import is_text_value, label, row_evidence, target_rows
from assistant.checker.helpers.text import has_any, is_blank, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import KUNMINGCHI, MOF_101

GRADED = ("分档", "档次", "等级", "部分达成", "未达成", "优秀", "良好", "合格", "不合格", "A级", "B级", "好/中/差",
          "优/良", "一档", "二档")


@register
class WeakStr006(Rule):
    """定性指标（指标值为文字）没有评分标准或分档：“评分标准”栏为空，指标值本身也没有写出档次
    （达成/部分达成/未达成、优良中差、等级……）。日期类时效指标不算定性指标。

    Why:
        101号要求无法量化的指标“分级分档表述”，否则定性指标无法评价，只能凭感觉给分。
    Bad:
        社会效益 | 是否有利于乡村振兴 | 是
    Good:
        社会效益 | 群众生产生活条件改善情况 | 达成（改善明显）/部分达成/未达成，分档标准见说明
    """

    code = "WEAK-STR-006"
    title = "定性指标没有分档评分标准"
    severity = "warning"
    tag = "K"
    source = f"{MOF_101}（定性指标分级分档表述）；{KUNMINGCHI}"

    def check(self, ctx):
        for j, ind in target_rows(ctx.ev, ctx.profile):
            if is_text_value(ind.target) and is_blank(ind.criteria) and not has_any(ind.target.raw, GRADED):
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"定性指标{label(ind)}的年度指标值“{shown(ind.target)}”没有分档评分标准",
                                   evidence=row_evidence(ind),
                                   suggestion="写明分档标准（如 达成/部分达成/未达成 各自的判断依据），或改为可量化指标。")
