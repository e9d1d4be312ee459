"""``/api/v1/ask``: a question → an answer with citations, rows and the query in words.

``POST /ask`` returns the whole answer; ``POST /ask/stream`` streams it as server-sent events
(``delta`` events with text pieces, then one ``answer`` event with the full answer, or an
``error`` event). ``conversation_id`` from an answer makes the next question a follow-up.
Questions are rate-limited per user (429 ``rate_limited`` with ``Retry-After``).

A user's conversations: ``GET /ask/conversations`` lists them, ``GET /ask/conversations/{id}``
reopens one (every turn with its answer as shown), ``PATCH`` renames it or removes parts of its
subject (the chips), so that the next follow-up no longer carries them. Another user's
conversation is not found.

Feedback: ``POST /ask/feedback`` rates one answer of the user's own conversation 👍 / 👎 (a 👎
with its reason); admins export every rating (``/ask/feedback/export.csv|json``) and read the
worst-rated answers (``/ask/feedback/worst``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import PlainTextResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent

from api.deps import AdminUser, AskingUser, CurrentUser, SettingsDep, StoresDep
from api.schemas import (
    AnswerOut,
    ApiError,
    AskRequest,
    CitationOut,
    ConversationOut,
    ConversationPatch,
    ConversationSummaryOut,
    ConversationTurnOut,
    FeedbackIn,
    FeedbackOut,
    WorstAnswerOut,
    errors,
    not_found,
)
from assistant.answer import Answer, ask, ask_stream
from assistant.answer.conversation import Subject, conversation_markdown, stored_location, subject_chips
from assistant.answer.feedback import feedback_csv, feedback_json
from assistant.answer.schema import field_label
from assistant.stores import Stores
from assistant.stores.conversations import (
    ConversationSummary,
    get_conversation,
    list_conversations,
    rename_conversation,
    set_subject,
)
from assistant.stores.feedback import FeedbackError, list_feedback, rate_answer, worst_answers

router = APIRouter(prefix="/ask", tags=["ask"])

HIDDEN_COLUMNS = {"submission_id", "file", "evaluation", "indicator_idx", "finding_id"}


def answer_out(answer: Answer, stores: Stores | None = None) -> AnswerOut:
    data: dict[str, Any] = jsonable_encoder(answer.to_dict())
    data["citations"] = [CitationOut(n=c.n, chunk_id=c.chunk_id, submission_id=c.submission_id, file=c.file,
                                     location=jsonable_encoder(c.location), location_text=c.location.describe(),
                                     snippet=c.snippet).model_dump() for c in answer.citations]
    return _answer_out(data, stores)


def _answer_out(data: dict[str, Any], stores: Stores | None) -> AnswerOut:
    """An answer's JSON (as ``ask`` made it, or as a stored turn keeps it) with its columns and chips."""
    data = dict(data)
    rows = data.get("rows") or []
    keys = [k for k in (rows[0] if rows else {}) if k not in HIDDEN_COLUMNS]
    data["columns"] = [{"key": k, "label": field_label(k)} for k in keys]
    data.setdefault("timings", {})
    data["citations"] = [c if "location_text" in c else _stored_citation(c) for c in data.get("citations") or []]
    if data.get("subject") and stores is not None:
        data["subject_chips"] = subject_chips(Subject.of(data["subject"]), stores.records)
    return AnswerOut.model_validate(data)


def _stored_citation(c: dict[str, Any]) -> dict[str, Any]:
    return {**c, "location_text": stored_location(c.get("location")).describe()}


@router.post("", response_model=AnswerOut, summary="提问 / ask a question", responses=errors(401, 422, 429))
def ask_question(body: AskRequest, stores: StoresDep, settings: SettingsDep, _user: AskingUser) -> AnswerOut:
    answer = ask(body.question, stores, settings=settings, year=body.year, unit=body.unit, k=body.k,
                 conversation_id=_own(stores, body.conversation_id, _user.name), user=_user.name)
    return answer_out(answer, stores)


@router.post("/stream", response_class=EventSourceResponse, summary="提问（流式，SSE） / ask, streamed",
             description="事件：`delta`（`{\"text\": 片段}`，可多次）、`answer`（完整回答，同 `POST /ask`）、"
                         "出错时 `error`（`{\"error\": {...}}`）。",
             responses=errors(401, 422, 429))
def ask_question_stream(body: AskRequest, stores: StoresDep, settings: SettingsDep,
                        _user: AskingUser) -> Iterator[ServerSentEvent]:
    try:
        for item in ask_stream(body.question, stores, settings=settings, year=body.year, unit=body.unit, k=body.k,
                               conversation_id=_own(stores, body.conversation_id, _user.name), user=_user.name):
            if isinstance(item, Answer):
                yield ServerSentEvent(event="answer", data=answer_out(item, stores).model_dump(mode="json"))
            else:
                yield ServerSentEvent(event="delta", data={"text": item})
    except Exception as exc:  # noqa: BLE001 — the stream has started: report in-band
        yield ServerSentEvent(event="error", data={"error": {
            "code": "answer_failed", "message": "回答时出错，请稍后重试或换一种问法",
            "message_en": f"answering failed: {type(exc).__name__}"}})


