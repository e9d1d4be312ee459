"""A document answer: retrieve, neutralise instruction-like text, then answer extractively or with
the LLM (streamed sentence by sentence), every sentence guarded; or say plainly nothing was found."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any

from assistant.answer.draft import Draft, citation, neutralised, piece_sentence
from assistant.answer.extractive import select_pieces
from assistant.answer.guard import guard_sentences
from assistant.answer.llm import stream_answer
from assistant.answer.narrative import NarrativeAnswer, answer_figures
from assistant.answer.parser import Parsed
from assistant.answer.prompts import text
from assistant.answer.text import numbers, sentences
from assistant.answer.types import Citation
from assistant.retrieval import Hit, HybridRetriever, RetrievalFilters, analyse
from assistant.retrieval.gazetteer import Gazetteer
from assistant.stores import Stores

__all__ = ["POOL", "answer_from_documents", "named_in_question", "not_found_message"]

POOL = 15  # chunks the answer may choose from


def named_in_question(question: str, parsed: Parsed, gaz: Gazetteer) -> tuple[list[str], list[str]]:
    """The units and projects the question names (longest spelling of a project), and those projects.

    The parser reads years first, so it misses a project named 2022年城乡最低生活保障资金: the
    retrieval's own analysis of the question adds what it finds."""
    plan = analyse(question, gaz)
    projects = list(dict.fromkeys([*parsed.projects, *plan.projects]))
    projects = [p for p in projects if not any(p != o and p in o for o in projects)]  # the longest spelling
    names = [*parsed.units, *plan.units, *projects, *([parsed.unit_like] if parsed.unit_like else [])]
    return names, projects


_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}\s*年度?")
REPORT_HEAD_CHUNKS = 2  # a report names its project in its title and first paragraph


def _core(project: str) -> str:
    """A project name without its leading year (2024年基本公共卫生服务项目 → 基本公共卫生服务项目)."""
    return _YEAR_PREFIX.sub("", project) or project


def reports_about_other_projects(hits: list[Hit], projects: list[str], gaz: Gazetteer, stores: Stores) -> set[str]:
    """The reports among ``hits`` whose title names another known project and not one of
    ``projects``: a unit's report on its 基本公共卫生服务项目 does not answer a question on its
    设备购置 project (reports carry no project of their own, so retrieval keeps them)."""
    if not projects:
        return set()
    asked = {_core(p) for p in projects}
    known = {_core(p) for p in gaz.projects} - asked
    out = set()
    for sid in dict.fromkeys(h.submission_id for h in hits if h.metadata.get("submission_kind") == "report"
                             and not h.metadata.get("project")):
        head = "".join(c.text for c in stores.records.chunks_for_submission(sid)[:REPORT_HEAD_CHUNKS])
        if any(a in head for a in asked):
            continue
        if any(len(k) >= 4 and k in head for k in known):
            out.add(sid)
    return out


def not_found_message(year: int | None, unit: str | None) -> str:
    scope = "、".join(x for x in (f"{year}年" if year else "", unit or "") if x)
    return text("not_found_scope", scope=scope) if scope else text("not_found")


