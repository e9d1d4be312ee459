"""``/api/v1/ask``: a question → an answer with citations, rows and the query in words.

``POST /ask`` returns the whole answer; ``POST /ask/stream`` streams it as server-sent events
(``delta`` events with text pieces, then one ``answer`` event with the full answer, or an
``error`` event). ``conversation_id`` from an answer makes the next question a follow-up.
Questions are rate-limited per user (429 ``rate_limited`` with ``Retry-After``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.sse import EventSourceResponse, ServerSentEvent

from api.deps import AskingUser, SettingsDep, StoresDep
from api.schemas import AnswerOut, AskRequest, CitationOut, errors
from assistant.answer import Answer, ask, ask_stream
from assistant.answer.schema import field_label

router = APIRouter(prefix="/ask", tags=["ask"])

HIDDEN_COLUMNS = {"submission_id", "file", "evaluation", "indicator_idx", "finding_id"}


def answer_out(answer: Answer) -> AnswerOut:
    data: dict[str, Any] = jsonable_encoder(answer.to_dict())
    data["citations"] = [CitationOut(n=c.n, chunk_id=c.chunk_id, submission_id=c.submission_id, file=c.file,
                                     location=jsonable_encoder(c.location), location_text=c.location.describe(),
                                     snippet=c.snippet) for c in answer.citations]
    keys = [k for k in (answer.rows[0] if answer.rows else {}) if k not in HIDDEN_COLUMNS]
    data["columns"] = [{"key": k, "label": field_label(k)} for k in keys]
    return AnswerOut.model_validate(data)


@router.post("", response_model=AnswerOut, summary="提问 / ask a question", responses=errors(401, 422, 429))
def ask_question(body: AskRequest, stores: StoresDep, settings: SettingsDep, _user: AskingUser) -> AnswerOut:
    answer = ask(body.question, stores, settings=settings, year=body.year, unit=body.unit, k=body.k,
                 conversation_id=body.conversation_id)
    return answer_out(answer)


@router.post("/stream", response_class=EventSourceResponse, summary="提问（流式，SSE） / ask, streamed",
             description="事件：`delta`（`{\"text\": 片段}`，可多次）、`answer`（完整回答，同 `POST /ask`）、"
                         "出错时 `error`（`{\"error\": {...}}`）。",
             responses=errors(401, 422, 429))
def ask_question_stream(body: AskRequest, stores: StoresDep, settings: SettingsDep,
                        _user: AskingUser) -> Iterator[ServerSentEvent]:
    try:
        for item in ask_stream(body.question, stores, settings=settings, year=body.year, unit=body.unit, k=body.k,
                               conversation_id=body.conversation_id):
            if isinstance(item, Answer):
                yield ServerSentEvent(event="answer", data=answer_out(item).model_dump(mode="json"))
            else:
                yield ServerSentEvent(event="delta", data={"text": item})
    except Exception as exc:  # noqa: BLE001 — the stream has started: report in-band
        yield ServerSentEvent(event="error", data={"error": {
            "code": "answer_failed", "message": "回答时出错，请稍后重试或换一种问法",
            "message_en": f"answering failed: {type(exc).__name__}"}})
