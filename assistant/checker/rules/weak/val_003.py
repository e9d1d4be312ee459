from assistant.checker.helpers.indicators import label, row_evidence, target_rows
from assistant.checker.helpers.text import shown
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import SICHUAN

_NATURE_OPS = {"≥", "≤", "=", ">", "<", "＝", "≧", "≦", ">=", "<="}


@register
class WeakVal003(Rule):
    """定量的年度指标值没有比较方向：没有 ≥ / ≤ / = / 不低于 / 不高于 / 以上 / 以内，“指标性质”栏也为空。

    Why:
        没有方向就不知道实际值高于目标算完成还是算超支；评分公式（正向 B/A、反向 A/B）也无从选择。
    Bad:
        年度指标值：95%
    Good:
        年度指标值：≥95%
    """

    code = "WEAK-VAL-003"
    title = "定量指标值缺少比较符号"
    severity = "warning"
    tag = "V"
    source = f"{SICHUAN}（指标性质：≥、≤、=、定性）"

    def check(self, ctx):
        for j, ind in target_rows(ctx.ev, ctx.profile):
            nature = (ind.nature or "").strip()
            if ind.target.quantitative and ind.target.op is None and nature not in _NATURE_OPS:
                yield self.finding(ctx, ctx.path("indicators", j, "target"),
                                   f"{label(ind)}的年度指标值“{shown(ind.target)}”没有 ≥、≤ 或 = 等比较符号",
                                   evidence=row_evidence(ind),
                                   suggestion="写明指标性质，如 ≥95%（正向）、≤30天（反向）或 =100%。")
