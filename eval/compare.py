"""The evaluations' own reading of text and numbers: how an extraction is compared with its label.

The product reads cells with :mod:`assistant.values`; grading the product through that same code
would hide its mistakes (a misread operator would sit in the label and in the output alike). This
module is written apart from it and imports nothing of the product:

* :func:`norm_text` — NFKC (full-width letters, digits and punctuation to half-width), no
  whitespace; the text normalisation the graders use;
* :func:`norm_spaced` — the same with whitespace kept as one space, for reading numbers out of a
  text (a table row's "315.92 100.00%" is two numbers, not "315.92100.00");
* :func:`read_number` / :func:`numbers_in` — numbers of a text: thousands separators dropped,
  full-width digits read;
* :func:`read_value` — an indicator value as a reviewer reads it: operator (≥ 不低于 … or a suffix
  以上/以内), number, unit (a few spellings of one unit made one: 日 → 天, 个月 → 月); a cell
  without a number, or a date, is read as text;
* :func:`same` / :func:`same_value` — a label field against an extracted field.

Labels keep the text of a value as written in the file (``raw``); :func:`same_value` reads that
text here and compares the result with the operator, number and unit the product stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

TOLERANCE = 0.005
BLANKS = frozenset({"", "-", "--", "—", "——", "/", "*", "无", "－", "－－", "---"})

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![\d.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.])-?\d+(?:\.\d+)?")
_DATE = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月)?|\d{1,2}月(?:\d{1,2}[日号]|底|末|份|前)")
_NOTE = re.compile(r"[(\[【]|注:|备注")
_RANGE_TO = re.compile(r"^(?:-|~|—|–|至|到)+(?=-?\d)")
# Longest spelling first, so "不超过" is read before "超过" and ">=" before ">".
_BEFORE = {
    ">=": ("≥", ">=", "=>", "≧", "不低于", "不少于", "不小于", "大于等于", "大于或等于", "至少", "最少"),
    "<=": ("≤", "<=", "=<", "≦", "不高于", "不超过", "未超过", "不大于", "不多于", "小于等于", "小于或等于",
           "至多", "最多", "控制在"),
    ">": (">", "大于", "超过", "高于", "多于"),
    "<": ("<", "小于", "低于", "少于", "不足", "不到"),
    "=": ("=", "==", "等于", "═"),  # a box-drawing "═" typed for "="
}
_AFTER = {">=": ("及以上", "以上"), "<=": ("及以下", "以下", "以内", "之内", "内")}
_BEFORE_WORDS = sorted(((w, op) for op, ws in _BEFORE.items() for w in ws), key=lambda x: -len(x[0]))
_AFTER_WORDS = sorted(((w, op) for op, ws in _AFTER.items() for w in ws), key=lambda x: -len(x[0]))
# One unit, several spellings (after NFKC: ㎡ is "m2", ％ is "%").
_UNIT_SAME = {"日": "天", "个工作日": "工作日", "个月": "月", "千米": "公里", "km": "公里", "m2": "平方米",
              "m²": "平方米", "m3": "立方米", "m³": "立方米", "千克": "公斤", "kg": "公斤", "百分比": "%",
              "个百分点": "百分点"}
_UNIT_END = re.compile(r"[,，;；。:：、()（）\[\]【】~—–-]|左右|至|到|" + "|".join(re.escape(w) for w, _ in _AFTER_WORDS))


def norm_text(value: Any) -> str:
    """NFKC, without whitespace: "（ 一 ）" and "(一)" are the same text."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value)))


