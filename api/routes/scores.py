"""复核打分 (issue 15 item 8): a reviewer's scores of a submission's forms beside the self-scores,
and the results list by 复核 grade band for budget arrangement (结果应用).

``GET/PUT /api/v1/submissions/{sid}/scores`` and ``GET /api/v1/scores/export.xlsx``; the work is
:class:`assistant.stores.scores.ScoreStore`, the workbook :mod:`assistant.review.results`."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import CurrentUser, SettingsDep, StoresDep
from api.schemas import (
    ApiError,
    FormScoreOut,
    ScoreCapOut,
    ScoreItemOut,
    ScoresUpdate,
    SubmissionScoresOut,
    errors,
)
from assistant.review.errors import Conflict, Invalid, NotFound, ReviewError
from assistant.review.results import results_xlsx
from assistant.review.scores import Adjustment
from assistant.stores.scores import FormScore, ScoreRequest, ScoreStore

router = APIRouter(tags=["scores"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SidPath = Annotated[str, Path(max_length=64, description="材料编号")]


def form_out(form: FormScore) -> FormScoreOut:
    s = form.score
    cap = None if s.cap is None else ScoreCapOut(exec_rate=s.cap.exec_rate, below=s.cap.below,
                                                 max_total=s.cap.max_total, uncapped=s.cap.uncapped,
                                                 source=s.cap.source, text=s.cap.text)
    return FormScoreOut(
        evaluation_idx=form.evaluation_idx, project=form.project, version=form.version, scored=form.scored,
        scored_by=form.scored_by, scored_at=form.scored_at, profile=s.profile, profile_title=s.profile_title,
        exec_rate=s.exec_rate,
        self_total=s.self_total, self_grade=s.self_grade, uncapped=s.uncapped, total=s.total, grade=s.grade,
        gap=s.gap, cap=cap,
        items=[ScoreItemOut(item=i.item, name=i.name, weight=i.weight, self_score=i.self_score,
                            review_score=i.review_score, reason=i.reason, adjusted=i.adjusted) for i in s.items])


def api_error(err: ReviewError) -> ApiError:
    """A refused review action as the API answers it (the Chinese message is the reviewer's)."""
    if isinstance(err, NotFound):
        return ApiError(404, "not_found", str(err), "not found")
    if isinstance(err, Conflict):
        return ApiError(409, "conflict", str(err), "changed since it was loaded")
    if isinstance(err, Invalid):
        return ApiError(422, "invalid_score", str(err), "invalid review score")
    return ApiError(422, "invalid_request", str(err), "refused")


@router.get("/submissions/{sid}/scores", response_model=SubmissionScoresOut,
            summary="复核得分与自评得分 / review scores beside the self-scores", responses=errors(401, 404))
def get_scores(sid: SidPath, stores: StoresDep, settings: SettingsDep, _user: CurrentUser) -> SubmissionScoresOut:
    try:
        forms = ScoreStore(stores.records, settings.profile).form_scores(sid)
    except ReviewError as err:
        raise api_error(err) from err
    return SubmissionScoresOut(submission_id=sid, forms=[form_out(f) for f in forms])


@router.put("/submissions/{sid}/scores", response_model=FormScoreOut,
            summary="复核打分：调整指标与预算执行率得分（逐项说明理由） / score a form",
            responses=errors(401, 404, 409, 422))
def put_scores(sid: SidPath, body: ScoresUpdate, stores: StoresDep, settings: SettingsDep,
               user: CurrentUser) -> FormScoreOut:
    request = ScoreRequest(sid, body.evaluation_idx,
                           tuple(Adjustment(a.item, a.score, a.reason) for a in body.adjustments),
                           actor=user.name, expected_version=body.version, admin=user.is_admin)
    try:
        form = ScoreStore(stores.records, settings.profile).save(request)
    except ReviewError as err:
        raise api_error(err) from err
    return form_out(form)


@router.get("/scores/export.xlsx", summary="按复核等级列出项目（结果应用） / projects by review grade band",
            response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "工作表“按复核等级”与“汇总”"}, **errors(401, 422)})
def export_scores(stores: StoresDep, settings: SettingsDep, _user: CurrentUser,
                  year: Annotated[int | None, Query(ge=1990, le=2100, description="年度")] = None,
                  department: Annotated[str | None, Query(max_length=256, description="主管部门（精确匹配）")] = None,
                  unit: Annotated[str | None, Query(max_length=256, description="预算单位（精确匹配）")] = None,
                  ) -> Response:
    lines = ScoreStore(stores.records, settings.profile).listing(year=year, department=department, unit=unit)
    name = f"复核结果_{year or '全部年度'}_{date.today():%Y%m%d}.xlsx"
    return Response(results_xlsx(lines), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=\"scores.xlsx\"; filename*=utf-8''{quote(name)}"})
