import re

from assistant.checker.helpers.text import is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_10
from assistant.glossary import term

_YEAR = re.compile(r"(19|20)\d{2}\s*年")  # "2019年新型农业经营主体扶持项目" names its year


@register
class MissingHdr001(Rule):
    """项目名称、主管部门或实施单位为空，或标题、表头都没有写明评价年度。部门整体支出绩效自评表只要求
    主管部门或实施单位之一。
    表中没有该栏的版式（部门表只有“部门”一栏）不检查该栏。

    Why:
        表头决定这张表属于哪个项目、由谁负责；表头不全的自评表无法入库、汇总或追溯责任单位。
    Bad:
        项目名称：学生资助补助经费　主管部门：某县教育局　实施单位：（空）
    Good:
        项目名称：学生资助补助经费　主管部门：某县教育局　实施单位：某县第一中学
    """

    code = "MISSING-HDR-001"
    title = "表头信息（项目名称、主管部门、实施单位）不全"
    severity = "error"
    tag = "K"
    source = f"{MOF_10} 附件2（项目支出绩效自评表表头）；{CHIZHOU}"
    kinds = ("project", "department")

    def check(self, ctx):
        ev = ctx.ev
        if ev.kind == "department":
            fields = () if not (is_blank(ev.department) and is_blank(ev.impl_unit)) else ("department",)
        else:
            fields = ("project_name", "department", "impl_unit")
        for name in fields:
            if is_blank(getattr(ev, name)) and (ev.kind == "department" or ctx.has_row(name)):
                yield self.finding(ctx, ctx.path(name), f"表头“{term(name)}”为空",
                                   evidence=f"{term(name)}：{getattr(ev, name) or '（空）'}",
                                   suggestion=f"补填{term(name)}。")
        if ev.year is None and ctx.submission.year is None and not _YEAR.search(ev.project_name or ""):
            # neither the title nor any header cell names the year evaluated (a framework scoring table)
            yield self.finding(ctx, ctx.path("year"), "表内没有评价年度（标题、表头均未写明）",
                               evidence=f"标题：{ev.title or '（无）'}",
                               suggestion="在标题或表头写明自评的预算年度（如“2023年度”）。")
