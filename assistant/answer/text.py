"""Small text tools of the answer engine: sentences, citation markers, numbers with units.

Numbers are read as ``Num(value, kind)`` after unit normalisation: money in 万元 (元, 千元,
亿元 converted), rates in percent (``%``), everything else as written (``kind`` None), so
``6.45215亿元`` and ``645215 万元`` are the same number, ``13,947`` is 13947 and full-width
digits are read as ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.numbers import money_unit, to_wan
from assistant.values import normalise_text

__all__ = ["CITE_RE", "Num", "citations_of", "normalise_markers", "numbers", "sentences", "strip_markers"]

_SENT = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)】》\"']*|\n+|$)")
CITE_RE = re.compile(r"\[(\d+(?:\s*[,，、]\s*\d+)*)\]")
_ALT_CITES = [(re.compile(r"【(\d+(?:\s*[,，、]\s*\d+)*)】"), r"[\1]"),
              (re.compile(r"\[\^(\d+)\]"), r"[\1]"),
              (re.compile(r"［(\d+(?:\s*[,，、]\s*\d+)*)］"), r"[\1]")]


def sentences(text: str) -> list[str]:
    """Chinese sentences with their terminators; citation markers right after a terminator stay
    with the sentence before it (``…86.2%。[1]`` is one sentence)."""
    out: list[str] = []
    for m in _SENT.finditer(text or ""):
        s = m.group(0)
        if not s.strip():
            continue
        lead = re.match(r"^\s*((?:\[\d+(?:\s*[,，、]\s*\d+)*\]\s*)+)", s)
        if lead and out:
            out[-1] = out[-1].rstrip("\n") + lead.group(1).strip()
            s = s[lead.end():]
            if not s.strip():
                continue
        out.append(s.strip("\n"))
    return [s for s in out if s.strip()]


def normalise_markers(text: str) -> str:
    for pattern, repl in _ALT_CITES:
        text = pattern.sub(repl, text)
    return text


def citations_of(sentence: str) -> list[int]:
    nums: list[int] = []
    for m in CITE_RE.finditer(normalise_markers(sentence)):
        for part in re.split(r"[,，、]", m.group(1)):
            n = int(part.strip())
            if n not in nums:
                nums.append(n)
    return nums


def strip_markers(sentence: str) -> str:
    return CITE_RE.sub("", normalise_markers(sentence))


@dataclass(frozen=True)
class Num:
    value: float
    kind: str | None  # "万元" (money, in 万元) | "%" | None
    raw: str
    tol: float  # half a unit of the last digit written, in the normalised unit

    def matches(self, other: Num) -> bool:
        if self.kind and other.kind and self.kind != other.kind:
            return False
        tol = self.tol + 1e-9
        if abs(self.value - other.value) <= tol:
            return True
        # "645215万元" against evidence written "6452150000元" etc. are handled by kind; a bare
        # number may also match the other one's number as written
        return self.kind is None and abs(self.value - other.as_written) <= tol

    @property
    def as_written(self) -> float:
        m = re.match(r"[\d,]+(?:\.\d+)?", self.raw)
        return float(m.group(0).replace(",", "")) if m else self.value


_NUM = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(亿元|万元|千元|元|亿|%|‰|个百分点|百分点)?")
# list markers and ordinals at the start of a line: "1." "2、" "（3）" "(4)"
_ORDINAL = re.compile(r"^\s*(?:\d+[.、)）]|[（(]\d+[)）])\s*")


def numbers(text: str, *, skip_ordinals: bool = True) -> list[Num]:
    lines = [normalise_text(line).replace("％", "%") for line in strip_markers(text or "").split("\n")]
    if skip_ordinals:
        lines = [_ORDINAL.sub("", line) for line in lines]
    t = "\n".join(lines)
    out: list[Num] = []
    for m in _NUM.finditer(t):
        whole, frac, unit = m.group(1), m.group(2) or "", m.group(3)
        value = float(whole.replace(",", "") + frac)
        tol = 0.5 * 10 ** -(len(frac) - 1 if frac else 0)
        raw = m.group(0).strip()
        money = money_unit(unit)
        if money is not None:
            out.append(Num(to_wan(value, money), "万元", raw, to_wan(tol, money)))
        elif unit in ("%",):
            out.append(Num(value, "%", raw, tol))
        else:
            out.append(Num(value, None, raw, tol))
    return out
