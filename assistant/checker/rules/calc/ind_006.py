from assistant.checker.helpers.funds import execution_outside_rows, execution_row
from assistant.checker.helpers.groups import scored_rows
from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.scores import differs
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import KUNMINGCHI, MOF_10, SICHUAN
from assistant.model import Indicator


def _label(row) -> str:
    return label(row) if isinstance(row, Indicator) else f"“{row.name}”"


@register
class CalcInd006(Rule):
    """分值合计不等于总分：项目表 Σ指标分值 + 预算执行率分值 ≠ ``total_points``（100）；预算执行率已是
    指标表中的一行、或表中没有预算执行率分值（评价指标体系版式）时不再另加；表头标明了
    绩效指标总分值（如“绩效指标（90分）”）时，Σ指标分值也须等于它。部门整体表 Σ分值 ≠ 100。

    Why:
        10号总分一般为 100 分（全国 90 + 10，四川 90 + 10，市级 80 + 20）；分值合计不对，总分和等级都不可比。
    Bad:
        指标分值合计 85，预算执行率 10 分，合计 95。
    Good:
        指标分值合计 90，预算执行率 10 分，合计 100。
    """

    code = "CALC-IND-006"
    title = "分值合计不等于100"
    severity = "error"
    tag = "K"
    needs = ("scores",)
    source = f"{MOF_10}（总分一般设置为100分）；{SICHUAN}；{KUNMINGCHI}"
    kinds = ("project", "department")

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        rows = scored_rows(ev)  # parent rows (一、示范区建立 | 15) only where their children have no 分值
        weights = [row.weight for row in rows if row.weight is not None]
        if not weights:
            return
        tol = profile.score_tolerance
        s = sum(weights)
        problems = []
        if ev.kind == "project":
            exe = execution_outside_rows(ev, profile)
            if differs(s + exe, profile.total_points, tol):
                if exe:
                    problems.append(f"指标分值合计 {num(s)} + 预算执行率分值 {num(exe)} = {num(s + exe)}，"
                                    f"应为 {num(profile.total_points)}")
                else:
                    within = "（含预算执行率行）" if execution_row(ev) is not None else ""
                    problems.append(f"指标分值合计 {num(s)}{within}，应为 {num(profile.total_points)}")
            if ev.indicator_block_weight is not None and differs(s, ev.indicator_block_weight, tol):
                problems.append(f"指标分值合计 {num(s)}，与表头绩效指标 {num(ev.indicator_block_weight)} 分不符")
        elif differs(s, profile.total_points, tol):
            problems.append(f"指标分值合计 {num(s)}，应为 {num(profile.total_points)}")
        if problems:
            yield self.finding(ctx, ctx.path("indicators"), "；".join(problems),
                               evidence="、".join(f"{_label(i)}{num(i.weight)}" for i in rows[:8]),
                               suggestion="调整各指标分值，使合计为 100 分。")