def norm_spaced(value: Any) -> str:
    """NFKC, each whitespace run one space: numbers in separate cells or words stay apart."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()


def is_blank(value: Any) -> bool:
    return value is None or norm_text(value) in BLANKS


def read_number(text: str) -> float | None:
    m = _NUMBER.search(norm_spaced(text))
    return float(m.group().replace(",", "")) if m else None


def numbers_in(text: str) -> list[tuple[float, str]]:
    """Every number of ``text`` with the unit-bearing text right after it: a word after a space is
    the next cell or word ("100 项目…"), while a percent sign may stand apart ("55.20 %")."""
    t = norm_spaced(text)
    out = []
    for m in _NUMBER.finditer(t):
        after = t[m.end():m.end() + 6]
        if after.startswith(" "):
            after = after.lstrip() if after.lstrip()[:1] in ("%", "‰") else ""
        out.append((float(m.group().replace(",", "")), after))
    return out


def _split_unit(after: str) -> tuple[str, str]:
    """The unit right after a number, and the rest (an operator suffix, a range, a note)."""
    end = _UNIT_END.search(after)
    return (after[:end.start()], after[end.start():]) if end else (after, "")


def unit_of(word: str | None) -> str | None:
    if not word:
        return None
    w = norm_text(word)
    return _UNIT_SAME.get(w, _UNIT_SAME.get(w.lower(), w))


@dataclass(frozen=True)
class Reading:
    """A value as read here: blank, text (``number`` None) or op + number + unit."""

    text: str
    op: str | None = None
    number: float | None = None
    unit: str | None = None
    blank: bool = False


def read_value(raw: Any) -> Reading:
    t = norm_text("" if raw is None else raw)
    if t in BLANKS:
        return Reading(t, blank=True)
    m = _NUMBER.search(t)
    if m and _NOTE.search(t, 0, m.start()) is None:
        note = _NOTE.search(t, m.end())
        if note:
            t = t[:note.start()]
    if m is not None and _DATE.search(t):
        # "2023年完成100%": the date is context and 100% the value; a date alone is a deadline (text)
        t_undated = _DATE.sub("", t)
        m = _NUMBER.search(t_undated)
        if m is None:
            return Reading(t)
        t = t_undated
    if m is None:
        return Reading(t)
    before, after = t[:m.start()], t[m.end():]
    op = next((o for w, o in _BEFORE_WORDS if before.endswith(w) or w in before), None)
    unit, rest = _split_unit(after)
    ranged = _RANGE_TO.match(rest)
    upper = _NUMBER.match(rest, ranged.end()) if ranged else None
    if upper:  # "90%-95%", "90-95%": the lower bound, at least
        upper_unit, rest = _split_unit(rest[upper.end():])
        unit, op = unit or upper_unit, op or ">="
    if op is None:
        op = next((o for w, o in _AFTER_WORDS if rest.startswith(w)), None)
    return Reading(t, op, float(m.group().replace(",", "")), unit_of(unit) or None)


def _empty(x: Any) -> bool:
    return x is None or x == "" or x == [] or x == {}


def same(a: Any, b: Any) -> bool:
    """A label field against an extracted one: numbers within 0.005, texts by :func:`norm_text`,
    lists item by item; empty only equals empty."""
    if _empty(a) or _empty(b):
        return _empty(a) and _empty(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= TOLERANCE
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return norm_text(a) == norm_text(b)


def same_value(label: dict[str, Any] | None, got: dict[str, Any] | None) -> bool:
    """A label's value (its text as written, ``raw``) against an extracted value.

    The label's text is read here (:func:`read_value`); the extracted value must hold the same
    operator, number and unit (units compared by :func:`unit_of`), or, for a value without a
    number, the same text. A blank only equals a blank.
    """
    label, got = label or {}, got or {}
    truth = read_value(label.get("raw"))
    got_blank = got.get("blank", True) if "blank" in got else is_blank(got.get("raw"))
    if truth.blank or got_blank:
        return truth.blank and bool(got_blank)
    if truth.number is None:
        return got.get("number") is None and norm_text(got.get("raw") or "") == truth.text
    number = got.get("number")
    return (number is not None and abs(float(number) - truth.number) <= TOLERANCE
            and got.get("op") == truth.op and unit_of(got.get("unit")) == truth.unit)
