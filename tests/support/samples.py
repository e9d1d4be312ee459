"""A hand-built submission with every part filled (funds, indicators, goals, a section, cell
provenance) for tests that need one without reading a file."""

from __future__ import annotations

from assistant.model import (
    Evaluation,
    FileInfo,
    FundRow,
    Funds,
    Indicator,
    Location,
    Section,
    Submission,
    Value,
)


def value(raw: str, number: float | None = None, unit: str | None = None, op: str | None = None) -> Value:
    return Value(raw=raw, op=op, number=number, unit=unit, qualitative=number is None, blank=False)


def make_submission(sid: str = "sub0000000000001", unit: str = "某县教育局", year: int = 2023) -> Submission:
    ev = Evaluation(
        kind="project", layout="mof", project_name="学生资助补助经费", department=unit, impl_unit=unit, year=year,
        funds=Funds(unit="元", weight=10.0, rate=value("98.5%", 98.5, "%"), score=9.85, rows=[
            FundRow(name="年度资金总额", category="total", budget_initial=1_000_000.0,
                    budget_full_year=1_000_000.0, exec_amount=985_000.0,
                    cells={"exec_amount": Location(table=0, row=3, col=5)}),
            FundRow(name="当年财政拨款", category="current_fiscal", budget_initial=800_000.0,
                    budget_full_year=800_000.0, exec_amount=790_000.0)]),
        goal_planned="资助家庭经济困难学生不少于500人。", goal_achieved="资助家庭经济困难学生520人。",
        indicators=[
            Indicator(level1="产出指标", level2="数量指标", name="资助学生人数",
                      target=value("≥500人", 500.0, "人", ">="), actual=value("520人", 520.0, "人"),
                      weight=20.0, score=20.0, cells={"name": Location(table=0, row=9, col=2)}),
            Indicator(level1="效益指标", level2="社会效益指标", name="因贫辍学率",
                      target=value("0%", 0.0, "%", "="), actual=value("0%", 0.0, "%"), weight=20.0, score=20.0),
            Indicator(level1="满意度指标", level2="服务对象满意度指标", name="受助学生满意度",
                      target=value("≥90%", 90.0, "%", ">="), actual=value("96%", 96.0, "%"), weight=10.0, score=10.0,
                      deviation_reason="满意度调查覆盖全部受助学生。"),
        ],
        block_weights={"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0},
        total_score=95.0, grade="优", problems="个别学校信息报送滞后。",
        cells={"project_name": Location(table=0, row=1, col=1)},
    )
    return Submission(
        id=sid, kind="mixed", unit=unit, department=unit, year=year, status="ok",
        file=FileInfo(name=f"{unit}自评.docx", sha256=sid * 4, format="docx", pages=3, size=20480),
        evaluations=[ev],
        sections=[Section(path=["二、绩效目标完成情况", "（三）满意度指标完成情况"], level=2,
                          text="受助学生及家长满意度达到96%。", location=Location(paragraph=12, page=2))],
    )
