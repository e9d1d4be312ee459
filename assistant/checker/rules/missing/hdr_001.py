from assistant.checker.helpers.text import is_blank
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import CHIZHOU, MOF_10
from assistant.glossary import term


@register
class MissingHdr001(Rule):
    """项目名称、主管部门或实施单位为空。部门整体支出绩效自评表只要求主管部门或实施单位之一。

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
            if is_blank(getattr(ev, name)):
                yield self.finding(ctx, ctx.path(name), f"表头“{term(name)}”为空",
                                   evidence=f"{term(name)}：{getattr(ev, name) or '（空）'}",
                                   suggestion=f"补填{term(name)}。")
