"""Keyword-side query expansion: the words reviewers say → the words the forms print.

Only the BM25 side is expanded (dense search gets the question as asked). The list is short
and domain-specific on purpose; a word is added when the question holds one of its triggers
and does not already hold the word itself.
"""

from __future__ import annotations

__all__ = ["SYNONYMS", "expand_query"]

# form term → what a question may say instead
SYNONYMS: dict[str, tuple[str, ...]] = {
    "满意度": ("满意", "满不满意", "评价好不好"),
    "执行率": ("执行情况", "支出进度", "花了多少", "用了多少", "执行得", "执行进度"),
    "全年执行数": ("实际支出", "支出金额", "花了多少", "用了多少"),
    "全年预算数": ("预算多少", "资金规模", "预算金额", "安排资金"),
    "总分": ("自评得分", "综合得分", "自评分", "打了多少分", "得了多少分", "评分"),
    "评价等级": ("等级", "等次", "评级"),
    "偏差原因": ("原因", "为什么", "为何", "咋回事"),
    "改进措施": ("整改", "下一步", "怎么改", "措施"),
    "存在问题": ("问题", "不足", "困难"),
    "实际完成值": ("完成了多少", "实际完成", "完成情况", "完成多少"),
    "年度指标值": ("目标值", "指标值", "计划"),
    "绩效目标": ("目标",),
}


def expand_query(query: str) -> str:
    """``query`` plus the form terms its words stand for (space-separated)."""
    extra = [term for term, triggers in SYNONYMS.items()
             if term not in query and any(t in query for t in triggers)]
    return f"{query} {' '.join(extra)}" if extra else query
