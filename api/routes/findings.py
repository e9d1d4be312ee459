"""``/api/v1/findings``: the checker's findings across submissions, filtered, and as an Excel workbook."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import CurrentUser, PageNumber, StoresDep
from api.schemas import FindingOut, FindingPage, OccurrenceOut, errors
from assistant.checker.export import CheckedFile, location_text, to_csv, to_xlsx
from assistant.checker.registry import rule_title
from assistant.glossary import DECISION_TERMS, SEVERITY_TERMS
from assistant.model import Finding, Location
from assistant.stores.browse import FindingQuery, finding_page, findings_by_submission
from assistant.stores.exports import review_states
from assistant.stores.scores import ScoreStore

router = APIRouter(prefix="/findings", tags=["findings"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def finding_out(f: Finding, *, project: str | None = None, file_name: str | None = None,
                unit: str | None = None, year: int | None = None) -> FindingOut:
    if project is None and f.location.field == "sections":
        project = "自评报告"
    return FindingOut(
        id=f.id, submission_id=f.submission_id, rule=f.rule, rule_title=rule_title(f.rule), severity=f.severity,
        severity_text=SEVERITY_TERMS.get(f.severity, f.severity), message=f.message,
        location=_location(f.location), location_text=location_text(f), evidence=f.evidence,
        suggestion=f.suggestion, source=f.source, project=project, file_name=file_name or f.location.file,
        unit=unit, year=year,
        occurrences=[OccurrenceOut(location=_location(o.location), location_text=o.location.describe(),
                                   evidence=o.evidence, message=o.message, rule=o.rule,
                                   rule_title=rule_title(o.rule) if o.rule else None) for o in f.occurrences],
        decision=f.decision, decision_text=DECISION_TERMS.get(f.decision, f.decision), decision_reason=f.decision_reason,
        decision_comment=f.decision_comment, decided_by=f.decided_by, decided_at=f.decided_at, resolved=f.resolved,
        version=f.version)


def _location(loc: Location) -> dict[str, Any]:
    return {k: getattr(loc, k) for k in ("file", "page", "table", "row", "col", "paragraph", "sheet", "field")}


# the fuzzy name filters (assistant.fuzzy), shared with the submission list
UnitLike = Annotated[str | None, Query(max_length=100, description="预算单位（模糊：名称的一部分或拼音首字母，如 xzx）")]
ProjectLike = Annotated[str | None, Query(max_length=100, description="项目名称（模糊：名称的一部分或拼音首字母）")]


def finding_filters(
    submission_id: Annotated[str | None, Query(max_length=64, description="材料编号")] = None,
    rule: Annotated[str | None, Query(max_length=64, description="规则代码，如 CALC-IND-001")] = None,
    severity: Annotated[Literal["error", "warning", "info"] | None, Query(description="严重程度")] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="年度")] = None,
    unit: Annotated[str | None, Query(max_length=256, description="预算单位（精确匹配）")] = None,
    department: Annotated[str | None, Query(max_length=256, description="主管部门（精确匹配）")] = None,
    q: Annotated[str | None, Query(max_length=100, description="在问题说明、文件名、单位中查找")] = None,
    decision: Annotated[Literal["open", "confirmed", "false_positive", "fixed"] | None,
                        Query(description="审核决定：open 待定 / confirmed 确认 / false_positive 误报 / fixed 已整改；"
                                          "不填时不含误报")] = None,
    with_false_positives: Annotated[bool, Query(description="不按决定筛选时也列出误报")] = False,
    unit_like: UnitLike = None,
    project_like: ProjectLike = None,
) -> FindingQuery:
    return FindingQuery(submission_id, rule, severity, year, unit, department, q, decision=decision,
                        with_false_positives=with_false_positives, unit_like=unit_like, project_like=project_like)


FiltersDep = Annotated[FindingQuery, Depends(finding_filters)]


@router.get("", response_model=FindingPage, summary="审核发现列表 / list findings", responses=errors(401, 422))
def list_findings(stores: StoresDep, _user: CurrentUser, filters: FiltersDep,
                  page: PageNumber = 1,
                  size: Annotated[int, Query(ge=1, le=500)] = 50) -> FindingPage:
    total, found = finding_page(stores.records, filters, offset=(page - 1) * size, limit=size)
    items = [finding_out(c.finding, project=c.project_name or c.evaluation_department, file_name=c.file_name,
                         unit=c.unit, year=c.year) for c in found]
    return FindingPage(items=items, total=total, page=page, size=size)


def export_items(stores: Any, filters: FindingQuery, limit: int = 5000) -> list[CheckedFile]:
    """The stored submissions behind the filtered findings, as the checker's export expects."""
    by_sub = findings_by_submission(stores.records, filters)
    subs = stores.records.get_submissions(list(by_sub)[:limit])
    states = review_states(stores.records, [sub.id for sub in subs])
    reviewed = ScoreStore(stores.records).scored(s.id for s in subs)  # 复核打分 beside the self-score
    return [CheckedFile(source=sub.id, submission=sub, findings=by_sub[sub.id], review_state=states.get(sub.id),
                        scores=[(ev.total_score, reviewed[(sub.id, i)].score.total if (sub.id, i) in reviewed else None)
                                for i, ev in enumerate(sub.evaluations)]) for sub in subs]


def attachment(data: bytes, media_type: str, ascii_name: str, name: str) -> Response:
    """A download named in Chinese (RFC 5987) with an ASCII fallback."""
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=utf-8''{quote(name)}"})


CSV = "text/csv; charset=utf-8"


@router.get("/export.xlsx", summary="导出审核发现 Excel / export findings as .xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "工作表“审核发现”与“汇总”"}, **errors(401, 422)})
def export_findings(stores: StoresDep, _user: CurrentUser, filters: FiltersDep) -> Response:
    data = to_xlsx(export_items(stores, filters))
    return attachment(data, XLSX, "findings.xlsx", f"审核发现_{date.today():%Y%m%d}.xlsx")


@router.get("/export.csv", summary="导出审核发现 CSV / export findings as .csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "UTF-8（带 BOM，Excel 可直接打开）"},
                       **errors(401, 422)})
def export_findings_csv(stores: StoresDep, _user: CurrentUser, filters: FiltersDep) -> Response:
    data = to_csv(export_items(stores, filters), "findings")
    return attachment(data, CSV, "findings.csv", f"审核发现_{date.today():%Y%m%d}.csv")
