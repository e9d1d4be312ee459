"""Multi-turn evaluation: follow-up chains built from the synthetic corpus's labels (issue 18).

Every chain is a conversation about one project table (unit, project, year), its turns asked in
one conversation with ``ask``; what each turn should answer comes from the labels alone (this
module shares no code with the product's follow-up resolution):

* **year** — "{unit}{project}{year}年的预算执行率是多少？" then "那{other}年呢？": the other year's
  执行率 when the unit filed a table on that project for it, otherwise a reply that finds
  nothing and states none of the project's 执行率 figures;
* **pronoun** — the 执行率, then "它的满意度指标呢？": the 满意度 indicator's actual value;
* **ellipsis** — the 自评总分, then "那执行率呢？": the 执行率;
* **carried** — the 执行率, "它的满意度指标呢？", then "那{other}年呢？": the other year's 满意度
  (the measure of the second turn is carried into the third), or nothing found;
* **unit** — the 执行率, then "那{other unit}呢？": the other unit's 执行率 on the same project and
  year when it filed that table, otherwise nothing found and neither unit's figure (the first
  unit's figure is the one a follow-up that kept the old subject would give);
* **chips** — the 执行率, then the reviewer removes the 年度 chip and asks "那自评总分呢？": every
  year's 总分 of the unit's project (the year no longer narrows the question).

A turn that expects a fact is right when the answer states it (value with unit, :mod:`eval.relevance`)
and a cited passage holds it; when the corpus has several tables on the same unit, project and
year, any of their figures is right (a turn marked ``every`` needs all of them). A chain is right
when all its turns are. Every turn's citations and numbers are checked as in the other ask sets
(:mod:`eval.ask_grading`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import ask
from assistant.stores import Stores
from assistant.stores.conversations import conversation_subject, set_subject
from eval.ask_grading import Tally, check_answer, cited_texts
from eval.relevance import Fact, holds, holds_any

__all__ = ["Chain", "TurnSpec", "chains_from_labels", "evaluate_chains"]


@dataclass
class TurnSpec:
    question: str
    facts: list[Fact] = field(default_factory=list)  # any of these answers it; empty: nothing to find
    wrong: list[Fact] = field(default_factory=list)  # figures a "nothing found" reply must not state
    every: bool = False  # all of ``facts`` must be stated
    remove: tuple[str, ...] = ()  # the subject's chips the reviewer removes before asking


@dataclass
class Chain:
    kind: str  # year | pronoun | ellipsis | carried | unit | chips
    about: str
    turns: list[TurnSpec]


@dataclass
class _Table:
    unit: str
    project: str
    year: int
    rate: str | None
    score: float | None
    satisfaction: str | None


def _tables(labels: dict[str, dict[str, Any]]) -> list[_Table]:
    out = []
    for lab in labels.values():
        e = lab["expected"]
        if e["kind"] != "table":
            continue
        for ev in e["evaluations"]:
            if ev["kind"] != "project" or not ev["project_name"] or not e["unit"]:
                continue
            rate = ev["funds"]["rate"]
            sat = next((i["actual"]["raw"] for i in ev["indicators"]
                        if i["level1"] == "满意度指标" and i["actual"]["raw"]), None)
            out.append(_Table(e["unit"], ev["project_name"], ev["year"] or e["year"],
                              rate["raw"] if rate["raw"] and rate["number"] is not None else None,
                              ev["total_score"], sat))
    return out


def _facts(values: Iterable[str | None]) -> list[Fact]:
    return [Fact.of(v) for v in dict.fromkeys(v for v in values if v)]


def _score_facts(values: Iterable[float | None]) -> list[Fact]:
    return [Fact.of(f"{v:g}分") for v in dict.fromkeys(v for v in values if v is not None)]


def chains_from_labels(labels: dict[str, dict[str, Any]], per_kind: int | None = None) -> list[Chain]:
    """The chains of the module docstring, for every project table of ``labels`` (one per table and
    kind, ``per_kind`` at most)."""
    tables = _tables(labels)
    same: dict[tuple[str, str, int], list[_Table]] = {}
    for t in tables:
        same.setdefault((t.unit, t.project, t.year), []).append(t)
    years: dict[tuple[str, str], set[int]] = {}
    for t in tables:
        years.setdefault((t.unit, t.project), set()).add(t.year)
    reports: dict[str, list[tuple[int, str]]] = {}  # unit → (year, text) of its reports
    for lab in labels.values():
        e = lab["expected"]
        if e["kind"] == "report" and e["unit"]:
            reports.setdefault(e["unit"], []).append((e["year"], "".join(s["text"] or "" for s in e["sections"])))

    def reported(unit: str, project: str, year: int) -> bool:
        core = re.sub(r"^(?:19|20)\d{2}年度?", "", project)
        return any(y == year and core in text for y, text in reports.get(unit, []))

    chains: dict[str, list[Chain]] = {"year": [], "pronoun": [], "ellipsis": [], "carried": [], "unit": [],
                                      "chips": []}
    units = sorted({t.unit for t in tables})
    done: set[tuple[str, str, int]] = set()
    for t in tables:
        key = (t.unit, t.project, t.year)
        if key in done or not t.rate:
            continue
        done.add(key)
        group = same[key]
        rates = _facts(g.rate for g in group)
        about = f"{t.unit}{t.project}{t.year}年"
        first = TurnSpec(f"{t.unit}{t.project}{t.year}年的预算执行率是多少？", rates)
        others = sorted(years[(t.unit, t.project)] - {t.year}, key=lambda y: (abs(y - t.year), y))
        # a year with a table on the project, else the nearest year with no material on it at all
        # (a report of that year on the project would answer from its text: no fair expectation)
        other = others[0] if others else next(y for d in range(1, 10) for y in (t.year - d, t.year + d)
                                              if not reported(t.unit, t.project, y))
        other_group = same.get((t.unit, t.project, other), [])
        all_rates = _facts(x.rate for x in tables if (x.unit, x.project) == (t.unit, t.project))
        if other_group:
            second = TurnSpec(f"那{other}年呢？", _facts(g.rate for g in other_group))
        else:
            second = TurnSpec(f"那{other}年呢？", [], all_rates)
        chains["year"].append(Chain("year", about, [first, second]))
        sats = _facts(g.satisfaction for g in group)
        if sats:
            chains["pronoun"].append(Chain("pronoun", about, [first, TurnSpec("它的满意度指标呢？", sats)]))
            all_sats = _facts(x.satisfaction for x in tables if (x.unit, x.project) == (t.unit, t.project))
            third = TurnSpec(f"那{other}年呢？", _facts(g.satisfaction for g in other_group), all_sats) \
                if other_group and any(g.satisfaction for g in other_group) else \
                TurnSpec(f"那{other}年呢？", [], all_sats + all_rates)
            if other_group and not third.facts:
                third = None  # the other year's table has no 满意度 row: no fair expectation
            if third is not None:
                chains["carried"].append(Chain("carried", about,
                                               [first, TurnSpec("它的满意度指标呢？", sats), third]))
        scores = _score_facts(g.score for g in group)
        if scores:
            chains["ellipsis"].append(Chain("ellipsis", about, [
                TurnSpec(f"{t.unit}{t.project}{t.year}年的自评总分是多少？", scores), TurnSpec("那执行率呢？", rates)]))
        unit_turn = _other_unit(t, tables, same, units, reported, rates)
        if unit_turn is not None:
            chains["unit"].append(Chain("unit", about, [first, unit_turn]))
        every_score = [x.score for x in tables if (x.unit, x.project) == (t.unit, t.project)]
        if None not in every_score:
            chains["chips"].append(Chain("chips", about, [
                first, TurnSpec("那自评总分呢？", _score_facts(every_score), every=True, remove=("year",))]))
    out: list[Chain] = []
    for kind in chains:
        out += chains[kind][:per_kind] if per_kind else chains[kind]
    return out


def _other_unit(t: _Table, tables: list[_Table], same: dict[tuple[str, str, int], list[_Table]],
                units: list[str], reported: Callable[[str, str, int], bool], rates: list[Fact]) -> TurnSpec | None:
    """"那{unit}呢？" after ``t``'s 执行率: a unit with a table on the same project and year, else one
    on the project in another year, else the next unit of the corpus — the last two have nothing
    for that project and year (unless a report of theirs speaks of it: no fair expectation)."""
    on_project = sorted({x.unit for x in tables if x.project == t.project and x.unit != t.unit},
                        key=lambda u: (not same.get((u, t.project, t.year)), u))
    others = [u for u in units if u != t.unit]
    if not others:
        return None
    unit = on_project[0] if on_project else next((u for u in others if u > t.unit), others[0])
    group = same.get((unit, t.project, t.year), [])
    if group:
        facts = _facts(g.rate for g in group)
        return TurnSpec(f"那{unit}呢？", facts) if facts else None
    if reported(unit, t.project, t.year):
        return None
    theirs = _facts(x.rate for x in tables if (x.unit, x.project) == (unit, t.project))
    return TurnSpec(f"那{unit}呢？", [], theirs + rates)


def _turn_right(spec: TurnSpec, answer: Any, cited: list[str]) -> bool:
    if spec.facts:
        said = all(holds(answer.text, f) for f in spec.facts) if spec.every else holds_any(answer.text, spec.facts)
        return said and (any(holds_any(t, spec.facts) for t in cited) or answer.kind == "structured")
    return not answer.found and not holds_any(answer.text, spec.wrong)


def evaluate_chains(chains: list[Chain], stores: Stores, searched: Iterable[str] = ()) -> dict[str, Any]:
    """Chain accuracy (all turns right), follow-up turn accuracy, per kind, the first failures, and
    every turn's citation precision and unsupported numbers (``searched``: the stored files' names
    and years, which a reply finding nothing may name)."""
    right = followups = followups_right = 0
    per_kind: dict[str, list[int]] = {}
    failures: list[dict[str, Any]] = []
    turns = Tally()
    searched = list(searched)
    for chain in chains:
        cid: str | None = None
        ok_all = True
        log = []
        for i, spec in enumerate(chain.turns):
            if spec.remove and cid is not None:
                subject = conversation_subject(stores.records, cid)
                if subject is not None:
                    set_subject(stores.records, cid, subject.without(*spec.remove))
            t0 = time.perf_counter()
            a = ask(spec.question, stores, conversation_id=cid)
            took = time.perf_counter() - t0
            cid = a.conversation_id
            cited = list(cited_texts(a, stores).values())
            ok = _turn_right(spec, a, cited)
            turns.add(ok, check_answer(a, stores, a.resolved_question or spec.question, searched), took,
                      {"question": spec.question})
            if i:
                followups += 1
                followups_right += ok
            ok_all = ok_all and ok
            log.append({"question": spec.question, "resolved": a.resolved_question, "ok": ok,
                        "removed": list(spec.remove),
                        "expected": [f.text for f in spec.facts] or "（应答没有该年度材料）", "answer": a.text[:160]})
        right += ok_all
        per_kind.setdefault(chain.kind, [0, 0])
        per_kind[chain.kind][0] += ok_all
        per_kind[chain.kind][1] += 1
        if not ok_all and len(failures) < 12:
            failures.append({"kind": chain.kind, "about": chain.about, "turns": log})
    n = len(chains)
    checks = turns.figures()
    return {"chains": n, "accuracy": right / max(n, 1), "followup_turns": followups,
            "followup_accuracy": followups_right / max(followups, 1),
            "per_kind": {k: f"{v[0]}/{v[1]}" for k, v in per_kind.items()}, "failures": failures,
            "turns": checks["n"], "citation_precision": checks["citation_precision"],
            "cited_sentences": checks["cited_sentences"], "unsupported_numbers": checks["unsupported_numbers"],
            "unsupported_citations": checks["unsupported_citations"],
            "unsupported_figures": checks["unsupported_figures"], "latency_ms": checks["latency_ms"]}
