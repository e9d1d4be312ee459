from assistant.checker.helpers.indicators import is_text_value, label, row_evidence
from assistant.checker.helpers.scores import BAND_TITLES, achievement, band_range
from assistant.checker.helpers.text import num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, WENMI
from assistant.numbers import fixed


@register
class CalcInd004(Rule):
    """定性指标按完成档次计分：实际完成值为“达成”类 → 得分在 分值 × [80%, 100%]；“部分达成/基本完成”类 →
    [60%, 80%]；“未达成/未完成”类 → [0, 60%)。档次界限取 profile 的 ``qualitative_bands``
    （全国 80/60，市级 80/50）。读不出档次的文字不判断。

    Why:
        10号对定性指标规定了三档评分区间，超出区间的自评分与其自述的完成程度矛盾。
    Bad:
        群众居住条件改善 | 明显改善 | 部分达成 | 分值 20 | 得分 20
    Good:
        部分达成 → 得分在 12–16 之间（20 × 60%–80%）。
    """

    code = "CALC-IND-004"
    title = "定性指标得分超出档次区间"
    severity = "error"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（定性指标三档计分：100–80%、80–60%、60–0%）；{WENMI}（80/50 档）"

    def check(self, ctx):
        profile = ctx.profile
        tol = profile.score_tolerance
        for j, ind in enumerate(ctx.ev.indicators):
            qualitative = is_text_value(ind.target) or (ind.nature or "").strip() == "定性"
            band = achievement(ind.actual.raw) if is_text_value(ind.actual) else None
            if not qualitative or band is None or ind.weight is None or ind.score is None:
                continue
            lo, hi = band_range(band, profile.qualitative_bands)
            if ind.weight * lo - tol <= ind.score <= ind.weight * hi + tol:
                continue
            yield self.finding(
                ctx, ctx.path("indicators", j, "score"),
                f"{label(ind)}实际完成值“{shown(ind.actual)}”属“{BAND_TITLES[band]}”档，得分应在 "
                f"{fixed(ind.weight * lo)}–{fixed(ind.weight * hi)} 之间（{num(ind.weight)} × {num(lo * 100)}%–{num(hi * 100)}%），"
                f"表内填报 {num(ind.score)}",
                evidence=row_evidence(ind), suggestion="按完成档次对应的得分区间重新评分。")
