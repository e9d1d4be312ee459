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

from assistant.answer.askback import ask_back
from assistant.answer.conversation import (
    Subject,
    Turn,
    conversation_subject,
    last_turn,
    new_conversation_id,
    save_turn,
)
from assistant.answer.draft import Draft
from assistant.answer.executor import QueryResult, execute
from assistant.answer.followup import Resolution, resolve_followup
from assistant.answer.from_documents import answer_from_documents
from assistant.answer.from_records import answer_from_records
from assistant.answer.gaps import missing_in_material, missing_term_message, project_gap, year_gap
from assistant.answer.llm import plan_query
from assistant.answer.narrative import comparison_followup, report_answer, reported_in_other_year
from assistant.answer.parser import Parsed, parse_question
from assistant.answer.prompts import text
from assistant.answer.query import Filter, StructuredQuery
from assistant.answer.terms import Term, find_terms
from assistant.answer.types import Answer, Citation
from assistant.answer.words import query_in_words
from assistant.answer.workflow import workflow_reply
from assistant.chat_model import chat_model
from assistant.retrieval import Hit, HybridRetriever
from assistant.retrieval.gazetteer import Gazetteer, gazetteer
from assistant.settings import Settings
from assistant.stores import Stores
from assistant.stores.records import RecordStore

__all__ = ["ask", "ask_stream"]


def ask(question: str, stores: Stores, *, settings: Settings | None = None, year: int | None = None,
        unit: str | None = None, k: int = 8, conversation_id: str | None = None, llm: Any = None,
        remove_unsupported: bool = True, user: str | None = None) -> Answer:
    """Answer ``question`` (see the module docstring); ``llm`` overrides the configured model;
    ``user`` owns a conversation this question starts."""
    answer: Answer | None = None
    for item in ask_stream(question, stores, settings=settings, year=year, unit=unit, k=k,
                           conversation_id=conversation_id, llm=llm, remove_unsupported=remove_unsupported,
                           user=user):
        if isinstance(item, Answer):
            answer = item
    assert answer is not None
    return answer


# --- the steps -----------------------------------------------------------------------------------

@dataclass
class Asked:
    """The question as understood: parsed after follow-up resolution, with its scope."""

    parsed: Parsed
    resolved: str  # the question, completed from the conversation's subject when it was a follow-up
    followed: bool
    year: int | None  # the explicit scope, or the subject's for a follow-up that names none
    unit: str | None
    flags: list[str] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)  # the glossary terms the question names
    measure: str | None = None  # what is asked about (a glossary term), kept for the next follow-up


def _previous_question(prev: Turn | None, subject: Subject) -> str | None:
    """The previous question as answered, without the parts of the subject the reviewer removed."""
    if prev is None:
        return None
    q = prev.resolved or prev.question
    for key in ("unit", "project"):
        old = getattr(prev, key)
        if old and getattr(subject, key) is None:
            q = q.replace(old, "")
    if prev.year and subject.year is None:
        q = re.sub(rf"{prev.year}\s*年度?", "", q)
    return q


def resolve_question(question: str, prev: Turn | None, gaz: Gazetteer, year: int | None,
                     unit: str | None, subject: Subject | None = None) -> Asked:
    """Parse; a follow-up (那2021年呢？) is completed from the conversation's ``subject`` (default:
    the previous turn's) and parsed again."""
    if subject is None and prev is not None:
        subject = prev.subject
    parsed = parse_question(question, gaz)
    res = resolve_followup(question, subject, _previous_question(prev, subject) if subject else None, parsed)
    compared = comparison_followup(question, _previous_question(prev, subject) if subject else None) \
        if not res.followed else None
    if compared is not None:  # 与2022年相比增加了多少: the previous figure compared with that year
        res = Resolution(compared, True)
    flags: list[str] = []
    resolved = res.question
    if res.followed and subject is not None:
        changed_year = parsed.year if res.replaced else None  # 那2021年呢: the year asked for is the scope
        parsed = parse_question(resolved, gaz)
        flags.append(text("followup", question=resolved))
        if year is None and changed_year is not None:
            year = changed_year
        elif year is None and parsed.year is None:
            year = subject.year
        if unit is None and not parsed.units and not parsed.unit_like and subject.unit in gaz.units:
            unit = subject.unit
    terms = find_terms(resolved)
    measure = terms[0].term if terms else (subject.measure if res.replaced and subject is not None else None)
    return Asked(parsed=parsed, resolved=resolved, followed=res.followed, year=year, unit=unit, flags=flags,
                 terms=terms, measure=measure)


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


