"""A structured or mixed answer: the query's rows in words, and for a mixed question each row's
explanation from its documents."""

from __future__ import annotations

import time

from assistant.answer.draft import Draft, citation, cited, end_sentence, neutralised
from assistant.answer.executor import QueryResult
from assistant.answer.extractive import REASON_WORDS, select_pieces
from assistant.answer.guard import GuardReport, guard_sentences
from assistant.answer.prompts import text
from assistant.answer.query import StructuredQuery
from assistant.answer.schema import field_label
from assistant.answer.text import Num, numbers
from assistant.answer.words import fmt_num, structured_sentences
from assistant.retrieval import HybridRetriever, RetrievalFilters

__all__ = ["MAX_EXPLAINED_ROWS", "allowed_numbers", "answer_from_records", "explain_rows"]

MAX_EXPLAINED_ROWS = 5  # rows of a mixed answer that get an explanation


def allowed_numbers(result: QueryResult, q: StructuredQuery) -> list[Num]:
    """The numbers a structured answer may state: the result's, and those the query was asked with."""
    vals: list[str] = [fmt_num(v) for v in result.numbers()]
    for f in q.filters:
        vs = f.value if isinstance(f.value, list) else [f.value]
        vals += [fmt_num(v) if isinstance(v, (int, float)) else str(v) for v in vs]
    if q.limit:
        vals.append(str(q.limit))
    for r in result.rows:
        vals += [str(v) for v in r.values() if isinstance(v, str)]
    for g in result.groups:
        vals.append(str(g.get("key")))
    return numbers(" ".join(vals), skip_ordinals=False)


def answer_from_records(result: QueryResult, query: StructuredQuery, route: str, retriever: HybridRetriever,
                        k: int, remove: bool) -> Draft:
    """The rows in guarded sentences; for a mixed question, then the rows' explanations."""
    allowed = allowed_numbers(result, query)
    report = guard_sentences(structured_sentences(result), {}, allowed=allowed, require_citation=False,
                             remove=remove)
    draft = Draft(kind=route, lines=list(report.sentences), found=not result.empty,  # type: ignore[arg-type]
                  flags=list(report.notes))
    if route == "mixed" and query.explain and result.rows:
        t0 = time.perf_counter()
        explained = explain_rows(result, query, retriever, k, allowed, remove)
        draft.timings["retrieval"] = time.perf_counter() - t0
        draft.lines += [text("mixed_intro"), *explained.lines]
        draft.citations += explained.citations
        draft.hits_by_id.update(explained.hits_by_id)
        draft.flags += explained.flags
    return draft


def _topic(query: StructuredQuery) -> tuple[str, tuple[str, ...]]:
    """What to look for in a row's documents (the fields asked about + 原因 / 措施), and the words
    a piece must hold to be an explanation."""
    labels = [field_label(f.field) for f in query.filters if f.field not in ("year", "unit", "project")]
    if query.order_by and query.order_by.field != "value":
        labels.append(field_label(query.order_by.field))
    topic = "".join(dict.fromkeys(labels)) + (query.explain or "")
    required = REASON_WORDS if "原因" in (query.explain or "") else ("措施", "下一步", "将") \
        if "措施" in (query.explain or "") else ()
    return topic, required


def explain_rows(result: QueryResult, query: StructuredQuery, retriever: HybridRetriever, k: int,
                 allowed: list[Num], remove: bool) -> Draft:
    """Mixed questions: for each row, the documents' words on ``query.explain``."""
    topic, required = _topic(query)
    draft = Draft(kind="mixed")
    evidence: dict[int, str] = {}
    pending: list[str] = []
    n = 0
    for i, row in enumerate(result.rows[:MAX_EXPLAINED_ROWS], start=1):
        name = f"{row.get('unit') or ''}「{row.get('project') or '—'}」"
        filters = RetrievalFilters(unit=row.get("unit"), year=row.get("year"))
        # the row names unit, year, project (and indicator): keyword search within them is enough
        hits = retriever.search(f"{row.get('project') or ''} {row.get('indicator') or ''} {topic}", k=k,
                                filters=filters, mode="bm25")
        hits, injected = neutralised(hits)
        if injected:
            draft.flags.append(text("injection_note", n=injected))
        prefer = {"indicator": row["indicator"]} if row.get("indicator") else None
        pieces, _ = select_pieces(hits, topic + (row.get("indicator") or ""), project=row.get("project"),
                                  max_pieces=1, required=required, prefer=prefer)
        if not pieces:
            pending.append(text("mixed_missing", name=f"{i}. {name}"))
            continue
        piece = pieces[0]
        n += 1
        evidence[n] = piece.hit.text
        draft.hits_by_id[piece.hit.chunk_id] = piece.hit
        words = piece.reason or piece.evidence
        draft.citations.append(citation(n, piece.hit, words))
        pending.append(cited(end_sentence(f"{i}. {name}：{words}"), n))
    report: GuardReport = guard_sentences(pending, evidence, allowed=allowed, remove=remove)
    draft.flags += report.notes
    draft.lines = list(report.sentences)
    draft.citations = [c for c in draft.citations if c.n in report.citations]
    return draft
