import re

from assistant.checker.helpers.indicators import is_rate_name, label, row_evidence
from assistant.checker.helpers.text import compact, shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_101, SICHUAN
from assistant.glossary import term

# A statement of an effect: it opens with a verb of striving or ends on a state, 促进…健康发展.
_STATEMENT = re.compile(r"^(促进|推动|推进|助力|保障|确保|改善|提升|提高|增强|加强|维护|营造|带动|实现|巩固)"
                        r"|(发展|稳定|和谐|改善|提升|增强|保障|落实|明显|显著|良好|有效)$")
# … and names nothing a percentage could be a share of
# (增/减/降/收: a change — 带动农户增收 ≥5% — and 覆盖/达标/合格: a rate left unnamed — 实现应保尽保全覆盖
# 100% — which a percentage does measure)
_MEASURE = re.compile(r"率|比|度|占|数|量|额|例|值|指数|百分|面积|长度|里程|时间|时长|周期|规模|收|产值|次|水平|标准"
                      r"|增|减|降|覆盖|达标|合格")
_RATE_UNITS = ("%", "‰")


@register
class WeakVal010(Rule):
    """指标值的单位与指标不符：一句定性的表述（“促进学校教育事业健康发展”：以“促进、推动、提升……”开头或以
    “发展、稳定、改善……”结尾，且没有率、数、量、额等可以计算比例的对象）配了百分比；或比率指标
    （名称以“率”结尾）的年度指标值、实际完成值填的是人数、个数等计数单位（不是 %、‰、百分点）。
    每行一条，报在第一个填错的单元格（两栏都错时一并列出）。经验规则，仅作提示。

    Why:
        101号要求指标“量化易评”，指标值由性质、数值和度量单位组成（四川样表分栏填写）。
        “健康发展 ≥100%”没有可以计算的分子分母，只是把“完成”写成了数字；
        “签约率”填“3200人”则无法与目标比较，也无从按比例计分。
    Bad:
        促进学校教育事业健康发展 | ≥100%；家庭医生签约率 | ≥70% | 3200人
    Good:
        义务教育巩固率 | ≥98%；家庭医生签约率 | ≥70% | 72%（签约 3200 人 / 常住人口 4444 人）
    """

    code = "WEAK-VAL-010"
    title = "指标值单位与指标不符"
    severity = "warning"
    needs = ("self_eval_indicators",)
    tag = "H"
    source = f"{MOF_101}（量化易评）；{SICHUAN}（指标性质、指标值、度量单位分栏填写）"

    def check(self, ctx):
        for j, ind in enumerate(ctx.ev.indicators):
            name = compact(ind.name)
            statement = bool(name) and bool(_STATEMENT.search(name)) and not _MEASURE.search(name)
            rate = is_rate_name(ind.name)
            if not (statement or rate):
                continue
            wrong = [cell for cell in ("target", "actual") if _misfit(getattr(ind, cell), statement, rate)]
            if not wrong:
                continue
            cells = "、".join(f"{term(c)}“{shown(getattr(ind, c))}”" for c in wrong)
            if statement:
                problem, fix = ("是一句定性表述，却以百分比计量",
                                "改设可计量的指标（写明分子分母的比率或数量），或改为定性指标并写明分档标准。")
            else:
                problem, fix = ("是比率指标，指标值却不是百分比",
                                "比率指标的年度指标值和实际完成值都写百分比，人数等可写入偏差说明作为计算依据。")
            # one finding per row, at the first cell that is wrong (both cells are one defect)
            yield self.finding(ctx, ctx.path("indicators", j, wrong[0]), f"{label(ind)}{problem}（{cells}）",
                               evidence=row_evidence(ind), suggestion=fix)


def _misfit(v, statement: bool, rate: bool) -> bool:
    if not v.quantitative or v.unit is None:
        return False
    if statement:
        return v.unit == "%"
    return rate and v.unit not in _RATE_UNITS and "百分" not in v.unit