# "全部 / 所有 / 列出": every matching row comes back (the page pages them), never the first ROW_CAP
ALL_ROWS_RE = re.compile(r"全部|所有|列出|一一列|逐一|清单|明细")
ALL_ROWS_CAP = 10_000


def run_query(plan: Plan, year: int | None, unit: str | None, records: RecordStore,
              question: str = "") -> Queried:
    """Run a structured or mixed plan; an empty result of a guess (the LLM's query, a mixed
    question, an indicator named by leftover words) goes to the documents instead. A question
    asking for all rows (:data:`ALL_ROWS_RE`) gets all of them."""
    if plan.query is None or plan.route not in ("structured", "mixed"):
        return Queried(plan.route, plan.query, None)
    query = scoped(plan.query, year, unit)
    every = bool(ALL_ROWS_RE.search(question)) and query.limit is None
    result = execute(query, records, row_cap=ALL_ROWS_CAP) if every else execute(query, records)
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
               prev: Turn | Subject | None, year: int | None,
               unit: str | None) -> tuple[str | None, str | None, int | None]:
    """The unit, project and year a turn was about (for the next follow-up): named in the question,
    else the one all rows (or the first citation) share, else the conversation's subject (``prev``)."""
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


def _one(values: list[Any]) -> Any:
    """The value all of ``values`` share, else ``None``."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def subject_of(answer: Answer, asked: Asked, queried: Queried, draft: Draft, subject: Subject | None) -> Subject:
    """What the turn was about: unit, project and year (:func:`remembered`), the submission and the
    indicator all its rows (or citations) share, and the measure asked about."""
    u, p, y = remembered(asked.parsed, queried.result, answer.citations, draft.hits_by_id, subject, asked.year,
                         asked.unit)
    if answer.rows:
        sid = _one([r.get("submission_id") for r in answer.rows])
        indicator = _one([r.get("indicator") for r in answer.rows])
    else:
        sid = _one([c.submission_id for c in answer.citations])
        indicator = _one([draft.hits_by_id[c.chunk_id].metadata.get("indicator") for c in answer.citations
                          if c.chunk_id in draft.hits_by_id])
    if queried.query is not None and indicator is None:
        indicator = next((f.value for f in queried.query.filters if f.field == "indicator" and f.op == "="), None)
    if not answer.found and asked.year is not None:
        y = asked.year  # the year asked about stays the subject even when nothing was found for it
    return Subject(unit=u, project=p, year=y, submission_id=sid if answer.found else None,
                   indicator=indicator if isinstance(indicator, str) else None, measure=asked.measure)


ANSWER_ROWS_KEPT = 200  # rows of an answer a reopened conversation shows (the page shows as many)


def remember_turn(records: RecordStore, answer: Answer, asked: Asked, queried: Queried, draft: Draft,
                  subject: Subject | None, user: str | None = None) -> Subject:
    """Save the turn with its subject and the answer as shown (``answer.turn`` becomes its number);
    the subject is returned."""
    about = subject_of(answer, asked, queried, draft, subject)
    sids = [r["submission_id"] for r in answer.rows[:20]] or [c.submission_id for c in answer.citations]
    shown = answer.to_dict()
    shown.pop("timings", None)
    shown["rows"] = shown["rows"][:ANSWER_ROWS_KEPT]
    turn = Turn(question=answer.question, resolved=asked.resolved if asked.followed else None, kind=answer.kind,
                unit=about.unit, project=about.project, year=about.year, submission_ids=list(dict.fromkeys(sids)),
                indicator=about.indicator, measure=about.measure, submission_id=about.submission_id, answer=shown)
    answer.turn = save_turn(records, answer.conversation_id or "", turn, user_name=user)
    return about


# --- the engine ----------------------------------------------------------------------------------

def ask_stream(question: str, stores: Stores, *, settings: Settings | None = None, year: int | None = None,
               unit: str | None = None, k: int = 8, conversation_id: str | None = None, llm: Any = None,
               remove_unsupported: bool = True, user: str | None = None) -> Iterator[str | Answer]:
    """Yield the answer text in pieces (sentences), then the final :class:`Answer`."""
    t_start = time.perf_counter()
    records = stores.records
    gaz = gazetteer(records)
    cid = conversation_id or new_conversation_id()
    prev = last_turn(records, conversation_id) if conversation_id else None
    subject = conversation_subject(records, conversation_id) if conversation_id else None

    asked = resolve_question(question, prev, gaz, year, unit, subject)
    retriever = HybridRetriever(stores=stores, k=k, names=gaz)
    special = workflow_reply(records, gaz, asked.parsed, asked.resolved,
                             subject.submission_id if subject is not None else None)
    back = None if special is not None else ask_back(
        asked.resolved, asked.parsed, gaz.units_like(asked.parsed.unit_like) if asked.parsed.unit_like else [],
        retriever, asked.year or asked.parsed.year,
        asked.unit or (asked.parsed.units[0] if len(asked.parsed.units) == 1 else None))
    if special is not None or back is not None:
        # a workflow question answered from the review's data, or a question asked back: no guessing
        lines = special.lines if special is not None else [back.text]  # type: ignore[union-attr]
        yield from lines
        draft = Draft(kind="structured" if special is not None and special.found else "document", lines=lines,
                      found=special.found if special is not None else False)
        answer = Answer(text="\n".join(lines), kind=draft.kind, rows=special.rows if special is not None else [],
                        query_in_words=special.query_in_words if special is not None else None,
                        flags=list(asked.flags), conversation_id=cid, question=question,
                        resolved_question=asked.resolved if asked.followed else None, found=draft.found,
                        options=list(special.options if special is not None else back.options),  # type: ignore[union-attr]
                        timings={"route": time.perf_counter() - t_start})
        about = remember_turn(records, answer, asked, Queried("structured", None, None), draft,
                              subject if subject is not None else (prev.subject if prev is not None else None), user)
        answer.subject = about.to_dict()
        answer.timings["total"] = time.perf_counter() - t_start
        yield answer
        return
    model = llm if llm is not None else chat_model(settings or stores.settings)
    plan = plan_route(asked, model, records, gaz)
    missing = [t for t in asked.terms if not t.in_records]
    if missing and plan.query is not None:
        # a term the records do not hold (政府采购执行率) is never answered with a neighbour's field
        plan = Plan("document", None, plan.from_llm, plan.flags)
    timings = {"route": time.perf_counter() - t_start}
    named_units = asked.parsed.units or ([asked.unit] if asked.unit else [])
    named_year = asked.year or asked.parsed.year
    gap = year_gap(records, gaz, named_year, named_units, asked.parsed.projects) or \
        project_gap(records, gaz, named_units, asked.parsed.projects)
    # a year named with a unit or project that filed material for it: only that year's material answers
    doc_year = asked.year or (named_year if named_units or asked.parsed.projects else None)
    if gap is not None and reported_in_other_year(asked.resolved, retriever, named_units):
        # an annual report gives figures of earlier years: the year asked is in a report of another year
        gap, doc_year = None, None
        plan = Plan("document", None, plan.from_llm, plan.flags)
    queried = run_query(plan, asked.year, asked.unit, records, asked.resolved) if gap is None \
        else Queried(plan.route, None, None)
    if queried.result is not None and queried.result.empty and named_year is not None and \
            not records.submission_ids_where(year=named_year, kind="table") and \
            report_answer(asked.resolved, retriever, named_units) is not None:
        # no self-evaluation table of the year asked, but a report speaks of the figure (2018年自评了
        # 多少个项目 of an annual report): the report answers — its figure, or that it gives none for
        # that year. With tables of that year stored, an empty count is the records' true answer.
        queried = Queried("document", None, None)
    timings["query"] = time.perf_counter() - t_start - timings["route"]

    if gap is not None:
        draft = Draft(kind="document", lines=[gap], found=False)
        yield gap
    elif queried.result is not None and queried.query is not None:
        draft = answer_from_records(queried.result, queried.query, queried.route, retriever, k, remove_unsupported)
        yield from draft.lines
    else:
        required = tuple(sp for t in missing for sp in t.spellings)

        def nothing_found() -> str | None:
            """Which materials were searched, citing the finding that already reports the gap."""
            if missing:
                return missing_term_message(missing)
            absent = missing_in_material(records, gaz, doc_year, named_units, asked.parsed.projects, asked.terms)
            return absent.text if absent is not None else None

        draft = yield from answer_from_documents(asked.resolved, asked.parsed, doc_year, asked.unit, stores, gaz,
                                                 retriever, k, model, remove_unsupported, required=required,
                                                 nothing_found=nothing_found)
    timings.update(draft.timings)

    flags = asked.flags + plan.flags + queried.flags + draft.flags
    answer = build_answer(question, asked, queried, draft, flags, cid, timings)
    about = remember_turn(records, answer, asked, queried, draft,
                          subject if subject is not None else (prev.subject if prev is not None else None), user)
    answer.subject = about.to_dict()
    answer.timings["total"] = time.perf_counter() - t_start
    yield answer
