"""``/api/v1/findings``: the checker's findings across submissions, filtered, and as an Excel workbook."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import Select

from api.deps import CurrentUser, StoresDep
from api.schemas import FindingOut, FindingPage, errors
from assistant.checker.export import CheckedFile, to_xlsx
from assistant.checker.registry import rule_title
from assistant.glossary import SEVERITY_TERMS
from assistant.model import Finding, Location, from_dict
from assistant.stores.records import EvaluationRow, FindingRow, SubmissionRow

router = APIRouter(prefix="/findings", tags=["findings"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def finding_out(f: Finding, *, project: str | None = None, file_name: str | None = None,
                unit: str | None = None, year: int | None = None) -> FindingOut:
    if project is None and f.location.field == "sections":
        project = "自评报告"
    return FindingOut(
        id=f.id, submission_id=f.submission_id, rule=f.rule, rule_title=rule_title(f.rule), severity=f.severity,
        severity_text=SEVERITY_TERMS.get(f.severity, f.severity), message=f.message,
        location={k: getattr(f.location, k) for k in ("file", "page", "table", "row", "col", "paragraph", "sheet",
                                                      "field")},
        location_text=f.location.describe(), evidence=f.evidence, suggestion=f.suggestion, source=f.source,
        project=project, file_name=file_name or f.location.file, unit=unit, year=year)


def _finding(r: FindingRow) -> Finding:
    return Finding(rule=r.rule, severity=r.severity, message=r.message,  # type: ignore[arg-type]
                   location=from_dict(Location, r.location or {}), evidence=r.evidence,
                   suggestion=r.suggestion, source=r.source, submission_id=r.submission_id, id=r.id)


@dataclass
class FindingFilters:
    """Query parameters shared by the list and the export."""

    submission_id: str | None = None
    rule: str | None = None
    severity: Literal["error", "warning", "info"] | None = None
    year: int | None = None
    unit: str | None = None
    department: str | None = None
    q: str | None = None

    def apply(self, stmt: Select) -> Select:
        if self.submission_id:
            stmt = stmt.where(FindingRow.submission_id == self.submission_id)
        if self.rule:
            stmt = stmt.where(FindingRow.rule == self.rule)
        if self.severity:
            stmt = stmt.where(FindingRow.severity == self.severity)
        if self.year is not None:
            stmt = stmt.where(SubmissionRow.year == self.year)
        if self.unit:
            stmt = stmt.where(SubmissionRow.unit == self.unit)
        if self.department:
            stmt = stmt.where(SubmissionRow.department == self.department)
        if self.q:
            like = f"%{self.q}%"
            stmt = stmt.where(or_(FindingRow.message.like(like), SubmissionRow.file_name.like(like),
                                  SubmissionRow.unit.like(like), FindingRow.rule.like(like)))
        return stmt


def finding_filters(
    submission_id: Annotated[str | None, Query(max_length=64, description="材料编号")] = None,
    rule: Annotated[str | None, Query(max_length=64, description="规则代码，如 CALC-IND-001")] = None,
    severity: Annotated[Literal["error", "warning", "info"] | None, Query(description="严重程度")] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="年度")] = None,
    unit: Annotated[str | None, Query(max_length=256, description="预算单位（精确匹配）")] = None,
    department: Annotated[str | None, Query(max_length=256, description="主管部门（精确匹配）")] = None,
    q: Annotated[str | None, Query(max_length=100, description="在问题说明、文件名、单位中查找")] = None,
) -> FindingFilters:
    return FindingFilters(submission_id, rule, severity, year, unit, department, q)


FiltersDep = Annotated[FindingFilters, Depends(finding_filters)]


def _base() -> Select:
    return (select(FindingRow, SubmissionRow.file_name, SubmissionRow.unit, SubmissionRow.year,
                   EvaluationRow.project_name, EvaluationRow.department)
            .join(SubmissionRow, SubmissionRow.id == FindingRow.submission_id)
            .outerjoin(EvaluationRow, and_(EvaluationRow.submission_id == FindingRow.submission_id,
                                           EvaluationRow.idx == FindingRow.evaluation_idx)))


@router.get("", response_model=FindingPage, summary="审核发现列表 / list findings", responses=errors(401, 422))
def list_findings(stores: StoresDep, _user: CurrentUser, filters: FiltersDep,
                  page: Annotated[int, Query(ge=1)] = 1,
                  size: Annotated[int, Query(ge=1, le=500)] = 50) -> FindingPage:
    stmt = filters.apply(_base())
    with stores.records.session() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = s.execute(stmt.order_by(SubmissionRow.updated_at.desc(), FindingRow.submission_id, FindingRow.seq)
                         .offset((page - 1) * size).limit(size)).all()
        items = [finding_out(_finding(r[0]), project=r[4] or r[5], file_name=r[1], unit=r[2], year=r[3])
                 for r in rows]
    return FindingPage(items=items, total=total, page=page, size=size)


def export_items(stores: Any, filters: FindingFilters, limit: int = 5000) -> list[CheckedFile]:
    """The stored submissions behind the filtered findings, as the checker's export expects."""
    stmt = filters.apply(_base()).order_by(FindingRow.submission_id, FindingRow.seq).limit(50_000)
    by_sub: dict[str, list[Finding]] = defaultdict(list)
    with stores.records.session() as s:
        for r in s.execute(stmt):
            by_sub[r[0].submission_id].append(_finding(r[0]))
    subs = stores.records.get_submissions(list(by_sub)[:limit])
    return [CheckedFile(source=sub.id, submission=sub, findings=by_sub[sub.id]) for sub in subs]


@router.get("/export.xlsx", summary="导出审核发现 Excel / export findings as .xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "工作表“审核发现”与“汇总”"}, **errors(401, 422)})
def export_findings(stores: StoresDep, _user: CurrentUser, filters: FiltersDep) -> Response:
    data = to_xlsx(export_items(stores, filters))
    name = f"审核发现_{date.today():%Y%m%d}.xlsx"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=\"findings.xlsx\"; filename*=utf-8''{quote(name)}"})
