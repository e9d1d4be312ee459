"""Query analysis for retrieval: the form terms a question stands for, and the names it holds.

Two things the keyword side needs that the question does not say plainly:

* **form terms** — reviewers say 执行情况 or 得了多少分, the forms print 执行率 and 总分.
  :func:`expand_query` adds the printed term when the question holds one of its triggers.
  Only the BM25 side is expanded (dense search gets the question as asked); the list is short
  and domain-specific on purpose.
* **names** — a unit or project the records store knows (:class:`Gazetteer`). Every chunk of a
  table repeats its unit and project in its title, so in a question such as
  ``云岫县民政局城乡最低生活保障资金的自评总分是多少`` the names outweigh 总分 for BM25 and the
  project's header chunks beat the one holding the score. :func:`analyse` splits the question
  into the names and the *focus* — what is asked about them (``自评总分`` → ``自评总分 总分``) —
  so the retriever can search the focus within the named submissions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.retrieval.gazetteer import Gazetteer
from assistant.stores.fulltext import STOPWORDS, query_tokens

__all__ = ["SYNONYMS", "QueryPlan", "analyse", "expand_query", "without_names"]

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
    "群众": ("老百姓", "百姓", "民众"),
}

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年度?")
_NOISE = re.compile(r"[「」『』“”\"'《》（）()【】\[\]，,。？?！!、：:；;\s]+")


def expand_query(query: str) -> str:
    """``query`` plus the form terms its words stand for (space-separated)."""
    extra = [term for term, triggers in SYNONYMS.items()
             if term not in query and any(t in query for t in triggers)]
    return f"{query} {' '.join(extra)}" if extra else query


@dataclass(frozen=True)
class QueryPlan:
    """A question taken apart for retrieval (see the module docstring)."""

    text: str  # the whole question, form terms added (the BM25 query)
    focus: str  # the question without names and years, form terms added ("" when nothing is left)
    units: tuple[str, ...] = ()  # known unit names it holds
    projects: tuple[str, ...] = ()  # known project names it holds

    @property
    def named(self) -> bool:
        return bool(self.units or self.projects)

    def scope_units(self, gazetteer: Gazetteer) -> tuple[str, ...]:
        """The units the question is about: those it names, else those that filed its projects."""
        if self.units:
            return self.units
        return tuple(dict.fromkeys(u for p in self.projects for u in gazetteer.project_units.get(p, ())))


def without_names(text: str, names: Sequence[str]) -> str:
    """``text`` without ``names`` (longest first) and the locative particle right after one
    (X项目中亩均投资: 中亩 is not a word of the question)."""
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = re.sub(re.escape(name) + "(?:中|里|内)?", " ", text)
    return text


def analyse(question: str, gazetteer: Gazetteer) -> QueryPlan:
    """Names first (a project may hold a year: ``2022年城乡最低生活保障资金``), then years."""
    rest = question
    projects = gazetteer.find_projects(rest)
    units = gazetteer.find_units(without_names(rest, projects))
    rest = without_names(rest, [*projects, *units])
    rest = _NOISE.sub(" ", _YEAR.sub(" ", rest)).strip()
    focus = expand_query(rest)
    if not any(w not in STOPWORDS for w in query_tokens(focus)):
        focus = ""  # only question words left: nothing to look for besides the names
    return QueryPlan(text=expand_query(question), focus=focus, units=tuple(units), projects=tuple(projects))
