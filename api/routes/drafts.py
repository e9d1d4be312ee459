"""``/api/v1/drafts``: review comments (审核意见) and the annual draft, versioned, as Word.

A draft is named by its key — ``review:<submission id>`` or ``annual:<year>:<scope>`` (scope
``all``, ``department:<name>`` or ``unit:<name>``). Generating and every change go through
:func:`assistant.drafting.revise`, which rebuilds the draft from the records with the
reviewer's exclusions and text edits and saves it as the next version (nothing is overwritten;
an unchanged draft adds no version).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import CurrentUser, JobsDep, SettingsDep, StoresDep
from api.jobs import job_view
from api.schemas import (
    AnnualDraftRequest,
    ApiError,
    DraftBatchRequest,
    DraftListItem,
    DraftUpdate,
    DraftVersionOut,
    DraftVersionSummary,
    JobOut,
    LetterheadIn,
    ReviewDraftRequest,
    errors,
    not_found,
)
from api.users import User
from assistant.drafting import DraftStore, DraftVersion, revise, to_docx
from assistant.drafting.annual import annual_key
from assistant.drafting.review import review_key
from assistant.settings import Settings
from assistant.stats import Scope
from assistant.stores.letterheads import Letterhead, LetterheadStore
from ingest.jobs import draft_payload

router = APIRouter(prefix="/drafts", tags=["drafts"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_drafts(stores: StoresDep) -> DraftStore:
    # one per request: it reads through the request's bureau view of the records
    return DraftStore(stores.records)


DraftsDep = Annotated[DraftStore, Depends(get_drafts)]


def _letterhead(stores, user: User, given: LetterheadIn | None) -> dict[str, str]:
    """The letterhead of this draft: the one given (then saved as the user's), else the user's saved one."""
    store = LetterheadStore(stores.records.engine)
    if given is not None:
        return store.save(user.name, Letterhead.of(given.model_dump())).to_dict()
    return store.get(user.name).to_dict()


def _summary(v: DraftVersion) -> dict[str, Any]:
    return {"key": v.key, "version": v.version, "editor": v.editor, "action": v.action,
            "created_at": v.created_at, "note": v.note, "excluded": list(v.excluded),
            "edited_blocks": sorted(v.edits)}


def version_out(v: DraftVersion) -> DraftVersionOut:
    return DraftVersionOut(**_summary(v), draft=v.draft.to_dict(), unsupported=v.draft.unsupported())


def _llm(settings: Settings, polish: bool) -> Any:
    if not polish:
        return None
    from assistant.chat_model import chat_model

    model = chat_model(settings)
    if model is None:
        raise ApiError(400, "llm_not_configured", "未配置大模型（ZIPING_LLM_BASE_URL、ZIPING_LLM_MODEL），无法润色",
                       "no LLM configured: set ZIPING_LLM_BASE_URL and ZIPING_LLM_MODEL to polish")
    return model


def _known_findings(stores, ids: list[str], submission_id: str | None = None) -> None:
    if not ids:
        return
    known = {f.id for f in stores.records.get_findings(submission_id)}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ApiError(400, "unknown_findings", f"没有这些审核发现：{'、'.join(unknown[:5])}",
                       f"unknown finding ids: {', '.join(unknown[:5])}")


def _revise(stores, drafts: DraftStore, key: str, user: User, **kwargs: Any) -> DraftVersion:
    try:
        return revise(stores.records, drafts, key, editor=user.name, **kwargs)
    except KeyError as err:
        raise not_found("这份材料", "submission") from err
    except ValueError as err:
        raise ApiError(400, "bad_draft", f"无法生成稿件：{err}", f"cannot build the draft: {err}") from err


def _latest(drafts: DraftStore, key: str, version: int | None = None) -> DraftVersion:
    found = drafts.latest(key) if version is None else drafts.get(key, version)
    if found is None:
        raise not_found("这份稿件" if version is None else "这个版本", "draft")
    return found


@router.get("", response_model=list[DraftListItem], summary="已有的稿件 / drafts on record", responses=errors(401))
def list_drafts(drafts: DraftsDep, _user: CurrentUser,
                kind: Annotated[str | None, Query(pattern="^(review|annual)$")] = None) -> list[DraftListItem]:
    out = []
    for key in drafts.keys(kind):
        v = drafts.latest(key)
        if v is not None:
            out.append(DraftListItem(key=key, kind=v.draft.kind, title=v.draft.title,
                                     latest=DraftVersionSummary(**_summary(v))))
    return out


@router.post("/review/{sid}", response_model=DraftVersionOut, summary="生成（或重新生成）审核意见 / review draft",
             description="按材料的审核发现起草审核意见并存为新版本；`exclude` 排除误报的审核发现。",
             responses=errors(400, 401, 404))
def review_draft(sid: str, body: ReviewDraftRequest, stores: StoresDep, drafts: DraftsDep, settings: SettingsDep,
                 user: CurrentUser) -> DraftVersionOut:
    if stores.records.get_summary(sid) is None:
        raise not_found("这份材料", "submission")
    _known_findings(stores, [*body.exclude, *body.include], sid)
    v = _revise(stores, drafts, review_key(sid), user, exclude=body.exclude, include=body.include, note=body.note,
                llm=_llm(settings, body.polish),
                params={"letterhead": _letterhead(stores, user, body.letterhead), "annex": body.annex})
    return version_out(v)


@router.post("/annual", response_model=DraftVersionOut, summary="生成年度报告“问题与措施”草稿 / annual draft",
             description="统计数字来自 `GET /stats/{year}`；每个数字都可追溯到材料与审核发现。",
             responses=errors(400, 401, 422))
def annual_draft(body: AnnualDraftRequest, stores: StoresDep, drafts: DraftsDep, settings: SettingsDep,
                 user: CurrentUser) -> DraftVersionOut:
    try:
        scope = Scope(body.scope, body.name.strip() if body.name else None)  # type: ignore[arg-type]
    except ValueError as err:
        raise ApiError(400, "bad_scope", "按部门或单位起草时须填写名称", f"invalid scope: {err}") from err
    _known_findings(stores, [*body.exclude, *body.include])
    v = _revise(stores, drafts, annual_key(body.year, scope), user, exclude=body.exclude, include=body.include,
                note=body.note, llm=_llm(settings, body.polish),
                params={"with_statistics": body.with_statistics, "anonymise": body.anonymise,
                        "letterhead": _letterhead(stores, user, body.letterhead)})
    return version_out(v)


@router.post("/batch", status_code=202, response_model=JobOut,
             summary="批量起草：多份审核意见、年度草稿作为后台任务 / draft many as a job",
             description="为每份材料起草审核意见、为每个年度范围起草年度草稿，各存为该稿件的新版本；"
                         "返回任务，用 `/api/v1/jobs/{id}` 看逐份进度，完成后在 `/api/v1/drafts` 查看和下载。",
             responses=errors(400, 401, 404, 422))
def draft_batch(body: DraftBatchRequest, stores: StoresDep, jobs: JobsDep, user: CurrentUser) -> JobOut:
    if not body.submission_ids and not body.annual:
        raise ApiError(422, "nothing_to_draft", "请至少选择一份材料或一个年度", "no submissions or years to draft")
    sids = list(dict.fromkeys(body.submission_ids))
    missing = [sid for sid in sids if stores.records.get_summary(sid) is None]
    if missing:
        raise ApiError(404, "not_found", f"没有这些材料：{'、'.join(missing[:5])}",
                       f"unknown submission ids: {', '.join(missing[:5])}")
    letterhead = _letterhead(stores, user, body.letterhead)
    items = [(review_key(sid), {"letterhead": letterhead, "annex": body.annex}) for sid in sids]
    for a in body.annual:
        try:
            scope = Scope(a.scope, a.name.strip() if a.name else None)  # type: ignore[arg-type]
        except ValueError as err:
            raise ApiError(400, "bad_scope", "按部门或单位起草时须填写名称", f"invalid scope: {err}") from err
        items.append((annual_key(a.year, scope), {"with_statistics": body.with_statistics, "anonymise": body.anonymise,
                                                  "letterhead": letterhead}))
    payload, files = draft_payload(items, user.name, bureau=stores.records.bureau, home=stores.records.home)
    job = jobs.store.enqueue("draft", user.name, payload, files, total=len(files))
    jobs.runner.wake.set()
    return JobOut.model_validate(job_view(job))


@router.get("/letterhead", response_model=LetterheadIn, summary="本人保存的发文信息 / my saved letterhead",
            responses=errors(401))
def get_letterhead(stores: StoresDep, user: CurrentUser) -> LetterheadIn:
    return LetterheadIn(**LetterheadStore(stores.records.engine).get(user.name).to_dict())


@router.put("/letterhead", response_model=LetterheadIn, summary="保存发文信息 / save my letterhead",
            responses=errors(401, 422))
def put_letterhead(body: LetterheadIn, stores: StoresDep, user: CurrentUser) -> LetterheadIn:
    return LetterheadIn(**LetterheadStore(stores.records.engine).save(user.name, Letterhead.of(body.model_dump())).to_dict())


@router.get("/{key}", response_model=DraftVersionOut, summary="稿件（最新或指定版本） / a draft",
            responses=errors(401, 404))
def get_draft(key: str, drafts: DraftsDep, _user: CurrentUser,
              version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> DraftVersionOut:
    return version_out(_latest(drafts, key, version))


@router.put("/{key}", response_model=DraftVersionOut, summary="修改稿件：改文字、排除或恢复审核发现 / revise",
            description="保存为新版本（记录修改人与时间）。带 `base_version` 时，若已有更新的版本则返回 409。",
            responses=errors(400, 401, 404, 409))
def update_draft(key: str, body: DraftUpdate, stores: StoresDep, drafts: DraftsDep,
                 user: CurrentUser) -> DraftVersionOut:
    latest = _latest(drafts, key)
    if body.base_version is not None and body.base_version != latest.version:
        raise ApiError(409, "version_conflict",
                       f"稿件已有更新的第{latest.version}版（{latest.editor}），请刷新后再修改",
                       f"the draft has a newer version {latest.version}; reload before editing")
    known_blocks = {b.key for b in latest.draft.blocks}
    unknown = [k for k in body.edits if k not in known_blocks and k not in latest.edits]
    if unknown:
        raise ApiError(400, "unknown_blocks", f"没有这些段落：{'、'.join(unknown[:5])}",
                       f"unknown block keys: {', '.join(unknown[:5])}")
    _known_findings(stores, [*body.exclude, *body.include], latest.draft.meta.get("submission_id"))
    v = _revise(stores, drafts, key, user, exclude=body.exclude, include=body.include, edits=body.edits,
                note=body.note)
    return version_out(v)


@router.get("/{key}/versions", response_model=list[DraftVersionSummary], summary="版本列表 / versions",
            responses=errors(401, 404))
def versions(key: str, drafts: DraftsDep, _user: CurrentUser) -> list[DraftVersionSummary]:
    found = drafts.versions(key)
    if not found:
        raise not_found("这份稿件", "draft")
    return [DraftVersionSummary(**_summary(v)) for v in found]


@router.get("/{key}/docx", response_class=Response, summary="下载 Word / the draft as .docx",
            responses={200: {"content": {DOCX: {}}}, **errors(401, 404)})
def docx(key: str, drafts: DraftsDep, _user: CurrentUser,
         version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> Response:
    v = _latest(drafts, key, version)
    meta = v.draft.meta
    if v.draft.kind == "review":
        name = f"审核意见_{meta.get('unit') or ''}_{meta.get('submission_id') or ''}_第{v.version}版.docx"
    else:
        name = f"{meta.get('year') or ''}年度报告_问题与措施_第{v.version}版.docx"
    ascii_name = f"{key.replace(':', '_')}_v{v.version}.docx".encode("ascii", "replace").decode().replace("?", "_")
    return Response(to_docx(v.draft), media_type=DOCX, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=utf-8''{quote(name)}"})
