"""``/api/v1/submissions/{id}/corrections`` and ``…/confirm``: a reviewer corrects a misread value
(the rules run again on the corrected record) and vouches for an uncertain read (issue 15 items 2, 3)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from api.deps import CurrentUser, SettingsDep, StoresDep
from api.schemas import ApiError, ConfirmIn, CorrectedOut, CorrectionIn, CorrectionOut, ReadOut, errors
from assistant.review.certainty import CERTAINTY_TERMS
from assistant.review.corrections import CorrectionRequest, correct
from assistant.review.errors import Conflict, NotFound, ReviewError
from assistant.review.fields import Correction, display
from assistant.stores import Stores
from assistant.stores.corrections import CorrectionStore

router = APIRouter(prefix="/submissions", tags=["review"])


def review_error(err: ReviewError) -> ApiError:
    """A refused review action as the API's error: 404, 409 or 422 with the Chinese message."""
    if isinstance(err, NotFound):
        return ApiError(404, "not_found", str(err), "not found")
    if isinstance(err, Conflict):
        return ApiError(409, "conflict", str(err), "conflict: the record changed or the action does not apply")
    return ApiError(422, "invalid", str(err), "invalid review action")


def correction_out(c: Correction) -> CorrectionOut:
    return CorrectionOut(id=c.id, field_path=c.field_path, typed=c.typed, value_text=display(c.parsed),
                         original_text=display(c.original), parsed=c.parsed, original=c.original, actor=c.actor,
                         at=c.at, active=c.active)


def read_out(stores: Stores, sid: str) -> ReadOut:
    store = CorrectionStore(stores.records)
    state = store.read_state(sid)
    if state is None:
        raise ApiError(404, "not_found", f"没有编号为“{sid}”的材料", "no such submission")
    history = store.history(sid)
    return ReadOut(submission_id=sid, certainty=state.certainty,
                   certainty_text=CERTAINTY_TERMS.get(state.certainty, state.certainty),
                   confirmed_by=state.confirmed_by, confirmed_at=state.confirmed_at, review_version=state.version,
                   corrections=[correction_out(c) for c in history if c.active],
                   replaced=[correction_out(c) for c in history if not c.active])


@router.get("/{sid}/corrections", response_model=ReadOut, summary="识别确定性与更正记录 / read certainty and corrections",
            responses=errors(401, 404))
def corrections(sid: str, stores: StoresDep, _user: CurrentUser) -> ReadOut:
    return read_out(stores, sid)


@router.post("/{sid}/corrections", status_code=201, response_model=CorrectedOut,
             summary="更正识别值（规则随即重查） / correct a read value",
             description="按字段路径更正一个识别值（原值保留）；更正后按规则重新预审，已作的审核决定在问题未变时保留。"
                         "字段路径不存在、值无法解析时返回 422，材料已被他人修改（expected_version 过期）时返回 409，均不作任何更改。",
             responses=errors(401, 404, 409, 422))
async def add_correction(sid: str, body: CorrectionIn, stores: StoresDep, settings: SettingsDep,
                         user: CurrentUser) -> CorrectedOut:
    request = CorrectionRequest(sid, body.field_path, body.value, user.name, body.expected_version)
    try:
        done = await run_in_threadpool(correct, stores.records, request, settings.profile)
    except ReviewError as err:
        raise review_error(err) from None
    return CorrectedOut(correction=correction_out(done.correction), findings_added=done.added,
                        findings_resolved=done.removed, read=read_out(stores, sid))


@router.post("/{sid}/confirm", response_model=ReadOut, summary="确认待核实的识别结果 / confirm an uncertain read",
             description="审核人核对原件后确认识别结果：待核实 → 已识别，记入审核日志。",
             responses=errors(401, 404, 409))
def confirm(sid: str, body: ConfirmIn, stores: StoresDep, user: CurrentUser) -> ReadOut:
    try:
        CorrectionStore(stores.records).confirm(sid, user.name, expected_version=body.expected_version)
    except ReviewError as err:
        raise review_error(err) from None
    return read_out(stores, sid)
