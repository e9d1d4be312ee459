"""``ask`` and ``ask_stream``: route a question, answer it, guard the answer, remember the turn.

::

    question ─ follow-up resolution (conversation state) ─ route
      structured: typed query (parser, or LLM tool call) ─ executor ─ rows + query in words
      document:   hybrid retrieval ─ neutralise instruction-like text ─ extractive | LLM (streamed)
      mixed:      structured rows, then per row the documents' explanation
    ─ citation repair + number guard (every sentence) ─ Answer ─ save turn
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from typing import Any

from assistant.answer.conversation import Turn, last_turn, new_conversation_id, save_turn
from assistant.answer.executor import QueryResult, execute
from assistant.answer.extractive import REASON_WORDS, Piece, select_pieces
from assistant.answer.followup import resolve_followup
from assistant.answer.guard import GuardReport, guard_sentences
from assistant.answer.llm import plan_query, stream_answer
from assistant.answer.parser import Parsed, parse_question
from assistant.answer.prompts import text
from assistant.answer.query import Filter, StructuredQuery
from assistant.answer.safety import neutralise
from assistant.answer.text import Num, numbers, sentences
from assistant.answer.types import Answer, AnswerKind, Citation
from assistant.answer.words import fmt_num, query_in_words, structured_sentences
from assistant.chat_model import chat_model
from assistant.retrieval import Hit, HybridRetriever, RetrievalFilters, analyse
from assistant.retrieval.gazetteer import gazetteer
from assistant.settings import Settings
from assistant.stores import Stores

__all__ = ["ask", "ask_stream"]

MAX_EXPLAINED_ROWS = 5  # rows of a mixed answer that get an explanation
POOL = 15  # chunks the answer may choose from


def ask(question: str, stores: Stores, *, settings: Settings | None = None, year: int | None = None,
        unit: str | None = None, k: int = 8, conversation_id: str | None = None, llm: Any = None,
        remove_unsupported: bool = True) -> Answer:
    """Answer ``question`` (see the module docstring); ``llm`` overrides the configured model."""
    answer: Answer | None = None
    for item in ask_stream(question, stores, settings=settings, year=year, unit=unit, k=k,
                           conversation_id=conversation_id, llm=llm, remove_unsupported=remove_unsupported):
        if isinstance(item, Answer):
            answer = item
    assert answer is not None
    return answer


# --- helpers -------------------------------------------------------------------------------------

def _citation(n: int, hit: Hit, snippet: str) -> Citation:
    return Citation(n=n, chunk_id=hit.chunk_id, submission_id=hit.submission_id,
                    file=hit.metadata.get("file"), location=hit.location, snippet=snippet)


def _neutralised(hits: list[Hit]) -> tuple[list[Hit], int]:
    out, total = [], 0
    for h in hits:
        t, n = neutralise(h.text)
        total += n
        out.append(dataclasses.replace(h, text=t) if n else h)
    return out, total


def _scoped(q: StructuredQuery, year: int | None, unit: str | None) -> StructuredQuery:
    filters = list(q.filters)
    if year is not None and not any(f.field == "year" for f in filters):
        filters.insert(0, Filter(field="year", op="=", value=year))
    if unit is not None and not any(f.field == "unit" for f in filters):
        filters.insert(0, Filter(field="unit", op="=", value=unit))
    return q.model_copy(update={"filters": filters})


def _structured_allowed(result: QueryResult, q: StructuredQuery) -> list[Num]:
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


def _end(sentence: str) -> str:
    s = sentence.rstrip()
    return s if re.search(r"[。！？；!?;：:]$", s) else s + "。"


def _piece_sentence(piece: Piece, n: int, prefix: str = "") -> str:
    body = _end(prefix + piece.display)
    m = re.search(r"[。！？；!?;]+$", body)
    return f"{body[: m.start()]}[{n}]{m.group(0)}" if m else f"{body}[{n}]"


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if not out:
            out = line
        elif re.match(r"^\s*\d+[.、]", line) or out.endswith(("：", ":")) or line.startswith("（仅"):
            out += "\n" + line
        else:
            out += line
    return out


def _remember(parsed: Parsed, result: QueryResult | None, cited: list[Citation], hits: dict[str, Hit],
              prev: Turn | None, year: int | None, unit: str | None) -> tuple[str | None, str | None, int | None]:
    u = unit or (parsed.units[0] if len(parsed.units) == 1 else None)
    p = parsed.projects[0] if len(parsed.projects) == 1 else None
    y = year or parsed.year
    if result is not None and result.rows:
        units = {r.get("unit") for r in result.rows}
        projects = {r.get("project") for r in result.rows}
        years = {r.get("year") for r in result.rows}
        u = u or (units.pop() if len(units) == 1 else None)
        p = p or (projects.pop() if len(projects) == 1 else None)
        y = y or (years.pop() if len(years) == 1 else None)
    elif cited:
        meta = hits[cited[0].chunk_id].metadata if cited[0].chunk_id in hits else {}
        u = u or meta.get("unit")
        p = p or meta.get("project")
        y = y or meta.get("year")
    if prev is not None:
        u, p, y = u or prev.unit, p or prev.project, y or prev.year
    return u, p, y


# --- the engine ----------------------------------------------------------------------------------

def ask_stream(question: str, stores: Stores, *, settings: Settings | None = None, year: int | None = None,
               unit: str | None = None, k: int = 8, conversation_id: str | None = None, llm: Any = None,
               remove_unsupported: bool = True) -> Iterator[str | Answer]:
    """Yield the answer text in pieces (sentences), then the final :class:`Answer`."""
    t_start = time.perf_counter()
    settings = settings or stores.settings
    records = stores.records
    timings: dict[str, float] = {}
    flags: list[str] = []
    gaz = gazetteer(records)
    cid = conversation_id or new_conversation_id()
    prev = last_turn(records, conversation_id) if conversation_id else None

    parsed = parse_question(question, gaz)
    resolved, followed = resolve_followup(question, prev, parsed)
    if followed and prev is not None:
        parsed = parse_question(resolved, gaz)
        flags.append(text("followup", question=resolved))
        if year is None and parsed.year is None:
            year = prev.year
        if unit is None and not parsed.units and not parsed.unit_like and prev.unit in gaz.units:
            unit = prev.unit
    route, query = parsed.route, parsed.query
    model = llm if llm is not None else chat_model(settings)
    from_llm = False
    if model is not None:
        try:
            called, planned = plan_query(resolved, model, records, gaz)
            if called and planned is not None:
                route, query, from_llm = ("mixed" if planned.explain else "structured"), planned, True
            elif not called:
                route, query = "document", None
        except Exception as err:  # noqa: BLE001 — a bad tool call falls back to the parser
            flags.append(text("llm_query_fallback", error=type(err).__name__))
    timings["route"] = time.perf_counter() - t_start

    result: QueryResult | None = None
    if query is not None and route in ("structured", "mixed"):
        query = _scoped(query, year, unit)
        result = execute(query, records)
        guessed = any(f.field == "indicator" and f.op == "contains" for f in query.filters)
        if result.empty and (from_llm or route == "mixed" or guessed):
            flags.append(text("empty_structured_fallback"))
            route, query, result = "document", None, None
    timings["query"] = time.perf_counter() - t_start - timings["route"]

    kind: AnswerKind = route  # type: ignore[assignment]
    lines: list[str] = []
    citations: list[Citation] = []
    hits_by_id: dict[str, Hit] = {}
    found = True
    retriever = HybridRetriever(stores=stores, k=k, names=gaz)

    if result is not None and query is not None:
        allowed = _structured_allowed(result, query)
        struct_lines = structured_sentences(result)
        report = guard_sentences(struct_lines, {}, allowed=allowed, require_citation=False,
                                 remove=remove_unsupported)
        flags += report.notes
        lines += report.sentences
        found = not result.empty
        if route == "mixed" and query.explain and result.rows:
            t0 = time.perf_counter()
            mixed_lines, mixed_cites, mixed_hits, mixed_flags = _explain_rows(
                result, query, retriever, k, allowed, remove_unsupported)
            timings["retrieval"] = time.perf_counter() - t0
            lines.append(text("mixed_intro"))
            lines += mixed_lines
            citations += mixed_cites
            hits_by_id.update(mixed_hits)
            flags += mixed_flags
        for line in lines:
            yield line
    else:
        kind = "document"
        filters = RetrievalFilters(year=year, unit=unit or (parsed.units[0] if len(parsed.units) == 1 else None))
        t0 = time.perf_counter()
        # the extractive step chooses among a few more chunks than it may cite (same fetch, no extra cost)
        hits = retriever.search(resolved, k=max(k, POOL), filters=filters)
        timings["retrieval"] = time.perf_counter() - t0
        hits, injected = _neutralised(hits)
        if injected:
            flags.append(text("injection_note", n=injected))
        hits_by_id = {h.chunk_id: h for h in hits}
        # the parser reads years first, so it misses a project named 2022年城乡最低生活保障资金
        plan = analyse(resolved, gaz)
        projects = list(dict.fromkeys([*parsed.projects, *plan.projects]))
        projects = [p for p in projects if not any(p != o and p in o for o in projects)]  # the longest spelling
        names = [*parsed.units, *plan.units, *projects, *([parsed.unit_like] if parsed.unit_like else [])]
        if model is not None and hits:
            gen = _llm_document(resolved, hits[:k], model, remove_unsupported, flags)
            for item in gen:
                if isinstance(item, str):
                    lines.append(item)
                    yield item
                else:
                    citations = item
        else:
            pieces, _terms = select_pieces(hits, resolved, names=names,
                                           project=projects[0] if len(projects) == 1 else None,
                                           year=year or parsed.year, doc_freqs=stores.fulltext.doc_freqs)
            evidence = {n: p.hit.text for n, p in enumerate(pieces, start=1)}
            report = guard_sentences([_piece_sentence(p, n) for n, p in enumerate(pieces, start=1)], evidence,
                                     remove=remove_unsupported)
            flags += report.notes
            lines = report.sentences
            citations = [_citation(n, pieces[n - 1].hit, pieces[n - 1].evidence) for n in report.citations]
            for line in lines:
                yield line
        if not lines:
            found = False
            scope = "、".join(x for x in (f"{year}年" if year else "", unit or "") if x)
            msg = text("not_found_scope", scope=scope) if scope else text("not_found")
            lines = [msg]
            citations = []
            yield msg

    answer = Answer(
        text="\n".join(lines) if kind in ("structured", "mixed") else _join(lines), kind=kind, citations=citations, rows=result.rows if result is not None else [],
        query_in_words=query_in_words(query) if query is not None and result is not None else None,
        flags=list(dict.fromkeys(flags)), conversation_id=cid, question=question,
        resolved_question=resolved if followed else None,
        query=query.model_dump(exclude_none=True) if query is not None and result is not None else None,
        aggregate={"value": result.value, "groups": result.groups, "total_rows": result.total_rows}
        if result is not None else None,
        found=found, timings=timings)
    u, p, y = _remember(parsed, result, citations, hits_by_id, prev, year, unit)
    sids = [r["submission_id"] for r in answer.rows[:20]] or [c.submission_id for c in citations]
    save_turn(records, cid, Turn(question=question, resolved=resolved if followed else None, kind=kind,
                                 unit=u, project=p, year=y, submission_ids=list(dict.fromkeys(sids))))
    answer.timings["total"] = time.perf_counter() - t_start
    yield answer


def _explain_rows(result: QueryResult, query: StructuredQuery, retriever: HybridRetriever, k: int,
                  allowed: list[Num], remove: bool) -> tuple[list[str], list[Citation], dict[str, Hit], list[str]]:
    """Mixed questions: for each row, the documents' words on ``query.explain``."""
    from assistant.answer.schema import field_label

    labels = [field_label(f.field) for f in query.filters if f.field not in ("year", "unit", "project")]
    if query.order_by and query.order_by.field != "value":
        labels.append(field_label(query.order_by.field))
    topic = "".join(dict.fromkeys(labels)) + (query.explain or "")
    required = REASON_WORDS if "原因" in (query.explain or "") else ("措施", "下一步", "将") \
        if "措施" in (query.explain or "") else ()
    lines: list[str] = []
    cites: list[Citation] = []
    hits_by_id: dict[str, Hit] = {}
    flags: list[str] = []
    evidence: dict[int, str] = {}
    pending: list[str] = []
    n = 0
    for i, row in enumerate(result.rows[:MAX_EXPLAINED_ROWS], start=1):
        name = f"{row.get('unit') or ''}「{row.get('project') or '—'}」"
        filters = RetrievalFilters(unit=row.get("unit"), year=row.get("year"))
        # the row names unit, year, project (and indicator): keyword search within them is enough
        hits = retriever.search(f"{row.get('project') or ''} {row.get('indicator') or ''} {topic}", k=k,
                                filters=filters, mode="bm25")
        hits, injected = _neutralised(hits)
        if injected:
            flags.append(text("injection_note", n=injected))
        prefer = {"indicator": row["indicator"]} if row.get("indicator") else None
        pieces, _ = select_pieces(hits, topic + (row.get("indicator") or ""), project=row.get("project"),
                                  max_pieces=1, required=required, prefer=prefer)
        if not pieces:
            pending.append(text("mixed_missing", name=f"{i}. {name}"))
            continue
        piece = pieces[0]
        n += 1
        evidence[n] = piece.hit.text
        hits_by_id[piece.hit.chunk_id] = piece.hit
        words = piece.reason or piece.evidence
        cites.append(_citation(n, piece.hit, words))
        body = _end(f"{i}. {name}：{words}")
        m = re.search(r"[。！？；!?;]+$", body)
        pending.append(f"{body[: m.start()]}[{n}]{m.group(0)}" if m else f"{body}[{n}]")
    report: GuardReport = guard_sentences(pending, evidence, allowed=allowed, remove=remove)
    flags += report.notes
    lines = report.sentences
    cites = [c for c in cites if c.n in report.citations]
    return lines, cites, hits_by_id, flags


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
        report = guard_sentences([_piece_sentence(p, n) for n, p in enumerate(pieces, start=1)], ev, remove=remove)
        flags.extend(report.notes)
        yield from report.sentences
        yield [_citation(n, pieces[n - 1].hit, pieces[n - 1].evidence) for n in report.citations]
        return
    if buffer.strip():
        yield from emit(sentences(buffer))
    yield [_citation(n, hits[n - 1], hits[n - 1].text[:160]) for n in used]
