"""The narrative around a table: which indicators a sentence names, "not done" and "all done"
words, and the quantities written in free text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.checker.helpers.cache import _cached
from assistant.checker.helpers.text import compact, first_of, has_any, is_blank, norm, plain, sentences
from assistant.model import Indicator, Value
from assistant.numbers import to_wan
from assistant.values import parse_value

if TYPE_CHECKING:
    from assistant.checker.context import CheckContext

UNMET_WORDS = ("未完成", "未达到", "未达成", "未实现", "未能", "部分完成", "部分达成", "尚未", "滞后", "延期",
               "推迟", "延迟", "进度缓慢", "未按期", "未按时", "未到位", "未全部")
_NEGATED = re.compile(r"(?:无|没有|不存在|未出现|未发生|未有|避免|防止)$")
DONE_WORDS = ("已全部完成", "全部完成", "均已完成", "圆满完成", "全面完成", "全部达成", "均已达成", "全部实现")
_DEDUCTION_WORDS = ("未", "部分", "滞后", "延期", "扣", "偏差", "不足", "差距", "但", "低于", "没有", "尚")


@_cached(8192)
def unmet_phrase(text: str | None) -> str | None:
    """The first "not done / late" word of ``text`` that is not negated (无滞后, 未出现延期)."""
    t = compact(text)
    for word in UNMET_WORDS:
        start = t.find(word)
        while start >= 0:
            if not _NEGATED.search(t[max(0, start - 3):start]):
                return word
            start = t.find(word, start + 1)
    return None


def done_phrase(text: str | None) -> str | None:
    """"All done" words with no hint of a shortfall in the same text."""
    word = first_of(text, DONE_WORDS)
    if word is None or has_any(compact(text).replace(word, ""), _DEDUCTION_WORDS):
        return None
    return word


_NAME_SUFFIXES = ("完成率", "完成情况", "及时率", "覆盖率", "合格率", "达标率", "准确率", "知晓率", "满意度",
                  "人数", "数量", "次数", "个数", "率", "数", "量", "度")


@_cached(8192)
def name_core(name: str | None) -> str:
    """The distinctive part of an indicator name: 资助对象认定准确率 → 资助对象认定."""
    t = plain(name)
    for suffix in _NAME_SUFFIXES:
        if t.endswith(suffix) and len(t) - len(suffix) >= 2:
            return t[: -len(suffix)]
    return t


def mentioned(text: str, indicators: Sequence[Indicator]) -> list[int]:
    """Indices of the indicators a sentence speaks about: those named in full, else the one
    whose name core (资助对象认定准确率 → 资助对象认定) appears — only when exactly one does, so
    受助学生辍学率 and 受助学生满意度 are never confused."""
    t = plain(text)
    full = [j for j, ind in enumerate(indicators) if (name := plain(ind.name)) and name in t]
    if full:
        return full
    cores = [j for j, ind in enumerate(indicators) if len(core := name_core(ind.name)) >= 2 and core in t]
    return cores if len(cores) == 1 else []


def mentions(ctx: CheckContext, text: str) -> list[int]:
    """:func:`mentioned` for the evaluation's indicators, remembered per context: the narrative
    rules ask it about every sentence once per indicator row."""
    known: dict[str, list[int]] = ctx.memo("mentions", dict)
    if text not in known:
        known[text] = mentioned(text, ctx.ev.indicators)
    return known[text]


def narrative(ctx: CheckContext) -> list[str]:
    """Every sentence that talks about the evaluation: the related report sections (headings and
    text) and the table's own free-text cells. Computed once per context."""
    return ctx.memo("narrative", lambda: _narrative(ctx))


def _narrative(ctx: CheckContext) -> list[str]:
    texts: list[str] = []
    for sec in ctx.related_sections:
        texts.extend(sec.path)
        texts.append(sec.text)
    if ctx.evaluation is not None:
        ev = ctx.evaluation
        texts += [ev.goal_achieved or "", ev.conclusion or "", ev.problems or "", ev.measures or "",
                  ev.funds.reason or ""]
        texts += [ind.deviation_reason or "" for ind in ev.indicators]
    return [s for t in texts for s in sentences(t)]


def has_narrative(ctx: CheckContext) -> bool:
    """Whether there is any free text beyond the goal cells to look in: report sections, or the
    table's 评价结论 / 存在问题 / 改进措施. A bare MOF table has nowhere to name sources or surveys."""
    ev = ctx.evaluation
    return bool(ctx.related_sections) or (ev is not None and any(
        not is_blank(t) for t in (ev.conclusion, ev.problems, ev.measures)))


def report_text(ctx: CheckContext) -> str:
    """All narrative as one text (for "is X named anywhere" checks)."""
    return ctx.memo("report_text", lambda: "。".join(narrative(ctx)))


_QTY = re.compile(r"(?<![0-9.])[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:%|‰|[^\s0-9，。、；;,.:：（）()]{0,4})")


# List numbering: "1." "2、" "（3）" at the start of the text or of a clause, not a decimal (1.5万元).
_LIST_MARK = re.compile(r"(?:^|(?<=[\s；;。，,：:（(]))[0-9]{1,2}\s*[.、)）](?![0-9])")


def quantities(text: str | None) -> list[Value]:
    """Numbers with their units in free text (资助学生500人 → 500 人); dates and years skipped, and
    so is list numbering ("1.完成… 2.开展…" counts nothing) and an age that says who is meant
    ("65岁及以上老年人健康管理人数" is a count of people, not of years)."""
    out = []
    for m in _QTY.finditer(_LIST_MARK.sub(" ", norm(text))):
        value = parse_value(m.group())
        if value.number is not None and value.unit != "岁":
            out.append(value)
    return out


def _money_part(unit: str | None) -> tuple[str | None, str]:
    """元/人 → (元, 人); 万元 → (万元, "")."""
    base, _, per = (unit or "").partition("/")
    return (base or None), per


def same_quantity(a: Value, b: Value) -> bool:
    """Same number in compatible units (money compared in 万元, 0.25万元 = 2500元/人 per the same thing)."""
    if a.number is None or b.number is None:
        return False
    (ua, pa), (ub, pb) = _money_part(a.unit), _money_part(b.unit)
    x, y = to_wan(a.number, ua), to_wan(b.number, ub)
    if pa and pb and pa != pb:
        x = y = None
    if x is not None and y is not None:
        return abs(x - y) <= 1e-6 * max(1.0, abs(x))
    return abs(a.number - b.number) <= 1e-9 and (a.unit == b.unit or a.unit is None or b.unit is None)
