"""``/api/v1/submissions``: upload (→ a job), list, detail, original file, delete, re-check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response

from api.deps import AdminUser, CurrentUser, JobsDep, PageNumber, SettingsDep, StoresDep, UploadingUser
from api.jobs import CHUNK, Upload
from api.routes.findings import ProjectLike, UnitLike, finding_out
from api.schemas import (
    ApiError,
    DecisionCounts,
    JobOut,
    PassageOut,
    Provenance,
    RecheckOut,
    ReviewState,
    SeverityCounts,
    SubmissionDetail,
    SubmissionPage,
    SubmissionSummaryOut,
    errors,
    moves_out,
    not_found,
)
from assistant.checker.export import project_of
from assistant.checker.recheck import recheck_one
from assistant.glossary import KIND_TERMS, STATUS_TERMS
from assistant.retrieval.hybrid import location_of
from assistant.review.certainty import CERTAINTY_TERMS
from assistant.review.states import graph
from assistant.stores.browse import (
    SortKey,
    SubmissionListRow,
    SubmissionQuery,
    submission_page,
    submission_row,
)
from ingest.pipeline import original_path

router = APIRouter(prefix="/submissions", tags=["submissions"])

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}

# --- upload ------------------------------------------------------------------------------------

async def _save(upload: UploadFile, target: Path, cap: int) -> bool:
    """Copy an upload to ``target``; False (and nothing kept) when it exceeds ``cap`` bytes."""
    size = 0
    with target.open("wb") as out:
        while block := await upload.read(CHUNK):
            size += len(block)
            if size > cap:
                break
            out.write(block)
    if size > cap:
        target.unlink(missing_ok=True)
        return False
    return True


def _refuse(job: Upload) -> ApiError:
    failed = [f for f in job.files if f.stage == "failed"]
    too_large = any(f.code == "file_too_large" for f in failed)
    names = "；".join(f"{f.name}（{f.reason}）" for f in failed[:5])
    if too_large:
        return ApiError(413, "file_too_large", f"文件超过大小上限：{names}", f"file too large: {names}")
    code = failed[0].code if failed and failed[0].code else "unsupported_format"
    return ApiError(415, code, f"没有可以接收的文件：{names}", f"no acceptable file: {names}")


@router.post("", status_code=202, response_model=JobOut, summary="上传材料（可多个文件或 zip） / upload files",
             description="文件按内容识别类型（.docx .pdf .xlsx .txt .md，或含这些文件的 .zip），单个文件不超过 "
                         "`ZIPING_MAX_UPLOAD_MB`；每人每分钟上传次数有上限（`ZIPING_API_UPLOAD_PER_MINUTE`）。返回入库任务；用 `/api/v1/jobs/{id}` 或其 `/events`（SSE）看进度。"
                         "部分文件无法接收时，任务中这些文件为 failed 并给出原因；全部无法接收时返回 413/415。",
             responses=errors(401, 413, 415, 422, 429))
async def upload(
    request: Request, jobs: JobsDep, stores: StoresDep, user: UploadingUser,
    files: Annotated[list[UploadFile], File(description="一个或多个文件 / one or more files")],
    year: Annotated[int | None, Form(ge=1990, le=2100, description="文件未写明年度时使用 / year when the file has none")] = None,
    unit: Annotated[str | None, Form(max_length=256, description="文件未写明单位时使用")] = None,
    defer_vectors: Annotated[bool, Form(description="暂不向量化（预审更快，文档问答稍后可用）")] = False,
    force: Annotated[bool, Form(description="内容相同的文件也重新入库")] = False,
    replaces: Annotated[str | None, Form(max_length=64, description="重报：上传的文件作为该材料的新版本")] = None,
) -> JobOut:
    if not files:
        raise ApiError(422, "no_files", "请选择要上传的文件", "no files in the request")
    if replaces and await run_in_threadpool(stores.records.get_summary, replaces) is None:
        raise not_found("要重报的材料", "submission to replace")
    limit = request.app.state.api_settings.max_files
    if len(files) > limit:
        raise ApiError(422, "too_many_files", f"一次最多上传 {limit} 个文件", f"at most {limit} files per upload")
    job = await run_in_threadpool(jobs.new_job, user.name, defer_vectors=defer_vectors, force=force, year=year,
                                  unit=unit.strip() if unit else None, replaces=replaces or None,
                                  bureau=user.bureau)
    try:
        for f in files:
            name, target = jobs.upload_path(job, f.filename)
            if await _save(f, target, jobs.cap_for(name)):
                await run_in_threadpool(jobs.accept, job, name, target)
            else:
                jobs.reject_too_large(job, name)
    except BaseException:
        jobs.discard(job)
        raise
    if not any(f.path is not None for f in job.files):
        jobs.discard(job)
        raise _refuse(job)
    return JobOut.model_validate(await run_in_threadpool(jobs.submit, job))


# --- list --------------------------------------------------------------------------------------

def summary_out(r: SubmissionListRow) -> SubmissionSummaryOut:
    return SubmissionSummaryOut(
        id=r.id, file_name=r.file_name, format=r.format, kind=r.kind, kind_text=KIND_TERMS.get(r.kind, r.kind),
        unit=r.unit, department=r.department, year=r.year, status=r.status,
        status_text=STATUS_TERMS.get(r.status, r.status), status_reason=r.status_reason, projects=r.projects,
        total_score=r.total_score, grade=r.grade, exec_rate=r.exec_rate,
        counts=SeverityCounts(error=r.errors, warning=r.warnings, info=r.infos),
        created_at=r.created_at, updated_at=r.updated_at, certainty=r.certainty,
        certainty_text=CERTAINTY_TERMS.get(r.certainty, r.certainty), state=r.state, state_text=graph().term(r.state),
        assignee=r.assignee, due_date=r.due_date, review_version=r.review_version,
        decisions=DecisionCounts(open=r.open, confirmed=r.confirmed, false_positive=r.false_positive, fixed=r.fixed))


@router.get("", response_model=SubmissionPage, summary="材料列表：筛选、排序、分页 / list submissions",
            description="分数与执行率范围对任一张自评表成立即命中；排序字段前加 `-` 为降序。",
            responses=errors(401, 422))
def list_submissions(
    stores: StoresDep, _user: CurrentUser,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    unit: Annotated[str | None, Query(max_length=256, description="预算单位（精确匹配）")] = None,
    department: Annotated[str | None, Query(max_length=256, description="主管部门（精确匹配）")] = None,
    status: Annotated[Literal["ok", "needs_review", "failed"] | None, Query()] = None,
    kind: Annotated[Literal["table", "report", "department", "mixed", "unknown"] | None, Query()] = None,
    severity: Annotated[Literal["error", "warning", "info"] | None,
                        Query(description="只看有该严重程度审核发现的材料")] = None,
    score_min: Annotated[float | None, Query(description="总分下限")] = None,
    score_max: Annotated[float | None, Query(description="总分上限")] = None,
    exec_min: Annotated[float | None, Query(description="执行率下限（%）")] = None,
    exec_max: Annotated[float | None, Query(description="执行率上限（%）")] = None,
    q: Annotated[str | None, Query(max_length=100, description="在文件名、单位、部门、项目名中查找")] = None,
    state: Annotated[ReviewState | None, Query(description="审核状态")] = None,
    assignee: Annotated[str | None, Query(max_length=64, description="审核人")] = None,
    unit_like: UnitLike = None,
    project_like: ProjectLike = None,
    sort: Annotated[SortKey, Query(description="排序字段")] = "-updated",
    page: PageNumber = 1,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SubmissionPage:
    query = SubmissionQuery(year=year, unit=unit, department=department, status=status, kind=kind,
                            severity=severity, score_min=score_min, score_max=score_max, exec_min=exec_min,
                            exec_max=exec_max, q=q, sort=sort, states=(state,) if state else None, assignee=assignee,
                            unit_like=unit_like, project_like=project_like)
    total, rows = submission_page(stores.records, query, offset=(page - 1) * size, limit=size)
    items = [summary_out(r) for r in rows]
    return SubmissionPage(items=items, total=total, page=page, size=size)


# --- one submission ----------------------------------------------------------------------------

def _summary(stores, sid: str) -> SubmissionSummaryOut:
    row = submission_row(stores.records, sid)
    if row is None:
        raise not_found("这份材料", "submission")
    return summary_out(row)


@router.get("/{sid}", response_model=SubmissionDetail, summary="材料详情：规范 JSON、审核发现、来源",
            responses=errors(401, 404))
def detail(sid: str, stores: StoresDep, _user: CurrentUser) -> SubmissionDetail:
    summary = _summary(stores, sid)
    sub = stores.records.get_submission(sid)
    if sub is None:
        raise not_found("这份材料", "submission")
    findings = [finding_out(f, project=project_of(sub, f) or None, file_name=sub.file.name, unit=sub.unit,
                            year=sub.year) for f in stores.records.get_findings(sid)]
    chunks, embedded = stores.records.chunk_counts(sid)
    has_original = bool(sub.file.format) and original_path(stores, sid, sub.file.format).exists()
    provenance = Provenance(
        file_name=sub.file.name or None, sha256=sub.file.sha256 or None, format=sub.file.format or None,
        pages=sub.file.pages, size=sub.file.size, scanned=sub.file.scanned,
        original_url=f"/api/v1/submissions/{sid}/original" if has_original else None,
        stored_at=summary.created_at, updated_at=summary.updated_at, chunks=chunks, embedded=embedded)
    return SubmissionDetail(summary=summary, submission=sub.to_dict(), findings=findings, provenance=provenance,
                            moves=moves_out(summary.state))


@router.get("/{sid}/original", summary="原始文件 / the original file", response_class=FileResponse,
            description="PDF 以 inline 方式返回，可在浏览器中按 `#page=N` 打开到指定页。",
            responses={200: {"content": {t.split(";")[0]: {} for t in MEDIA_TYPES.values()}}, **errors(401, 404)})
def original(sid: str, stores: StoresDep, _user: CurrentUser) -> FileResponse:
    summary = stores.records.get_summary(sid)
    if summary is None or not summary.format:
        raise not_found("这份材料", "submission")
    path = original_path(stores, sid, summary.format)
    if not path.exists():
        raise not_found("这份材料的原始文件", "original file")
    media = MEDIA_TYPES.get(summary.format, "application/octet-stream")
    return FileResponse(path, media_type=media, filename=summary.file_name or path.name,
                        content_disposition_type="inline" if summary.format == "pdf" else "attachment")


@router.delete("/{sid}", status_code=204, response_class=Response, summary="删除材料（管理员） / delete",
               responses=errors(401, 403, 404))
def delete(sid: str, stores: StoresDep, jobs: JobsDep, _admin: AdminUser) -> Response:
    summary = stores.records.get_summary(sid)
    if summary is None:
        raise not_found("这份材料", "submission")
    with jobs.write_lock:
        stores.delete_submission(sid)
    if summary.format:
        original_path(stores, sid, summary.format).unlink(missing_ok=True)
    return Response(status_code=204)


@router.post("/{sid}/recheck", response_model=RecheckOut, summary="按当前规则重新预审 / re-check",
             responses=errors(401, 404))
def recheck(sid: str, stores: StoresDep, settings: SettingsDep, _user: CurrentUser) -> RecheckOut:
    done = recheck_one(stores.records, sid, settings.profile)
    if done is None:
        raise not_found("这份材料", "submission")
    return RecheckOut(submission_id=sid, profile=done.profile, profile_version=done.version, findings=done.after, counts=SeverityCounts(**done.counts))


@router.get("/{sid}/passages/{chunk_id}", response_model=PassageOut, summary="引用的原文片段 / a cited passage",
            responses=errors(401, 404))
def passage(sid: str, chunk_id: str, stores: StoresDep, _user: CurrentUser) -> PassageOut:
    found = stores.records.get_chunks([chunk_id])
    if not found or found[0].submission_id != sid:
        raise not_found("这段原文", "passage")
    c = found[0]
    loc = location_of(c.metadata)
    summary = stores.records.get_summary(sid)
    return PassageOut(id=c.id, submission_id=c.submission_id, kind=c.kind, text=c.text, metadata=c.metadata,
                      location={k: getattr(loc, k) for k in ("file", "page", "table", "row", "col", "paragraph",
                                                             "sheet", "field")},
                      location_text=loc.describe(), file_name=summary.file_name if summary else None)
