"""``ask`` and ``ask_stream``: route a question, answer it, guard the answer, remember the turn.

::

    question ─ follow-up resolution (conversation state) ─ route
      structured: typed query (parser, or LLM tool call) ─ executor ─ rows + query in words
      document:   hybrid retrieval ─ neutralise instruction-like text ─ extractive | LLM (streamed)
      mixed:      structured rows, then per row the documents' explanation
    ─ citation repair + number guard (every sentence) ─ Answer ─ save turn

:func:`ask_stream` is that line as named steps: :func:`resolve_question` → :func:`plan_route` →
:func:`run_query` → :func:`~assistant.answer.from_records.answer_from_records` or
:func:`~assistant.answer.from_documents.answer_from_documents` → :func:`build_answer` →
:func:`remember_turn`. Each takes what it needs and returns what it found.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.conversation import Turn, last_turn, new_conversation_id, save_turn
from assistant.answer.draft import Draft
from assistant.answer.executor import QueryResult, execute
from assistant.answer.followup import resolve_followup
from assistant.answer.from_documents import answer_from_documents
from assistant.answer.from_records import answer_from_records
from assistant.answer.llm import plan_query
from assistant.answer.parser import Parsed, parse_question
from assistant.answer.prompts import text
from assistant.answer.query import Filter, StructuredQuery
from assistant.answer.types import Answer, Citation
from assistant.answer.words import query_in_words
from assistant.chat_model import chat_model
from assistant.retrieval import Hit, HybridRetriever
from assistant.retrieval.gazetteer import Gazetteer, gazetteer
from assistant.settings import Settings
from assistant.stores import Stores
from assistant.stores.records import RecordStore

__all__ = ["ask", "ask_stream"]


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


# --- the steps -----------------------------------------------------------------------------------

@dataclass
class Asked:
    """The question as understood: parsed after follow-up resolution, with its scope."""

    parsed: Parsed
    resolved: str  # the question, completed from the previous turn when it was a follow-up
    followed: bool
    year: int | None  # the explicit scope, or the previous turn's for a follow-up that names none
    unit: str | None
    flags: list[str] = field(default_factory=list)


def resolve_question(question: str, prev: Turn | None, gaz: Gazetteer, year: int | None,
                     unit: str | None) -> Asked:
    """Parse; a follow-up (那2021年呢？) is completed from the previous turn and parsed again."""
    parsed = parse_question(question, gaz)
    resolved, followed = resolve_followup(question, prev, parsed)
    flags: list[str] = []
    if followed and prev is not None:
        parsed = parse_question(resolved, gaz)
        flags.append(text("followup", question=resolved))
        if year is None and parsed.year is None:
            year = prev.year
        if unit is None and not parsed.units and not parsed.unit_like and prev.unit in gaz.units:
            unit = prev.unit
    return Asked(parsed=parsed, resolved=resolved, followed=followed, year=year, unit=unit, flags=flags)


@dataclass
class Plan:
    route: str
    query: StructuredQuery | None
    from_llm: bool
    flags: list[str] = field(default_factory=list)


def plan_route(asked: Asked, model: Any, records: RecordStore, gaz: Gazetteer) -> Plan:
    """The parser's route and query; with a model, its tool call decides (a bad call falls back)."""
    plan = Plan(route=asked.parsed.route, query=asked.parsed.query, from_llm=False)
    if model is None:
        return plan
    try:
        called, planned = plan_query(asked.resolved, model, records, gaz)
        if called and planned is not None:
            plan.route, plan.query, plan.from_llm = ("mixed" if planned.explain else "structured"), planned, True
        elif not called:
            plan.route, plan.query = "document", None
    except Exception as err:  # noqa: BLE001 — a bad tool call falls back to the parser
        plan.flags.append(text("llm_query_fallback", error=type(err).__name__))
    return plan


def scoped(q: StructuredQuery, year: int | None, unit: str | None) -> StructuredQuery:
    """The query narrowed to the explicit year and unit, unless it names its own."""
    filters = list(q.filters)
    if year is not None and not any(f.field == "year" for f in filters):
        filters.insert(0, Filter(field="year", op="=", value=year))
    if unit is not None and not any(f.field == "unit" for f in filters):
        filters.insert(0, Filter(field="unit", op="=", value=unit))
    return q.model_copy(update={"filters": filters})


@dataclass
class Queried:
    route: str
    query: StructuredQuery | None
    result: QueryResult | None  # None: answer from the documents
    flags: list[str] = field(default_factory=list)


