import re

from assistant.checker.helpers.funds import level1_sums
from assistant.checker.helpers.narrative import report_text
from assistant.checker.helpers.text import num
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10
from assistant.glossary import LEVEL1_NAMES

_EXPLAINED = re.compile(r"(权重|分值).{0,20}(调整|因|由于|根据|考虑)|(调整|因|由于|根据).{0,20}(权重|分值)")


def split_text(split: dict[str, float]) -> str:
    return "/".join(f"{k.removesuffix('指标')}{num(v)}" for k, v in split.items())


@register
class WeakStr003(Rule):
    """一级指标分值不是 profile 认可的分配（全国：产出50/效益30/满意度10，另加预算执行率10），
    且表内和报告中没有说明调整权重的理由。一级分值取表头标注（如“产出指标（50分）”），没有标注时取各行分值之和。
    只有一个一级指标的表（全部分值在产出指标下）不报：缺的是效益、满意度指标（MISSING-IND-002/003），不是权重。

    Why:
        10号给出默认权重，特殊情况可以调整，但应当说明理由，否则无法判断权重是否合理。
    Bad:
        产出指标 70 / 效益指标 15 / 满意度指标 5，未作说明。
    Good:
        产出指标 50 / 效益指标 30 / 满意度指标 10 / 预算执行率 10。
    """

    code = "WEAK-STR-003"
    title = "一级指标权重非默认且未说明"
    severity = "info"
    tag = "K"
    needs = ("self_eval_indicators",)
    source = f"{MOF_10}（产出50%、效益30%、满意度10%、预算执行率10%）"

    def check(self, ctx):
        ev, profile = ctx.ev, ctx.profile
        if not ev.indicators or not profile.level1_weights:
            return
        actual = {k: v for k, v in (ev.block_weights or level1_sums(ev)).items() if k in LEVEL1_NAMES and v}
        if not actual:
            return  # no level-1 weight filled at all: nothing to compare (a blank 分值 is MISSING-IND-001's)
        if len(actual) == 1:
            return  # one block holds every point: the missing blocks are the defect (MISSING-IND-002/003)
        tol = profile.score_tolerance
        for split in profile.level1_weights:
            wanted = {k: float(v) for k, v in split.items() if v}
            if actual.keys() == wanted.keys() and all(abs(actual[k] - wanted[k]) <= tol for k in wanted):
                return
        if _EXPLAINED.search(report_text(ctx)):
            return
        accepted = "；".join(split_text(s) for s in profile.level1_weights)
        yield self.finding(ctx, ctx.path("indicators"),
                           f"一级指标分值为 {split_text(actual) or '未填'}，不是默认分配（{accepted}），且未说明理由",
                           evidence="一级指标分值：" + (split_text(actual) or "未填"),
                           suggestion="按默认权重设置，或在报告中说明调整权重的理由。")
