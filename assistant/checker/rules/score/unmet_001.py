from assistant.checker.helpers.compare import compare
from assistant.checker.helpers.indicators import label, row_evidence
from assistant.checker.helpers.scores import is_full
from assistant.checker.helpers.text import num, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10
from assistant.numbers import fixed


@register
class ScoreUnmet001(Rule):
    """定量指标未达到年度指标值（正向 B < A，反向 B > A，等值指标 B < A），自评得分却为满分。
    按比例应得分与满分相差不到 ``score_tolerance`` 时（3 分的数量指标完成 97%，应得 2.91 分），
    CALC-IND-001～003 的容差不报，本规则仍报：满分即“达成年度指标”，没有达成就不是满分。
    差额超过容差时两条规则同时成立，合并为得分计算那一条（fold.yaml）。

    Why:
        10号：完成目标的得满分，未完成的按完成比例计分。差额再小，满分也把“未完成”写成了“完成”，
        偏差原因也因此常常空着。
    Bad:
        村级服务站建成数 | ≥100个 | 97个 | 分值 3 | 得分 3
    Good:
        得分 2.91（3 × 97/100），并在偏差原因中说明其余 3 个服务站未建成的原因。
    """

    code = "SCORE-UNMET-001"
    title = "未完成目标仍得满分"
    severity = "error"
    needs = ("scores",)
    tag = "K"
    source = f"{MOF_10}（定量指标评分：完成的得满分，未完成的按比例计分）"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            cmp = compare(ind)
            if cmp is None or cmp.met or not is_full(ind.score, ind.weight):
                continue
            if cmp.direction == "equal" and cmp.actual > cmp.target:
                continue  # over an "=A" target: local rules differ (CALC-IND-003), not a miss
            expected = ind.weight * cmp.share
            yield self.finding(
                ctx, ctx.path("indicators", j, "score"),
                f"{label(ind)}实际完成值 {shown(ind.actual)} 未达到年度指标值 {shown(ind.target)}，"
                f"却得满分 {num(ind.score)}（按比例应得 {fixed(expected)}：{num(ind.weight)} × {cmp.formula}）",
                evidence=row_evidence(ind),
                suggestion=f"得分改为 {fixed(expected)}，并在偏差原因中说明未完成的原因和改进措施。")