def run_query(plan: Plan, year: int | None, unit: str | None, records: RecordStore) -> Queried:
    """Run a structured or mixed plan; an empty result of a guess (the LLM's query, a mixed
    question, an indicator named by leftover words) goes to the documents instead."""
    if plan.query is None or plan.route not in ("structured", "mixed"):
        return Queried(plan.route, plan.query, None)
    query = scoped(plan.query, year, unit)
    result = execute(query, records)
    guessed = any(f.field == "indicator" and f.op == "contains" for f in query.filters)
    if result.empty and (plan.from_llm or plan.route == "mixed" or guessed):
        return Queried("document", None, None, [text("empty_structured_fallback")])
    return Queried(plan.route, query, result)


def joined(lines: list[str]) -> str:
    """A document answer's sentences as one text; numbered items and lines after a colon on their own line."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif re.match(r"^\s*\d+[.、]", line) or out.endswith(("：", ":")) or line.startswith("（仅"):
            out += "\n" + line
        else:
            out += line
    return out


def build_answer(question: str, asked: Asked, queried: Queried, draft: Draft, flags: list[str], cid: str,
                 timings: dict[str, float]) -> Answer:
    query, result = queried.query, queried.result
    structured = result is not None and query is not None
    return Answer(
        text="\n".join(draft.lines) if draft.kind in ("structured", "mixed") else joined(draft.lines),
        kind=draft.kind, citations=draft.citations, rows=result.rows if result is not None else [],
        query_in_words=query_in_words(query) if structured else None,
        flags=list(dict.fromkeys(flags)), conversation_id=cid, question=question,
        resolved_question=asked.resolved if asked.followed else None,
        query=query.model_dump(exclude_none=True) if structured else None,
        aggregate={"value": result.value, "groups": result.groups, "total_rows": result.total_rows}
        if result is not None else None,
        found=draft.found, timings=timings)


def remembered(parsed: Parsed, result: QueryResult | None, cited: list[Citation], hits: dict[str, Hit],
               prev: Turn | None, year: int | None, unit: str | None) -> tuple[str | None, str | None, int | None]:
    """The unit, project and year a turn was about (for the next follow-up): named in the question,
    else the one all rows (or the first citation) share, else the previous turn's."""
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


def remember_turn(records: RecordStore, answer: Answer, asked: Asked, queried: Queried, draft: Draft,
                  prev: Turn | None) -> None:
    u, p, y = remembered(asked.parsed, queried.result, answer.citations, draft.hits_by_id, prev, asked.year,
                         asked.unit)
    sids = [r["submission_id"] for r in answer.rows[:20]] or [c.submission_id for c in answer.citations]
    save_turn(records, answer.conversation_id,
              Turn(question=answer.question, resolved=asked.resolved if asked.followed else None, kind=answer.kind,
                   unit=u, project=p, year=y, submission_ids=list(dict.fromkeys(sids))))


# --- the engine ----------------------------------------------------------------------------------

def ask_stream(question: str, stores: Stores, *, settings: Settings | None = None, year: int | None = None,
               unit: str | None = None, k: int = 8, conversation_id: str | None = None, llm: Any = None,
               remove_unsupported: bool = True) -> Iterator[str | Answer]:
    """Yield the answer text in pieces (sentences), then the final :class:`Answer`."""
    t_start = time.perf_counter()
    records = stores.records
    gaz = gazetteer(records)
    cid = conversation_id or new_conversation_id()
    prev = last_turn(records, conversation_id) if conversation_id else None

    asked = resolve_question(question, prev, gaz, year, unit)
    model = llm if llm is not None else chat_model(settings or stores.settings)
    plan = plan_route(asked, model, records, gaz)
    timings = {"route": time.perf_counter() - t_start}
    queried = run_query(plan, asked.year, asked.unit, records)
    timings["query"] = time.perf_counter() - t_start - timings["route"]

    retriever = HybridRetriever(stores=stores, k=k, names=gaz)
    if queried.result is not None and queried.query is not None:
        draft = answer_from_records(queried.result, queried.query, queried.route, retriever, k, remove_unsupported)
        yield from draft.lines
    else:
        draft = yield from answer_from_documents(asked.resolved, asked.parsed, asked.year, asked.unit, stores, gaz,
                                                 retriever, k, model, remove_unsupported)
    timings.update(draft.timings)

    flags = asked.flags + plan.flags + queried.flags + draft.flags
    answer = build_answer(question, asked, queried, draft, flags, cid, timings)
    remember_turn(records, answer, asked, queried, draft, prev)
    answer.timings["total"] = time.perf_counter() - t_start
    yield answer
