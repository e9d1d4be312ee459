"""Read the values people type into self-evaluation tables: ``≥95%``, ``不低于90%``, ``1，234.5万元``.

A 年度指标值 / 实际完成值 cell mixes an operator, a number and a unit (docs/domain.md G4 and section 4,
parsing note 3); :func:`parse_value` splits it into a :class:`~assistant.model.Value` and keeps
``raw`` untouched so a reviewer always sees what the cell said. Money, score and rate cells have
their own small readers (:func:`parse_amount`, :func:`parse_number`, :func:`parse_percent`).

Decisions a caller should know:

* Whitespace, including the line breaks of narrow PDF cells, is dropped before parsing, so
  ``"≥9\\n5%"`` reads as 95 and ``"＝100 %"`` as 100 %. ``"1 000"`` therefore reads as 1000.
* Only the first number counts. A note in brackets after it is ignored
  (``"≥95%（注：以抽样为准）"`` → ≥ 95 %); ``（含）`` is dropped so ``"90%（含）以上"`` keeps its 以上.
* A range (``"90%-95%"``, ``"90~95%"``, ``"90至95%"``) gives its lower bound with op ``>=`` unless
  the cell also has an explicit operator.
* A deadline (``"2020年12月底前"``, ``"2023-06-30"``, ``"6月底前"``) is not a number: number and
  unit are None, ``qualitative`` and ``vague`` are False (it is a checkable timeliness value, not
  text), and op is ``<=`` when it says 前/之前/以前/内/截止. :func:`deadline_text` returns the
  text for such cells. A date next to another number (``"2023年完成100%"``) is skipped instead.
* ``qualitative`` means "non-blank, no number, not a deadline" (效果明显, 按时完成, 是, 合格).
  Qualitative cells keep an operator only when the cell starts with one (``"不低于上年"`` → >=).
* ``vague`` means "contains a word of :data:`VAGUE_WORDS` and has no number and no date" —
  the WEAK-VAL-001 condition. ``达成预期指标`` is qualitative but not vague: it holds no listed word.
* Units are normalised (``％``/``百分比``/``百分之`` → ``%``, ``日`` → ``天``, ``千米``/``km`` → ``公里``,
  ``㎡`` → ``平方米``, ``个月`` → ``月``); ``百分点`` stays ``百分点``; an unknown word after the
  number is kept as written; ``X/Y`` units are joined (``万元/人``). Chinese numerals (三场) are
  not read: such a cell is qualitative.
* Blank covers empty text and placeholders (—, -, /, *, 无, 暂无, 空, N/A, …): every part of a
  blank value is None/False.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.model import Value
from assistant.numbers import MONEY_UNITS, money_unit, to_wan

__all__ = [
    "VAGUE_WORDS",
    "Amount",
    "deadline_text",
    "known_unit",
    "normalise_text",
    "parse_amount",
    "parse_number",
    "parse_percent",
    "parse_value",
]

# docs/domain.md G8. No national list exists, so callers (e.g. a provincial profile) may pass their own.
VAGUE_WORDS: tuple[str, ...] = (
    "有所", "进一步", "显著", "明显", "较好", "良好", "有效", "大幅", "逐步", "基本",
    "力争", "稳步", "不断", "持续", "按时", "符合要求", "达标", "效果明显",
)

# --- text normalisation --------------------------------------------------------------------------

# Full-width ASCII (！..～) → ASCII, ideographic space → space, minus signs and the wave dash →
# ASCII. Written out instead of NFKC because NFKC also rewrites things we must keep or read
# ourselves: "㎡" → "m2", "①" → "1", and it leaves "≧"/"≦"/"═" alone anyway.
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({0x3000: 0x20, 0x2212: 0x2D, 0xFE63: 0x2D, 0x301C: 0x7E})
_SPACES = re.compile(r"\s+")


def normalise_text(s: str | None) -> str:
    """Full-width digits/letters/punctuation → ASCII, whitespace runs → one space, stripped.

    Chinese characters, ≥/≤ and dashes such as "—" are kept as they are.
    """
    if not s:
        return ""
    return _SPACES.sub(" ", s.translate(_HALF_WIDTH)).strip()


def _compact(raw: str) -> str:
    """The form every parser here works on: normalised and with all whitespace removed."""
    return _SPACES.sub("", normalise_text(raw))


# --- blanks --------------------------------------------------------------------------------------

_PLACEHOLDERS = frozenset({"无", "暂无", "空", "n/a", "na", "nan", "null", "none"})
# Strings made only of dashes, slashes, stars or dots ("—", "——", "/", "*", "…", "--") are blanks.
_PLACEHOLDER_CHARS = re.compile(r"[-—–‐_/\\*.…·~]+")


def _is_blank(compact: str) -> bool:
    return not compact or compact.lower() in _PLACEHOLDERS or bool(_PLACEHOLDER_CHARS.fullmatch(compact))


# --- numbers -------------------------------------------------------------------------------------

# ASCII digits only ([0-9], not \d): \d also matches Arabic-Indic and other digits. A comma is a
# thousands separator only before exactly three digits, so "1,234.5" is one number.
_NUM = re.compile(r"(?<![0-9.])-?(?:[0-9]{1,3}(?:,[0-9]{3}(?![0-9]))+|[0-9]+)(?:\.[0-9]+)?")


def _to_float(text: str) -> float:
    return float(text.replace(",", ""))


# --- operators -----------------------------------------------------------------------------------

_OP_GLYPHS = str.maketrans({"≧": "≥", "⩾": "≥", "≦": "≤", "⩽": "≤", "═": "="})
_PREFIX_OPS: dict[str, str] = {
    "≥": ">=", ">=": ">=", "=>": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=",
    "大于等于": ">=", "大于或等于": ">=", "至少": ">=", "最少": ">=",
    "≤": "<=", "<=": "<=", "=<": "<=", "不高于": "<=", "不超过": "<=", "未超过": "<=", "不大于": "<=",
    "不多于": "<=", "小于等于": "<=", "小于或等于": "<=", "至多": "<=", "最多": "<=",
    "控制在": "<=",  # "控制在10%" and "控制在10%以内" both mean at most
    "==": "=", "=": "=", "等于": "=",
    ">": ">", "大于": ">", "超过": ">", "高于": ">", "多于": ">",
    "<": "<", "小于": "<", "低于": "<", "少于": "<", "不足": "<", "不到": "<",
}
_SUFFIX_OPS: dict[str, str] = {
    "及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<=",
}


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "不超过" wins over "超过" and ">=" over ">" at the same position.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIX_OP_RE = re.compile(_alternation(_PREFIX_OPS))
# A suffix operator sits right after the unit ("90%以上", "3天内"), or a few characters later when
# the unit is followed by a noun ("5棵树以上"); the one-character "内" only counts right after.
_SUFFIX_OP_RE = re.compile(
    rf"(?:[\u4e00-\u9fff]{{0,4}}?)({_alternation(w for w in _SUFFIX_OPS if len(w) > 1)})|(内)"
)


def _prefix_op(prefix: str) -> str | None:
    """The operator closest before the number ("满意度≥", "控制在", "不低于")."""
    found = _PREFIX_OP_RE.findall(prefix)
    return _PREFIX_OPS[found[-1]] if found else None


# --- units ---------------------------------------------------------------------------------------

_UNIT_ALIASES: dict[str, str] = {
    "%": "%", "百分比": "%", "‰": "‰", "百分点": "百分点", "个百分点": "百分点",
    "元": "元", "千元": "千元", "万元": "万元", "亿元": "亿元",
    "个": "个", "人": "人", "人次": "人次", "万人": "万人", "万人次": "万人次", "人日": "人日",
    "次": "次", "项": "项", "户": "户", "户次": "户次", "所": "所", "册": "册", "场": "场", "家": "家",
    "座": "座", "台": "台", "套": "套", "辆": "辆", "处": "处", "间": "间", "张": "张", "份": "份",
    "篇": "篇", "期": "期", "批": "批", "条": "条", "名": "名", "件": "件", "本": "本", "部": "部",
    "栋": "栋", "种": "种", "类": "类", "节": "节", "课时": "课时", "学时": "学时", "头": "头",
    "只": "只", "株": "株", "棵": "棵", "倍": "倍", "分": "分",
    "天": "天", "日": "天", "工作日": "工作日", "个工作日": "工作日", "小时": "小时", "分钟": "分钟",
    "周": "周", "月": "月", "个月": "月", "季度": "季度", "年": "年",
    "公里": "公里", "千米": "公里", "km": "公里", "米": "米", "亩": "亩", "万亩": "万亩", "公顷": "公顷",
    "平方米": "平方米", "㎡": "平方米", "m²": "平方米", "m2": "平方米", "万平方米": "万平方米",
    "平方公里": "平方公里", "立方米": "立方米", "m³": "立方米", "m3": "立方米",
    "吨": "吨", "公斤": "公斤", "千克": "公斤", "kg": "公斤", "千瓦": "千瓦",
    "美元": "美元", "万美元": "万美元",
}
_UNIT_RE = re.compile(_alternation(_UNIT_ALIASES), re.IGNORECASE)
# An unknown unit is a run of CJK characters or of ASCII letters, cut before an operator suffix,
# 左右 or a range word (至/到, as in "90至95%").
_WORD_RE = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+")
_UNIT_STOP_RE = re.compile(_alternation([*_SUFFIX_OPS, "左右", "至", "到"]))


def known_unit(word: str) -> str | None:
    """The canonical unit when ``word`` is exactly one we know (万元, %, 个, 万美元 …), else None."""
    word = normalise_text(word).strip()
    if word in _UNIT_ALIASES or word.lower() in _UNIT_ALIASES:
        return _UNIT_ALIASES.get(word, _UNIT_ALIASES.get(word.lower()))
    return None


def _take_unit_word(rest: str) -> tuple[str | None, str]:
    m = _UNIT_RE.match(rest)
    if m:
        return _UNIT_ALIASES[m.group().lower()], rest[m.end():]
    m = _WORD_RE.match(rest)
    if not m:
        return None, rest
    word = m.group()
    stop = _UNIT_STOP_RE.search(word)
    if stop:
        word = word[: stop.start()]
    return (word, rest[len(word):]) if word else (None, rest)


def _take_unit(rest: str) -> tuple[str | None, str]:
    """Unit at the start of ``rest`` (normalised) and what follows it; "万元/人", "元/人·次" stay whole."""
    unit, rest = _take_unit_word(rest)
    while unit is not None and rest[:1] in ("/", "·"):
        part, after = _take_unit_word(rest[1:])
        if part is None:
            break
        unit, rest = f"{unit}{rest[0]}{part}", after
    return unit, rest


# --- dates and notes -----------------------------------------------------------------------------

# 2020年 / 2020年12月 / 2020年12月31日, 2020-12(-31), 2020/12(/31), 2020.12.31 ("2020.12" alone is a
# number), and month-only deadlines that say so: 12月31日, 12月底, 6月份, 6月前.
_DATE_RE = re.compile(
    r"(?<![0-9.])(?:19|20)[0-9]{2}"
    r"(?:年(?:[0-9]{1,2}月(?:[0-9]{1,2}[日号])?)?"
    r"|[-/][0-9]{1,2}(?:[-/][0-9]{1,2})?(?![0-9])"
    r"|\.[0-9]{1,2}\.[0-9]{1,2}(?![0-9]))"
    r"|(?<![0-9.])[0-9]{1,2}月(?:[0-9]{1,2}[日号]|(?=底|末|份|上旬|中旬|下旬|前|之前|以前|内|以内))"
)
_DEADLINE_BEFORE_RE = re.compile(r"前|内|截止|截至|止")
_INCLUSIVE_NOTE_RE = re.compile(r"\(含[^)]*\)")
_NOTE_START_RE = re.compile(r"[(\[【]|注:|备注")
_RANGE_RE = re.compile(r"(?:-|~|—|–|至|到)+(?=-?[0-9])")


def _strip_notes(t: str) -> str:
    """Drop a bracketed note or "注:" once a number has been read before it."""
    t = _INCLUSIVE_NOTE_RE.sub("", t)
    m = _NOTE_START_RE.search(t)
    if m and _NUM.search(t, 0, m.start()):
        return t[: m.start()]
    return t


def _prepare(raw: str) -> tuple[str, bool]:
    """Compact text with notes cut and dates removed; and whether the cell is a pure deadline."""
    t = _strip_notes(_compact(raw).translate(_OP_GLYPHS))
    if not _DATE_RE.search(t):
        return t, False
    undated = _DATE_RE.sub("", t)
    if _NUM.search(undated):
        return undated, False  # "2023年完成100%": the date is context, 100% the value
    return t, True


def deadline_text(raw: str | None) -> str | None:
    """The normalised cell text when :func:`parse_value` reads the cell as a deadline, else None."""
    if raw is None or _is_blank(_compact(raw)):
        return None
    _, is_deadline = _prepare(raw)
    return normalise_text(raw) if is_deadline else None


# --- values --------------------------------------------------------------------------------------


def parse_value(raw: str | None, *, vague_words: Iterable[str] = VAGUE_WORDS) -> Value:
    """Split an indicator cell into op / number / unit (see the module docstring for the rules).

    ``raw`` is kept exactly as given (None → ""); a non-str cell (an xlsx number) goes through str().
    Never raises on any text.
    """
    raw = "" if raw is None else raw if isinstance(raw, str) else str(raw)
    if _is_blank(_compact(raw)):
        return Value(raw=raw, blank=True)
    t, is_deadline = _prepare(raw)
    if is_deadline:
        op = "<=" if _DEADLINE_BEFORE_RE.search(t) else None
        return Value(raw=raw, op=op, blank=False)

    m = _NUM.search(t)
    if m is None:
        start = _PREFIX_OP_RE.match(t)
        return Value(
            raw=raw,
            op=_PREFIX_OPS[start.group()] if start else None,
            qualitative=True,
            vague=any(w and w in t for w in vague_words),
            blank=False,
        )

    prefix, number = t[: m.start()], _to_float(m.group())
    unit, rest = _take_unit(t[m.end():])
    is_range = False
    rng = _RANGE_RE.match(rest)
    if rng:
        # "90%-95%" / "90~95%": keep the lower bound; the upper bound may carry the unit.
        second = _NUM.match(rest, rng.end())
        if second:
            is_range = True
            upper_unit, rest = _take_unit(rest[second.end():])
            unit = unit or upper_unit
    if unit is None and prefix.endswith("百分之"):
        unit = "%"
    suffix = _SUFFIX_OP_RE.match(rest)
    op = _prefix_op(prefix) or (_SUFFIX_OPS[suffix.group(1) or suffix.group(2)] if suffix else None)
    if op is None and is_range:
        op = ">="
    return Value(raw=raw, op=op, number=number, unit=unit, qualitative=False, vague=False, blank=False)


# --- amounts, scores, rates ----------------------------------------------------------------------

_AMOUNT_UNIT_RE = re.compile(r"亿元|万元|千元|元|亿|万|千")
_ACCOUNTING_NEGATIVE_RE = re.compile(r"\((-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\)")


@dataclass(frozen=True)
class Amount:
    """A money cell: ``raw`` as written, ``value`` in ``unit`` (元/千元/万元/亿元), None when blank."""

    raw: str = ""
    value: float | None = None
    unit: str = "万元"

    def in_wan(self) -> float | None:
        """The value in 万元, the unit of the funds block."""
        return to_wan(self.value, self.unit)


def parse_amount(raw: str | None, default_unit: str = "万元") -> Amount:
    """Read a money cell: "1，234.56万元" → 1234.56 万元; "（12.5）" → -12.5 (accounting brackets).

    The unit is the one written right after the number (万 → 万元, 亿 → 亿元), else
    ``default_unit`` — usually the unit in the block title, e.g. 项目资金（万元）.
    Blanks and cells without a number give value None.
    """
    if default_unit not in MONEY_UNITS:
        raise ValueError(f"unknown money unit {default_unit!r}; expected one of {sorted(MONEY_UNITS)}")
    raw = "" if raw is None else raw if isinstance(raw, str) else str(raw)
    t = _compact(raw)
    if _is_blank(t):
        return Amount(raw=raw, value=None, unit=default_unit)
    acc = _ACCOUNTING_NEGATIVE_RE.match(t)
    if acc:
        value, end = -abs(_to_float(acc.group(1))), acc.end()
    else:
        m = _NUM.search(t)
        if m is None:
            return Amount(raw=raw, value=None, unit=default_unit)
        value, end = _to_float(m.group()), m.end()
    u = _AMOUNT_UNIT_RE.match(t, end)
    unit = default_unit
    if u:
        unit = money_unit(u.group()) or default_unit
    return Amount(raw=raw, value=value, unit=unit)


def parse_number(raw: str | None) -> float | None:
    """The first number of a score or weight cell: "20分" → 20, "１０" → 10, "—" → None."""
    if raw is None:
        return None
    t = _compact(raw if isinstance(raw, str) else str(raw))
    if _is_blank(t):
        return None
    m = _NUM.search(t)
    return _to_float(m.group()) if m else None


def parse_percent(raw: str | None) -> float | None:
    """A rate cell as a percent number: "98.5%" and "98.5" → 98.5.

    "0.985" stays 0.985: a fraction cannot be told from a tiny rate by looking at the cell, so
    rescaling is left to the caller, who can compare with 执行数/预算数. A cell whose unit is not
    % (or none) gives None, as does a blank or text cell.
    """
    value = parse_value(raw)
    if value.number is None or value.unit not in (None, "%"):
        return None
    return value.number
