import re

from assistant.checker.helpers.text import clip
from assistant.checker.registry import register
from assistant.checker.rule import Rule
from assistant.checker.sources import MOF_10, MOF_285

TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("基本情况", re.compile(r"基本情况|概况|项目概述|基本信息|项目情况|项目简介")),
    ("绩效目标完成情况及指标分析", re.compile(r"目标完成|指标完成|完成情况|绩效分析|指标分析|目标实现|实现情况"
                                         r"|绩效情况|产出|效益")),
    ("存在的问题及原因", re.compile(r"问题|不足|困难")),
    ("改进措施及建议", re.compile(r"措施|建议|改进|下一步|整改|打算")),
)


@register
class MissingRpt001(Rule):
    """自评报告缺少以下任一部分：基本情况；绩效目标完成情况/指标分析；存在的问题及原因；改进措施/建议。
    有章节标题的报告只看标题（正文里几乎总会出现“完成情况”等字样，不能代替章节）；没有标题的
    才看正文中是否有对应表述（确定性的第一版，语义判断待增强）。“评价结论”不等于目标完成情况分析。
    只检查含有报告章节的材料（报告或表+报告）。

    Why:
        285号规定的报告内容和10号附件3的报告提纲都包括基本情况、目标完成分析、问题原因和改进建议。
    Bad:
        报告只有“一、项目基本情况”“二、资金使用情况”两部分。
    Good:
        一、基本情况　二、绩效目标完成情况　三、存在的问题及原因　四、下一步改进措施
    """

    code = "MISSING-RPT-001"
    title = "自评报告缺少必要章节"
    severity = "warning"
    tag = "V-3p"
    source = f"{MOF_285}（评价报告内容）；{MOF_10} 附件3（绩效评价报告参考提纲）"
    semantic = True
    scope = "submission"

    def check(self, ctx):
        sections = ctx.submission.sections
        if not sections:
            return
        headings = "。".join(t for s in sections for t in s.path)
        where = headings if sum(1 for s in sections if s.path) >= 2 else "。".join(s.text for s in sections)
        missing = [name for name, pattern in TOPICS if not pattern.search(where)]
        if missing:
            yield self.finding(ctx, "sections", f"自评报告缺少：{'、'.join(missing)}",
                               evidence="报告标题：" + (clip(headings, 80) or "（无标题）"),
                               suggestion=f"按报告提纲补写{'、'.join(missing)}部分。")
