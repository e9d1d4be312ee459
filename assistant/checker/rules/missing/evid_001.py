import re

from assistant.checker.helpers.indicators import label
from assistant.checker.helpers.narrative import has_narrative, quantities, report_text
from assistant.checker.helpers.text import compact
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import NDHX

_EVIDENCE = re.compile(r"佐证|数据来源|来源于|来自|台账|清单|名单|花名册|验收|问卷|调查|统计|报表|凭证|发票|记录|证明"
                       r"|监测|检测|系统数据|审计|决算|报告显示|档案|合同")

# A report names its sources in so many words; a bare 档案 or 调查 there is usually an indicator's name
# (电子健康档案建档率) or the satisfaction survey, which SCORE-SAT-001 looks at.
_SOURCE_STATEMENT = re.compile(r"佐证|数据来源|来源于|来自|依据.{0,12}(台账|名单|报告|报表|记录|系统)|台账|花名册|验收报告|统计报表")


@register
class MissingEvid001(Rule):
    """表中有定量的实际完成值（或单独报送的自评报告写了定量完成情况），而表内说明和报告中都没有提到
    任何佐证材料或数据来源（名单、台账、验收报告、问卷调查、统计报表……）。确定性的第一版：按关键词
    判断，每张表或每份报告一条。只有表格、没有报告也没有结论/问题/措施栏的材料无处写数据来源，不检查。

    Why:
        自评流于形式、原始数据收集不足是常见问题；没有数据来源的完成值无法核实。经验规则，仅作提示。
    Bad:
        实际完成值：520人，报告中没有说明人数来自何处。
    Good:
        报告写明“资助人数以学生资助管理系统名单为准，发放金额以银行发放台账为准”。
    """

    code = "MISSING-EVID-001"
    title = "完成值无佐证材料或数据来源"
    severity = "warning"
    tag = "H"
    source = f"经验规则；{NDHX}（原始数据收集不足）"
    semantic = True
    scope = "submission"

    def check(self, ctx):
        sub = ctx.submission
        for i, ev in enumerate(sub.evaluations):
            yield from self._table(ctx.for_evaluation(ev, i))
        if not sub.evaluations and sub.sections:
            yield from self._report(ctx)

    def _report(self, ctx):
        text = "。".join(s.text for s in ctx.submission.sections)
        if _SOURCE_STATEMENT.search(text):
            return
        found = quantities(text)
        if len(found) < 2:
            return
        yield self.finding(ctx, "sections", f"报告写了 {len(found)} 处定量完成情况，但未说明数据来源或佐证材料",
                           evidence="、".join(q.raw for q in found[:5]),
                           suggestion="在报告中注明各项完成数据的来源（名单、台账、验收报告、调查问卷等），并备齐佐证材料。")

    def _table(self, ctx):
        measured = [ind for ind in ctx.ev.indicators if ind.actual.quantitative]
        if not measured or not has_narrative(ctx) or _EVIDENCE.search(report_text(ctx)):
            return
        if any(_EVIDENCE.search(compact(ind.actual.raw)) for ind in measured):
            return
        yield self.finding(ctx, ctx.path("indicators"),
                           f"{len(measured)} 项定量实际完成值均未说明佐证材料或数据来源",
                           evidence="、".join(label(ind) for ind in measured[:5]),
                           suggestion="在报告或偏差说明中注明数据来源（名单、台账、验收报告、调查问卷等），并备齐佐证材料。")
