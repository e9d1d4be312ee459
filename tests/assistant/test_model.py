from __future__ import annotations

import json

from assistant.glossary import TERMS, term
from assistant.model import (
    Evaluation,
    FileInfo,
    Finding,
    FundRow,
    Funds,
    Indicator,
    Location,
    Section,
    Submission,
    Value,
    field_path,
    from_dict,
    to_dict,
)


def _sample() -> Submission:
    ind = Indicator(
        level1="产出指标", level2="数量指标", name="资助学生人数",
        target=Value(raw="≥500人", op=">=", number=500.0, unit="人", blank=False),
        actual=Value(raw="520人", number=520.0, unit="人", blank=False),
        weight=20.0, score=20.0,
        cells={"score": Location(file="a.docx", table=0, row=9, col=7)},
    )
    ev = Evaluation(
        project_name="学生资助", department="某县教育局", impl_unit="某县教育局", year=2023,
        funds=Funds(rows=[FundRow(name="年度资金总额", category="total", budget_initial=100.0,
                                  budget_full_year=100.0, exec_amount=98.5)], weight=10.0, score=9.85),
        indicators=[ind], block_weights={"产出指标": 50.0}, total_score=95.0, grade="优",
    )
    return Submission(
        id="abc", kind="table", unit="某县教育局", year=2023,
        file=FileInfo(name="a.docx", sha256="0" * 64, format="docx", pages=1),
        evaluations=[ev], sections=[Section(path=["一、基本情况"], level=1, text="……")],
    )


def test_canonical_json_round_trips_through_text():
    sub = _sample()
    data = json.loads(json.dumps(sub.to_dict(), ensure_ascii=False))
    again = Submission.from_dict(data)
    assert again == sub
    assert again.evaluations[0].indicators[0].target.op == ">="
    assert again.evaluations[0].funds.total.exec_amount == 98.5


def test_canonical_json_has_every_key_even_when_empty():
    data = to_dict(Submission())
    assert data["evaluations"] == [] and data["sections"] == []
    assert set(data["file"]) == {"name", "sha256", "format", "pages", "size", "scanned"}
    ev = to_dict(Evaluation())
    assert ev["grade"] is None and ev["funds"]["rows"] == []
    assert set(ev["funds"]["rate"]) == {"raw", "op", "number", "unit", "qualitative", "vague", "blank"}


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

    for cls in (Evaluation, Indicator, Funds, FundRow, Submission, Section):
        for f in dataclasses.fields(cls):
            assert f.name in TERMS, f"{cls.__name__}.{f.name} has no Chinese term"
    assert term("execution_rate") == "执行率"
    assert term("unknown_field") == "unknown_field"
