"""Citation repair and the number guard, run on every generated sentence (offline or LLM).

For one sentence and the numbered evidence it may cite:

1. markers are normalised (``【1】``, ``[^1]``, ``[1，2]`` → ``[1][2]``); markers pointing at no
   evidence, or at evidence sharing almost no words with the sentence, are dropped;
2. a sentence left without a citation gets the evidence it overlaps most (character bigrams,
   at least half of the sentence's) or, failing that, is dropped — "every sentence cites";
3. every number in the sentence (amounts, rates, counts, scores, years; after unit
   normalisation, see :mod:`assistant.answer.text`) must appear in the cited evidence or in the
   structured rows; when another evidence item holds them all, the citation is repaired to
   point there, otherwise the sentence is removed (``remove=False``: kept and marked) and a
   note says what was removed and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistant.answer.text import Num, citations_of, normalise_markers, numbers, strip_markers

__all__ = ["GuardReport", "SentenceCheck", "check_sentence", "guard_sentences", "unsupported_numbers"]

MIN_SUPPORT = 0.2  # a cited chunk must share at least this share of the sentence's character bigrams
REPAIR_OVERLAP = 0.5  # … and a chunk a citation is moved or added to, at least this share
NOT_FOUND_RE = re.compile(r"没有找到|未找到|未能找到|没有相关|不包含|未提及|没有提及|无法回答|没有涉及")
_TRAIL = re.compile(r"([。！？；!?;…]*[”’」』）)】》\"']*)\s*$")


def unsupported_numbers(sentence: str, evidence: Sequence[str], allowed: Sequence[Num] = ()) -> list[Num]:
    """Numbers of ``sentence`` found neither in ``evidence`` texts nor in ``allowed``."""
    pool = [n for text in evidence for n in numbers(text, skip_ordinals=False)] + list(allowed)
    return [x for x in numbers(sentence) if not any(x.matches(e) for e in pool)]


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\s\W_]+", "", text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _overlap(sentence: str, evidence: str) -> float:
    a = _bigrams(sentence)
    return len(a & _bigrams(evidence)) / len(a) if a else 0.0


@dataclass
class SentenceCheck:
    text: str | None  # None: removed
    citations: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # numbers that were not found


def _with_markers(body: str, cites: list[int]) -> str:
    body = body.strip()
    if not cites:
        return body
    marks = "".join(f"[{n}]" for n in cites)
    m = _TRAIL.search(body)
    tail = m.group(1) if m else ""
    core = body[: len(body) - len(tail)] if tail else body
    return f"{core}{marks}{tail}"


def check_sentence(sentence: str, evidence: Mapping[int, str], *, allowed: Sequence[Num] = (),
                   require_citation: bool = True, remove: bool = True) -> SentenceCheck:
    sentence = normalise_markers(sentence)
    body = strip_markers(sentence).strip()
    out = SentenceCheck(text=None)
    if not re.search(r"[\w\u4e00-\u9fff]", body):
        return out
    cites = citations_of(sentence)
    bad = [n for n in cites if n not in evidence]
    if bad:
        out.notes.append(f"删除了指向不存在材料的引用{''.join(f'[{n}]' for n in bad)}")
    cites = [n for n in cites if n in evidence]
    unrelated = [n for n in cites if _overlap(body, evidence[n]) < MIN_SUPPORT]
    if unrelated and len(unrelated) == len(cites):
        out.notes.append(f"引用{''.join(f'[{n}]' for n in unrelated)}与句子内容无关，已重新核对")
        cites = []
    else:
        cites = [n for n in cites if n not in unrelated]
    is_not_found = bool(NOT_FOUND_RE.search(body)) and not numbers(body)
    if not cites and require_citation and evidence and not is_not_found:
        best = max(evidence, key=lambda n: _overlap(body, evidence[n]))
        if _overlap(body, evidence[best]) >= 0.5:
            cites = [best]
            out.notes.append(f"为无引用的句子补充了引用[{best}]")
        else:
            out.notes.append(f"删除了没有引用依据的句子：“{body[:40]}”")
            return out
    missing = unsupported_numbers(body, [evidence[n] for n in cites], allowed)
    if missing:
        others = [n for n in evidence if n not in cites and _overlap(body, evidence[n]) >= REPAIR_OVERLAP
                  and not unsupported_numbers(" ".join(x.raw for x in missing), [evidence[n]])]
        if others:
            cites = [*cites, others[0]]
            out.notes.append(f"数字{'、'.join(x.raw for x in missing)}见于材料[{others[0]}]，已改正引用")
            missing = []
    if missing:
        out.unsupported = [x.raw for x in missing]
        nums = "、".join(x.raw for x in missing)
        if remove:
            out.notes.append(f"删除了一句含无法核实数字（{nums}）的内容：“{body[:40]}”")
            return out
        out.notes.append(f"数字{nums}在引用材料中找不到，请核实")
        out.text = _with_markers(body, cites) + "（数字待核实）"
        out.citations = cites
        return out
    out.text = _with_markers(body, cites)
    out.citations = cites
    return out


@dataclass
class GuardReport:
    sentences: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)  # in order of first use
    notes: list[str] = field(default_factory=list)
    unsupported: int = 0  # numbers that failed (removed or marked)
    removed: int = 0


def guard_sentences(sentences: Sequence[str], evidence: Mapping[int, str], *, allowed: Sequence[Num] = (),
                    require_citation: bool = True, remove: bool = True) -> GuardReport:
    report = GuardReport()
    for s in sentences:
        check = check_sentence(s, evidence, allowed=allowed, require_citation=require_citation, remove=remove)
        report.notes += check.notes
        report.unsupported += len(check.unsupported)
        if check.text is None:
            if strip_markers(s).strip():
                report.removed += 1
            continue
        report.sentences.append(check.text)
        for n in check.citations:
            if n not in report.citations:
                report.citations.append(n)
    return report