# --- conversations -------------------------------------------------------------------------------

def _own(stores: Stores, conversation_id: str | None, user: str) -> str | None:
    """``conversation_id`` when it is new or the user's own; another user's starts a new one."""
    if conversation_id is None:
        return None
    found = get_conversation(stores.records, conversation_id)
    return conversation_id if found is None or found.summary.user_name in (None, user) else None


def _summary_out(c: ConversationSummary, stores: Stores) -> dict[str, Any]:
    return {"id": c.id, "title": c.title, "subject": c.subject.to_dict(),
            "subject_chips": subject_chips(c.subject, stores.records), "turns": c.turns,
            "created_at": c.created_at, "updated_at": c.updated_at}


def _conversation_out(stores: Stores, conversation_id: str, user: str) -> ConversationOut:
    found = get_conversation(stores.records, conversation_id)
    if found is None or found.summary.user_name != user:
        raise not_found("这个对话", "conversation")
    history = [ConversationTurnOut(seq=t.seq, question=t.question, resolved_question=t.resolved,
                                   answer=_answer_out(t.answer, None) if t.answer else None) for t in found.turns]
    return ConversationOut(**_summary_out(found.summary, stores), history=history)


@router.get("/conversations", response_model=list[ConversationSummaryOut], summary="我的对话 / my conversations",
            responses=errors(401))
def my_conversations(stores: StoresDep, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                     offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[dict[str, Any]]:
    return [_summary_out(c, stores) for c in list_conversations(stores.records, user.name, limit=min(limit, 200),
                                                                 offset=max(offset, 0))]


@router.get("/conversations/{conversation_id}", response_model=ConversationOut,
            summary="打开对话 / reopen a conversation", responses=errors(401, 404))
def open_conversation(conversation_id: str, stores: StoresDep, user: CurrentUser) -> ConversationOut:
    return _conversation_out(stores, conversation_id, user.name)


@router.get("/conversations/{conversation_id}/export.md", response_class=PlainTextResponse,
            summary="导出对话（Markdown） / export a conversation as Markdown", responses=errors(401, 404))
def export_conversation(conversation_id: str, stores: StoresDep, user: CurrentUser) -> PlainTextResponse:
    _conversation_out(stores, conversation_id, user.name)  # 404 unless it is the user's
    found = get_conversation(stores.records, conversation_id)
    assert found is not None
    return PlainTextResponse(conversation_markdown(found), media_type="text/markdown; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="conversation-{conversation_id}.md"'})


@router.patch("/conversations/{conversation_id}", response_model=ConversationOut,
              summary="重命名对话或移除主题 / rename a conversation or remove parts of its subject",
              responses=errors(401, 404, 422))
def change_conversation(conversation_id: str, body: ConversationPatch, stores: StoresDep,
                        user: CurrentUser) -> ConversationOut:
    current = _conversation_out(stores, conversation_id, user.name)
    if body.title is not None:
        rename_conversation(stores.records, conversation_id, body.title)
    if body.remove:
        set_subject(stores.records, conversation_id, Subject.of(current.subject).without(*body.remove))
    return _conversation_out(stores, conversation_id, user.name)


# --- feedback ------------------------------------------------------------------------------------

@router.post("/feedback", response_model=FeedbackOut, summary="评价回答（👍/👎 加理由） / rate an answer",
             responses=errors(401, 404, 422))
def rate(body: FeedbackIn, stores: StoresDep, user: CurrentUser) -> dict[str, Any]:
    _conversation_out(stores, body.conversation_id, user.name)  # 404 unless it is the user's
    try:
        stored = rate_answer(stores.records, body.conversation_id, body.turn, body.rating, body.reason, user.name)
    except FeedbackError as err:
        raise ApiError(422, "invalid_feedback", str(err), "invalid feedback") from None
    return stored.to_dict()


@router.get("/feedback/export.{fmt}", summary="导出全部评价（CSV/JSON，管理员） / export every rating",
            responses=errors(401, 403, 404))
def export_feedback(fmt: str, stores: StoresDep, _admin: AdminUser) -> Response:
    items = list_feedback(stores.records)
    if fmt == "csv":
        return Response(feedback_csv(items), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="ask-feedback.csv"'})
    if fmt == "json":
        return Response(feedback_json(items), media_type="application/json",
                        headers={"Content-Disposition": 'attachment; filename="ask-feedback.json"'})
    raise not_found("这种导出格式（可选 csv、json）", "export format (csv or json)")


@router.get("/feedback/worst", response_model=list[WorstAnswerOut],
            summary="评价最差的回答（管理员） / the worst-rated answers", responses=errors(401, 403))
def worst_rated(stores: StoresDep, _admin: AdminUser, n: Annotated[int, Query(ge=1, le=200)] = 10) -> list[dict[str, Any]]:
    return [{**w.__dict__, "reasons": list(w.reasons)} for w in worst_answers(stores.records, min(max(n, 1), 200))]
