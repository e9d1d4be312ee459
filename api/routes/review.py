"""The review season's routes (issue 15): a decision on a finding, a submission's state and
reviewer, batch actions, the queues and the audit log.

Thin shells over :class:`assistant.stores.review.ReviewStore`: a refused action raises a
:class:`~assistant.review.errors.ReviewError` that the app renders as 403/404/409/422 with the
review's Chinese message (``api.app``). The audit log can be read and exported, never changed:
there is no route that writes to it except through the actions it records.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ActorDep, PageNumber, ReviewDep, StoresDep
from api.routes.findings import ProjectLike, UnitLike, finding_out
from api.routes.submissions import summary_out
from api.schemas import (
    AssignIn,
    BatchIn,
    BatchItemOut,
    BatchOut,
    DecisionIn,
    EventList,
    EventOut,
    FindingOut,
    ReviewOut,
    StateIn,
    SubmissionPage,
    errors,
    moves_out,
    not_found,
    review_error,
)
from assistant.glossary import EVENT_TERMS
from assistant.review.decisions import DecisionRequest
from assistant.review.errors import Invalid
from assistant.review.events import describe, to_csv
from assistant.review.queues import queue
from assistant.review.states import graph
from assistant.stores.browse import SubmissionQuery, submission_page
from assistant.stores.review import SubmissionReview

router = APIRouter(tags=["review"])

CSV = "text/csv; charset=utf-8"


def review_out(r: SubmissionReview) -> ReviewOut:
    return ReviewOut(submission_id=r.submission_id, state=r.state, state_text=graph().term(r.state),
                     assignee=r.assignee, due_date=r.due_date, version=r.version, moves=moves_out(r.state))


@router.post("/findings/{fid}/decision", response_model=FindingOut, summary="对审核发现作出决定 / decide a finding",
             description="确认、误报（须填理由）、已整改或改回待定。带上页面加载时的 `version`："
                         "该发现已被他人修改时返回 409，什么也不改。决定写入审核日志。",
             responses=errors(401, 403, 404, 409, 422))
def decide(fid: str, body: DecisionIn, review: ReviewDep, actor: ActorDep) -> FindingOut:
    found = review.decide(DecisionRequest(fid, body.decision, actor.name, body.reason, body.comment, body.version),
                          admin=actor.admin)
    return finding_out(found)


@router.post("/submissions/{sid}/state", response_model=ReviewOut, summary="变更审核状态 / change the review state",
             description="只允许状态图中的变更（待审→审核中→通过/修改后通过/退回重报→已重报→审核中…），"
                         "其他变更返回 409；仍有待定的错误类发现时通过须填理由（否则 422）。",
             responses=errors(401, 403, 404, 409, 422))
def set_state(sid: str, body: StateIn, review: ReviewDep, actor: ActorDep) -> ReviewOut:
    return review_out(review.transition(sid, body.state, actor, reason=body.reason, expected_version=body.version))


@router.post("/submissions/{sid}/assign", response_model=ReviewOut, summary="分派审核人与期限 / assign a reviewer",
             description="审核人须为在用用户；`assignee` 为空即取消分派。审核人员只能分派未分派或分派给自己的材料。",
             responses=errors(401, 403, 404, 409, 422))
def assign(sid: str, body: AssignIn, review: ReviewDep, actor: ActorDep) -> ReviewOut:
    return review_out(review.assign(sid, body.assignee, actor, due_date=body.due_date, reason=body.reason,
                                    expected_version=body.version))


@router.post("/review/batch", response_model=BatchOut, summary="批量操作：改状态、分派、同一规则批量决定",
             description="逐份办理，互不影响：每份材料返回办理结果或未办理的原因。",
             responses=errors(401, 422))
def batch(body: BatchIn, review: ReviewDep, actor: ActorDep) -> BatchOut:
    ids = body.submission_ids
    if body.action == "state":
        if body.state is None:
            raise review_error(Invalid("批量改状态须指定目标状态（state）"))
        outcomes = review.batch_transition(ids, body.state, actor, reason=body.reason)
    elif body.action == "assign":
        outcomes = review.batch_assign(ids, body.assignee, actor, due_date=body.due_date)
    else:
        if not body.rule or body.decision is None:
            raise review_error(Invalid("批量决定须指定规则代码（rule）与审核决定（decision）"))
        outcomes = review.batch_decide(ids, body.rule, body.decision, actor, reason=body.reason, comment=body.comment)
    items = [BatchItemOut(submission_id=o.submission_id, ok=o.ok, message=o.message, changed=o.changed,
                          state=o.review.state if o.review else None,
                          assignee=o.review.assignee if o.review else None) for o in outcomes]
    done = sum(1 for o in outcomes if o.ok)
    return BatchOut(done=done, refused=len(outcomes) - done, items=items)


@router.get("/review/queue", response_model=SubmissionPage, summary="审核队列：我的待办、未分派、已逾期、退回待重报",
            responses=errors(401, 422))
def review_queue(
    stores: StoresDep, actor: ActorDep,
    name: Annotated[Literal["mine", "unassigned", "overdue", "returned"],
                    Query(description="mine 我的待办 / unassigned 未分派 / overdue 已逾期 / returned 退回待重报")],
    unit_like: UnitLike = None,
    project_like: ProjectLike = None,
    page: PageNumber = 1,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SubmissionPage:
    f = queue(name, actor.name, date.today())
    q = SubmissionQuery(states=f.states, assignee=f.assignee, unassigned=f.unassigned, due_before=f.due_before,
                        sort="due" if name == "overdue" else "-updated", unit_like=unit_like, project_like=project_like)
    total, rows = submission_page(stores.records, q, offset=(page - 1) * size, limit=size)
    return SubmissionPage(items=[summary_out(r) for r in rows], total=total, page=page, size=size)


@router.get("/submissions/{sid}/events", response_model=EventList, summary="审核日志 / the audit log",
            description="这份材料的每一次决定、更正、状态变更、分派与出具意见，按时间先后；`format=csv` 导出表格。"
                        "日志只能追加，不能通过接口修改或删除。",
            responses={200: {"content": {"application/json": {}, CSV.split(";")[0]: {}}}, **errors(401, 404)})
def events(sid: str, stores: StoresDep, review: ReviewDep, _actor: ActorDep,
           format: Annotated[Literal["json", "csv"], Query(description="json 或 csv")] = "json",  # noqa: A002
           ) -> EventList | Response:
    found = review.events(sid)
    # the log of a deleted submission stays and may still be read; an id never seen is a 404
    if not found and stores.records.get_summary(sid) is None:
        raise not_found("这份材料", "submission")
    if format == "csv":
        name = f"审核日志_{sid}.csv"
        return Response(to_csv(found), media_type=CSV, headers={
            "Content-Disposition": f"attachment; filename=\"events.csv\"; filename*=utf-8''{quote(name)}"})
    return EventList(submission_id=sid, events=[
        EventOut(id=e.id, submission_id=e.submission_id, finding_id=e.finding_id, kind=e.kind,
                 kind_text=EVENT_TERMS.get(e.kind, e.kind), actor=e.actor, at=e.at, before=e.before, after=e.after,
                 reason=e.reason, summary=describe(e)) for e in found])
