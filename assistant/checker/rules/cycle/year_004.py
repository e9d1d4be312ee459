from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import JXXFW, MOF_10_N9


@register
class CycleYear004(Rule):
    """连年自评满分：本年度自评总分为满分（``total_points``，100），同一项目此前连续各年度入库的
    自评表也都是满分（至少一年）。

    Why:
        年年满分，自评就分不出好坏；自评结果普遍偏高、客观性不足是常见问题。经验规则，仅作提示。
    Bad:
        2022、2023、2024年自评总分都是100分。
    Good:
        据实评分，未完成或有偏差的指标扣分并说明。
    """

    code = "CYCLE-YEAR-004"
    title = "连年自评满分"
    severity = "info"
    tag = "H"
    source = f"经验规则；{MOF_10_N9}；{JXXFW}（自评结果偏高、客观性不足）"
    needs = ("previous_year", "scores")

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        full = profile.total_points - profile.score_tolerance
        past = ctx.cycle.past(ev)
        if not past or ev.total_score is None or ev.total_score < full - 1e-9:
            return
        if any(p.evaluation.total_score is None or p.evaluation.total_score < full - 1e-9 for p in past):
            return
        years = sorted([p.year for p in past] + ([ev.year] if ev.year else []))
        yield self.finding(
            ctx, ctx.path("total_score"),
            f"{'、'.join(str(y) for y in years)}年度连续 {len(years)} 年自评满分（{num(profile.total_points)} 分）",
            evidence="；".join(f"{p.year}年度 {num(p.evaluation.total_score)} 分（{p.file_name or p.submission_id}）"
                              for p in past) + f"；本年度 {num(ev.total_score)} 分",
            suggestion="逐项核对完成证据，据实评分；未完成或有偏差的指标扣分并说明原因。")
