"""``/api/v1/stats``: the years on record, one year's statistics, and its two SVG charts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.charts import exec_bars, exec_chart, grade_bars, grade_chart
from api.deps import CurrentUser, StoresDep
from api.schemas import ApiError, ChartBar, StatsOut, YearsOut, errors
from assistant.stats import Scope, year_statistics

router = APIRouter(prefix="/stats", tags=["stats"])

YearPath = Annotated[int, Path(ge=1990, le=2100, description="年度")]
ScopeQuery = Annotated[str, Query(max_length=300, description="all、unit:单位名称 或 department:部门名称")]


def _stats(stores, year: int, scope: str):
    try:
        return year_statistics(stores.records, year, Scope.of(scope))
    except ValueError as err:
        raise ApiError(400, "bad_scope", f"统计范围无效：{scope}", f"invalid scope: {err}") from err


@router.get("/years", response_model=YearsOut, summary="有材料的年度 / years on record", responses=errors(401))
def years(stores: StoresDep, _user: CurrentUser) -> YearsOut:
    found = stores.records.years()
    return YearsOut(years=found, latest=found[0] if found else None)


@router.get("/{year}", response_model=StatsOut, summary="年度统计 / statistics of a year",
            description="数字与 `ziping stats`、年度报告草稿同源（assistant.stats.year_statistics）；"
                        "每个数字带有其依据的材料编号。",
            responses=errors(400, 401, 422))
def year_stats(year: YearPath, stores: StoresDep, _user: CurrentUser, scope: ScopeQuery = "all") -> StatsOut:
    data = _stats(stores, year, scope).to_dict()
    charts = {"exec": [ChartBar(**b) for b in exec_bars(data["figures"])],
              "grade": [ChartBar(**b) for b in grade_bars(data["figures"])]}
    return StatsOut(year=data["year"], scope=data["scope"], figures=data["figures"], by_family=data["by_family"],
                    by_rule=data["by_rule"], top_units=data["top_units"], charts=charts)


@router.get("/{year}/charts/{name}.svg", response_class=Response, summary="统计图（SVG） / a chart as SVG",
            responses={200: {"content": {"image/svg+xml": {}}}, **errors(400, 401, 422)})
def chart(year: YearPath, name: Literal["exec", "grade"], stores: StoresDep, _user: CurrentUser,
          scope: ScopeQuery = "all") -> Response:
    figures = {k: f.to_dict() for k, f in _stats(stores, year, scope).figures.items()}
    svg = exec_chart(year, figures) if name == "exec" else grade_chart(year, figures)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