def answer_from_documents(question: str, parsed: Parsed, year: int | None, unit: str | None, stores: Stores,
                          gaz: Gazetteer, retriever: HybridRetriever, k: int, model: Any,
                          remove: bool, *, required: Sequence[str] = (),
                          nothing_found: Callable[[], str | None] | None = None) -> Generator[str, None, Draft]:
    """Yield the answer's sentences as they are ready; return the :class:`Draft`.

    ``required``: every evidence piece must hold one of these words (a term the records do not
    hold, 政府采购执行率: a piece about the 执行率 does not answer it); ``nothing_found``: the reply
    when nothing answers (what was searched, what is missing), else the plain not-found one."""
    draft = Draft(kind="document")
    filters = RetrievalFilters(year=year, unit=unit or (parsed.units[0] if len(parsed.units) == 1 else None))
    t0 = time.perf_counter()
    # the extractive step chooses among a few more chunks than it may cite (same fetch, no extra cost)
    hits = retriever.search(question, k=max(k, POOL), filters=filters)
    draft.timings["retrieval"] = time.perf_counter() - t0
    hits, injected = neutralised(hits)
    if injected:
        draft.flags.append(text("injection_note", n=injected))
    draft.hits_by_id = {h.chunk_id: h for h in hits}
    if required:
        hits = [h for h in hits if any(w in h.text for w in required)]
    names, projects = named_in_question(question, parsed, gaz)
    other = reports_about_other_projects(hits, projects, gaz, stores)
    hits = [h for h in hits if h.submission_id not in other]
    figures = answer_figures(question, hits) if not required else None
    if figures is not None:
        # a figure of a narrative report: the exact sentence, the year asked, a computed difference
        evidence = {n: h.text for n, h in enumerate(figures.hits, start=1)}
        report = guard_sentences(figures.lines, evidence, allowed=[x for c in figures.computed for x in numbers(c, skip_ordinals=False)],
                                 remove=remove) if figures.found else None
        draft.found = figures.found
        draft.lines = list(report.sentences) if report is not None else list(figures.lines)
        if report is not None:
            draft.flags += report.notes
            draft.citations = [citation(n, figures.hits[n - 1], _sentence_of(figures, n)) for n in report.citations]
        yield from draft.lines
        if draft.lines:
            return draft
    if model is not None and hits:
        for item in _llm_document(question, hits[:k], model, remove, draft.flags):
            if isinstance(item, str):
                draft.lines.append(item)
                yield item
            else:
                draft.citations = item
    else:
        pieces, _terms = select_pieces(hits, question, names=names,
                                       project=projects[0] if len(projects) == 1 else None,
                                       year=year or parsed.year, doc_freqs=stores.fulltext.doc_freqs,
                                       required=required)
        evidence = {n: p.hit.text for n, p in enumerate(pieces, start=1)}
        report = guard_sentences([piece_sentence(p, n) for n, p in enumerate(pieces, start=1)], evidence,
                                 remove=remove)
        draft.flags += report.notes
        draft.lines = list(report.sentences)
        draft.citations = [citation(n, pieces[n - 1].hit, pieces[n - 1].evidence) for n in report.citations]
        yield from draft.lines
    if not draft.lines:
        msg = (nothing_found() if nothing_found is not None else None) or not_found_message(year, unit)
        draft.found, draft.lines, draft.citations = False, [msg], []
        yield msg
    return draft


def _sentence_of(figures: NarrativeAnswer, n: int) -> str:
    """The cited sentence of hit ``n`` (a citation shows the sentence, not the chunk's start)."""
    hit = figures.hits[n - 1]
    said = [f.sentence for f in figures.cited if f.hit is not None and f.hit.chunk_id == hit.chunk_id]
    return "".join(dict.fromkeys(said)) or hit.text[:160]


def _llm_document(question: str, hits: list[Hit], model: Any, remove: bool, flags: list[str]
                  ) -> Iterator[str | list[Citation]]:
    """Stream an LLM answer sentence by sentence, each repaired and guarded before it is yielded."""
    evidence = {n: h.text for n, h in enumerate(hits, start=1)}
    sources = [(n, f"{h.metadata.get('file') or ''} {h.location.describe()}".strip(), h.text)
               for n, h in enumerate(hits, start=1)]
    used: list[int] = []
    buffer = ""

    def emit(done: list[str]) -> Iterator[str]:
        report = guard_sentences(done, evidence, remove=remove)
        flags.extend(report.notes)
        for n in report.citations:
            if n not in used:
                used.append(n)
        yield from report.sentences

    try:
        for piece in stream_answer(question, sources, model):
            buffer += piece
            parts = sentences(buffer)
            if len(parts) > 1:
                yield from emit(parts[:-1])
                buffer = parts[-1]
    except Exception as err:  # noqa: BLE001 — a failing server degrades to the offline answer
        flags.append(text("llm_fallback", error=type(err).__name__))
        pieces, _ = select_pieces(hits, question)
        ev = {n: p.hit.text for n, p in enumerate(pieces, start=1)}
        report = guard_sentences([piece_sentence(p, n) for n, p in enumerate(pieces, start=1)], ev, remove=remove)
        flags.extend(report.notes)
        yield from report.sentences
        yield [citation(n, pieces[n - 1].hit, pieces[n - 1].evidence) for n in report.citations]
        return
    if buffer.strip():
        yield from emit(sentences(buffer))
    yield [citation(n, hits[n - 1], hits[n - 1].text[:160]) for n in used]
