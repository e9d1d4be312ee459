"""``/api/v1/submissions/export.xlsx|csv``: the submission list as a workbook or CSV.

A module of its own, mounted before :mod:`api.routes.submissions`, so ``export.xlsx`` is never
taken for a submission id. The findings export lives with the findings (``/findings/export.*``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import CurrentUser, StoresDep
from api.routes.findings import CSV, XLSX, attachment
from api.schemas import errors
from assistant.checker.export import CheckedFile, to_csv, to_xlsx
from assistant.stores.exports import review_states

router = APIRouter(prefix="/submissions", tags=["submissions"])

LIMIT = 5000


def _items(stores, year: int | None, unit: str | None, department: str | None, kind: str | None) -> list[CheckedFile]:
    ids = stores.records.submission_ids_where(year=year, unit_like=unit or None, department=department, kind=kind)
    subs = stores.records.get_submissions(ids[:LIMIT])
    states = review_states(stores.records, [s.id for s in subs])
    findings = {s.id: stores.records.get_findings(s.id) for s in subs}
    subs.sort(key=lambda s: (-(s.year or 0), s.unit or "", s.file.name))
    return [CheckedFile(source=s.id, submission=s, findings=findings[s.id], review_state=states.get(s.id))
            for s in subs]


Year = Annotated[int | None, Query(ge=1990, le=2100)]
Unit = Annotated[str | None, Query(max_length=256, description="预算单位或主管部门（包含即可）")]
Department = Annotated[str | None, Query(max_length=256, description="主管部门（精确匹配）")]
Kind = Annotated[Literal["table", "report", "department", "mixed", "unknown"] | None, Query()]


@router.get("/export.xlsx", summary="导出材料汇总 Excel / export submissions as .xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "工作表“汇总”：每份材料一行"}, **errors(401, 422)})
def export_submissions(stores: StoresDep, _user: CurrentUser, year: Year = None, unit: Unit = None,
                       department: Department = None, kind: Kind = None) -> Response:
    data = to_xlsx(_items(stores, year, unit, department, kind), sheets=("submissions",))
    return attachment(data, XLSX, "submissions.xlsx", f"材料汇总_{date.today():%Y%m%d}.xlsx")


@router.get("/export.csv", summary="导出材料汇总 CSV / export submissions as .csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "UTF-8（带 BOM，Excel 可直接打开）"},
                       **errors(401, 422)})
def export_submissions_csv(stores: StoresDep, _user: CurrentUser, year: Year = None, unit: Unit = None,
                           department: Department = None, kind: Kind = None) -> Response:
    data = to_csv(_items(stores, year, unit, department, kind), "submissions")
    return attachment(data, CSV, "submissions.csv", f"材料汇总_{date.today():%Y%m%d}.csv")
