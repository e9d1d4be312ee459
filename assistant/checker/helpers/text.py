"""Text of cells and sentences: normalising, blanks and placeholders, word finding, similarity,
and how a cell or a number is shown in a finding's message."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from assistant.checker.helpers.cache import _cached
from assistant.model import Value
from assistant.numbers import rounded
from assistant.values import normalise_text, parse_value

if TYPE_CHECKING:
    from assistant.checker.profiles import Profile

__all__ = ["amount", "chinese_chars", "clip", "compact", "first_of", "has_any", "is_blank", "norm", "num",
           "plain", "sentences", "shown", "similarity", "states_measure", "unquoted"]

_WS = re.compile(r"\s+")
_WIDE = re.compile("[\u3000\u2212\ufe63\u301c\uff01-\uff5e]")  # what normalise_text rewrites
_WORDISH = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = re.compile(r"[\s，。、；;：:,.!！?？“”\"'‘’（）()《》【】\[\]—\-_/]+")
_SENTENCE = re.compile(r"[。；;！!？?\n]+")
_QUOTES = re.compile(r"[“”\"'‘’「」]")


@_cached(16384)
def norm(text: str | None) -> str:
    """:func:`assistant.values.normalise_text`, skipped when there is nothing full-width to rewrite.
    Cached: many rules read the same cells and narrative sentences."""
    if not text:
        return ""
    return normalise_text(text) if _WIDE.search(text) else _WS.sub(" ", text).strip()


def compact(text: str | None) -> str:
    """Normalised text with all whitespace removed (full-width digits → ASCII)."""
    return _WS.sub("", norm(text))


def chinese_chars(text: str | None) -> int:
    """How many Chinese characters ``text`` has: a cell of only numbers, dashes or slashes has none."""
    return len(_CHINESE.findall(text or ""))


def is_blank(text: str | None, profile: Profile | None = None) -> bool:
    """Empty, a dash/slash placeholder, or only a placeholder word (无, 暂无, 无偏差 …)."""
    if text is None:
        return True
    placeholder, core = _blank_parts(text)
    return placeholder or (profile is not None and core in profile.placeholder_words)


@_cached(16384)
def _blank_parts(text: str) -> tuple[bool, str]:
    """(a dash/slash/empty placeholder?, the compact text without its final punctuation)."""
    core = compact(text)
    # Placeholders are short (—, /, 无, 暂无, n/a, null); anything longer with a word in it is text.
    if not (len(core) > 4 and _WORDISH.search(core)) and parse_value(core).blank:
        return True, core
    return False, core.rstrip("。.;；")


def has_any(text: str | None, words: Iterable[str]) -> bool:
    return first_of(text, words) is not None


# A measure word that is negated ("资金未落实", "尚未建立") or judged wanting ("责任落实不到位",
# "宣传推进不够") is part of the cause.
_MEASURE_NEGATED = re.compile(r"(未|没有|尚未|没|不)$")
_MEASURE_WANTING = re.compile(r"^(不到位|不够|不足|不力|不及时|不充分|不完善|不规范|不严|滞后|缓慢)")


def states_measure(text: str | None, words: Iterable[str]) -> bool:
    """Whether ``text`` proposes something: one of the forward-looking ``words``, not negated."""
    t = compact(text)
    for word in words:
        start = t.find(word)
        while start >= 0:
            end = start + len(word)
            if not (_MEASURE_NEGATED.search(t[max(0, start - 2):start]) or _MEASURE_WANTING.match(t[end:end + 3])):
                return True
            start = t.find(word, start + 1)
    return False


def first_of(text: str | None, words: Iterable[str]) -> str | None:
    """The first of ``words`` found in ``text`` (in the order of ``words``)."""
    if not text:
        return None
    t = compact(text)
    return next((w for w in words if w and w in t), None)


def sentences(text: str | None) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(norm(text)) if s.strip()]


def clip(text: str | None, width: int = 60) -> str:
    t = norm(text)
    return t if len(t) <= width else t[: width - 1] + "…"


BLANK = "（空）"  # how a finding's message shows an empty cell or number


def num(x: float | None) -> str:
    """A number as a reviewer would write it: 20, 19.6, 3824.26 (at most two decimals)."""
    return rounded(x, 2, empty=BLANK)


def amount(x: float | None) -> str:
    """A money amount as filled in, every decimal kept (89.974 万元 is not 89.97); six places:
    the float noise of sums is gone, real decimals are kept."""
    return rounded(x, 6, empty=BLANK)


def shown(value: Value | None) -> str:
    """A cell as written, for messages; blank cells read （空）."""
    if value is None or value.blank:
        return "（空）"
    return norm(value.raw)


def similarity(a: str | None, b: str | None, floor: float = 0.0) -> float:
    """0..1 similarity of two texts, ignoring punctuation and whitespace (0 when surely below ``floor``)."""
    x, y = _PUNCT.sub("", norm(a)), _PUNCT.sub("", norm(b))
    if not x or not y:
        return 0.0
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


@_cached(8192)
def plain(text: str | None) -> str:
    """Normalised text without punctuation or spaces, for "is this name in that sentence" tests.
    Cached: the narrative rules ask it for the same indicator names once per sentence."""
    return _PUNCT.sub("", norm(text))


_DIGIT = re.compile(r"[0-9]")


def is_boilerplate(text: str | None, project: str | None, profile: Profile) -> bool:
    """A text with no number made only of the profile's ``boilerplate_phrases`` (完成, 按计划 …)
    and ``boilerplate_fillers`` (年度, 目标, 已 …) and the project's own name, with at least one
    phrase: it says something was done, not what ("完成年度目标。")."""
    core = plain(text)
    if not core or _DIGIT.search(compact(text)):
        return False
    name = plain(project)
    if len(name) >= 4:
        core = core.replace(name, "")
    said = False
    for word in sorted(set(profile.boilerplate_phrases), key=len, reverse=True):
        if word in core:
            said = True
            core = core.replace(word, "")
    for word in sorted(set(profile.boilerplate_fillers), key=len, reverse=True):
        core = core.replace(word, "")
    return said and not core


def unquoted(text: str | None) -> str:
    """Compact text without quote marks: “三公经费”控制率 → 三公经费控制率."""
    return _QUOTES.sub("", compact(text))
