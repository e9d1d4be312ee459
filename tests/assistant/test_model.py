from __future__ import annotations

import json

from assistant.glossary import TERMS, term
from assistant.model import (
    Cycle,
    Declaration,
    Evaluation,
    Finding,
    FundRow,
    Funds,
    FundSource,
    Indicator,
    IndicatorGroup,
    Location,
    MonitoredIndicator,
    Monitoring,
    Occurrence,
    PastEvaluation,
    PlannedIndicator,
    Section,
    Submission,
    field_path,
    from_dict,
    to_dict,
)
from tests.support.samples import make_submission


def test_canonical_json_round_trips_through_text():
    sub = make_submission()
    data = json.loads(json.dumps(sub.to_dict(), ensure_ascii=False))
    again = Submission.from_dict(data)
    assert again == sub
    assert again.evaluations[0].indicators[0].target.op == ">="
    assert again.evaluations[0].funds.total.exec_amount == 985_000.0
    assert again.evaluations[0].funds.rows[0].cells["exec_amount"] == Location(table=0, row=3, col=5)


def test_canonical_json_has_every_key_even_when_empty():
    data = to_dict(Submission())
    assert data["evaluations"] == [] and data["sections"] == []
    assert set(data["file"]) == {"name", "sha256", "format", "pages", "size", "scanned"}
    ev = to_dict(Evaluation())
    assert ev["grade"] is None and ev["funds"]["rows"] == []
    assert set(ev["funds"]["rate"]) == {"raw", "op", "number", "unit", "qualitative", "vague", "blank", "unit_source"}


def test_from_dict_ignores_unknown_keys_and_coerces_ints_to_float():
    ind = from_dict(Indicator, {"name": "x", "weight": 20, "bogus": 1})
    assert ind.weight == 20.0 and isinstance(ind.weight, float)


def test_finding_and_location_serialise():
    f = Finding(rule="CALC-IND-001", severity="error", message="得分应为16.00",
                location=Location(page=2, table=0, row=5, col=7, field=field_path(0, "indicators", 3, "score")))
    assert to_dict(f)["location"]["field"] == "evaluations[0].indicators[3].score"
    assert from_dict(Finding, to_dict(f)) == f


def test_location_describes_itself_in_chinese():
    assert Location(page=2, table=0, row=4, col=2).describe() == "第2页 表1 第5行 第3列"
    assert Location(sheet="Sheet1", table=0, row=0, col=0).describe().startswith("工作表“Sheet1”")
    assert Location(paragraph=6).describe() == "第7段"
    assert Location().describe() == "（位置未知）"


def test_glossary_covers_every_model_field():
    import dataclasses

    for cls in (Evaluation, Indicator, IndicatorGroup, Funds, FundRow, Submission, Section, Finding, Occurrence,
                Declaration, PlannedIndicator, FundSource, Monitoring, MonitoredIndicator, Cycle, PastEvaluation):
        for f in dataclasses.fields(cls):
            assert f.name in TERMS, f"{cls.__name__}.{f.name} has no Chinese term"
    assert term("execution_rate") == "执行率"
    assert term("unknown_field") == "unknown_field"


def test_cycle_past_years_are_the_same_project_consecutive_nearest_first():
    def past(year, name):
        return PastEvaluation(year, Evaluation(project_name=name, year=year))

    ev = Evaluation(project_name="2025年学生资助补助经费", year=2025)
    cycle = Cycle(history=[past(2022, "学生资助补助经费"), past(2024, "2024年度学生资助补助经费"),
                           past(2023, "学生资助补助经费"), past(2024, "校舍维修"), past(2025, "学生资助补助经费")])
    assert [p.year for p in cycle.past(ev)] == [2024, 2023, 2022]
    gap = Cycle(history=[past(2024, "学生资助补助经费"), past(2022, "学生资助补助经费")])
    assert [p.year for p in gap.past(ev)] == [2024]  # 2023 missing: 2022 is not the year before
    assert Cycle(history=[past(2023, "学生资助补助经费")]).past(ev) == []
