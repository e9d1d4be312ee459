"""What every ask set reports beside its own accuracy: citation precision and unsupported numbers,
graded here without the answer engine, and the loop that asks a set's questions and tallies them.

* **citation precision** — of every (sentence, passage it cites) pair of an answer, the share where
  the passage supports the sentence (:func:`eval.relevance.supports`: its numbers with their
  units, and its words);
* **unsupported numbers** — figures of an answer found in none of its cited passages, its rows,
  its aggregate or its query in words (the guard's own check, :func:`unsupported_numbers`, applied
  to what the answer shows, a difference of two of them worked out by :func:`worked_out`). A reply
  that finds nothing may name the materials it searched and the years they hold: ``searched``
  holds what it may quote.

The ask evaluation, the multi-turn chains, the workflow set and the narrative set all grade through
:class:`Tally`, so the four sets' figures mean the same thing.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.answer.guard import unsupported_numbers
from assistant.answer.text import Num, numbers
from assistant.answer.types import Answer
from assistant.stores import Stores
from eval.relevance import cited_sentences, supports

__all__ = ["Checked", "Tally", "ask_each", "check_answer", "cited_texts", "percentiles", "print_checks", "worked_out"]

T = TypeVar("T")
# a rule's code (WEAK-GOAL-001) is a name a reply may give, not a figure it claims
CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![A-Za-z0-9])")
KEPT = 15  # failures and unsupported pairs kept for the report


@dataclass
class Checked:
    """One answer's citations and numbers."""

    pairs: int
    supported: int
    unsupported: list[str]  # the figures with no support
    bad_pairs: list[dict[str, Any]] = field(default_factory=list)


def cited_texts(answer: Answer, stores: Stores) -> dict[int, str]:
    """The stored text of each citation, by its marker number."""
    chunks = {c.id: c.text for c in stores.records.get_chunks([c.chunk_id for c in answer.citations])}
    return {c.n: chunks.get(c.chunk_id, "") for c in answer.citations}


def _year(x: Num) -> bool:
    """A bare 19xx/20xx integer: the sentence's year, never a term of a difference."""
    return x.kind is None and x.value.is_integer() and 1900 <= x.value <= 2100


def worked_out(text: str, evidence: list[str], allowed: list[Num]) -> list[Num]:
    """The differences of two supported figures of the same kind within one sentence of ``text``
    (``2023年为356个，2022年为298个，增加58个``): a figure an answer computes, checked here by
    arithmetic rather than taken from the answer's own list of computed numbers."""
    pool = [n for t in evidence for n in numbers(t, skip_ordinals=False)] + allowed
    out: list[Num] = []
    for sentence in re.split(r"[。！？\n]", text):
        stated = [x for x in numbers(sentence) if any(x.matches(e) for e in pool) and not _year(x)]
        out += [Num(abs(a.value - b.value), a.kind, "", a.tol + b.tol)
                for i, a in enumerate(stated) for b in stated[i + 1:] if a.kind == b.kind]
    return out


def check_answer(answer: Answer, stores: Stores, question: str, searched: Iterable[str] = ()) -> Checked:
    """:class:`Checked` for ``answer`` to ``question`` (see the module docstring)."""
    by_n = cited_texts(answer, stores)
    agg = answer.aggregate or {}
    shown = [str(v) for r in answer.rows for v in r.values()]
    shown += [str(x) for x in (agg.get("value"), agg.get("total_rows"), len(answer.rows))]
    shown += [str(g.get(k)) for g in agg.get("groups", []) for k in ("value", "rows", "key")]
    allowed = numbers(" ".join([*shown, answer.query_in_words or ""]), skip_ordinals=False)
    if not answer.found:
        allowed += numbers(" ".join([*searched, question]), skip_ordinals=False)
    evidence = list(by_n.values())
    said = CODE.sub("", answer.text)
    allowed += worked_out(said, evidence, allowed)
    unsupported = [n.raw for n in unsupported_numbers(said, evidence, allowed)]
    pairs = supported = 0
    bad: list[dict[str, Any]] = []
    for sentence, ns in cited_sentences(answer.text):
        for n in ns:
            pairs += 1
            ok = supports(by_n.get(n, ""), sentence)
            supported += ok
            if not ok:
                bad.append({"question": question, "sentence": sentence[:160], "n": n,
                            "passage": by_n.get(n, "")[:160]})
    return Checked(pairs, supported, unsupported, bad)


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50 / p95 in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    if not ms:
        return {}
    return {"p50_ms": statistics.median(ms), "p95_ms": ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]}


@dataclass
class Tally:
    """Right answers, citation pairs, unsupported numbers and latencies of one question set."""

    n: int = 0
    right: int = 0
    pairs: int = 0
    supported: int = 0
    unsupported: int = 0
    seconds: list[float] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    unsupported_citations: list[dict[str, Any]] = field(default_factory=list)
    unsupported_figures: list[dict[str, Any]] = field(default_factory=list)

    def add(self, ok: bool, checked: Checked, seconds: float | None = None,
            failure: dict[str, Any] | None = None) -> None:
        self.n += 1
        self.right += ok
        self.pairs += checked.pairs
        self.supported += checked.supported
        self.unsupported += len(checked.unsupported)
        if seconds is not None:
            self.seconds.append(seconds)
        if not ok and failure is not None and len(self.failures) < KEPT:
            self.failures.append(failure)
        self.unsupported_citations += checked.bad_pairs[:max(0, KEPT - len(self.unsupported_citations))]
        if checked.unsupported and len(self.unsupported_figures) < KEPT:
            self.unsupported_figures.append({"question": (failure or {}).get("question", ""),
                                             "figures": checked.unsupported})

    def figures(self) -> dict[str, Any]:
        lat = percentiles(self.seconds)
        return {"n": self.n, "right": self.right, "accuracy": self.right / max(self.n, 1),
                # a set whose answers cite nothing (rows from the records) has no pair to get wrong
                "citation_precision": self.supported / self.pairs if self.pairs else 1.0,
                "cited_sentences": self.pairs,
                "unsupported_numbers": self.unsupported,
                "latency_ms": {"p50": lat.get("p50_ms", 0.0), "p95": lat.get("p95_ms", 0.0)},
                "failures": self.failures, "unsupported_citations": self.unsupported_citations,
                "unsupported_figures": self.unsupported_figures}


def ask_each(items: Iterable[T], stores: Stores, ask_one: Callable[[T], Answer],
             grade: Callable[[T, Answer], bool], describe: Callable[[T, Answer], dict[str, Any]],
             searched: Iterable[str] = (), question: Callable[[T], str] = str,
             tally: Tally | None = None) -> Tally:
    """Ask every item (timed), grade it by the set's own ``grade`` and check its citations and
    numbers; ``describe`` says what a wrong answer was (question, expected, answer)."""
    tally = tally or Tally()
    searched = list(searched)
    for item in items:
        t0 = time.perf_counter()
        answer = ask_one(item)
        took = time.perf_counter() - t0
        ok = grade(item, answer)
        tally.add(ok, check_answer(answer, stores, question(item), searched), took, describe(item, answer))
    return tally


def print_checks(figures: dict[str, Any]) -> str:
    """The citation and number figures of a set, as one Chinese clause."""
    return (f"引用精确率 {figures['citation_precision']:.3f}（{figures['cited_sentences']} 处句子引用），"
            f"无依据数字 {figures['unsupported_numbers']} 个")
