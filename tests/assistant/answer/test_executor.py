"""The executor on a real SQLite records store: each operator and aggregate, grouping, order,
and validation of the typed query (values are bound parameters, never SQL text)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.answer import Aggregate, Filter, OrderBy, StructuredQuery, execute, query_in_words


def run(small, **kw):
    return execute(StructuredQuery(**kw), small.records)


def projects(result) -> set[str]:
    return {r["project"] for r in result.rows}


@pytest.mark.parametrize("op, value, expected", [
    ("<", 60, {"学生资助", "疫苗接种"}),
    ("<=", 55, {"学生资助", "疫苗接种"}),
    (">", 95, {"疫苗接种"}),
    (">=", 95, {"校舍维修", "疫苗接种"}),
    ("=", 95, {"校舍维修"}),
    ("!=", 95, {"学生资助", "疫苗接种"}),
    ("between", [50, 55], {"学生资助", "疫苗接种"}),
    ("in", [50, 95], {"校舍维修", "疫苗接种"}),
])
def test_each_numeric_operator(small, op, value, expected):
    r = run(small, filters=[Filter(field="execution_rate", op=op, value=value)])
    assert projects(r) == expected


def test_rows_link_to_their_submission(small):
    r = run(small, filters=[Filter(field="execution_rate", op="<", value=60)])
    assert {(row["submission_id"], row["file"]) for row in r.rows} == {
        ("aaaa000000000001", "a.docx"), ("cccc000000000003", "c.docx")}
    assert all(row["evaluation"] == 0 for row in r.rows)


def test_text_fields_contains_and_equality(small):
    r = run(small, filters=[Filter(field="unit", op="contains", value="教育")])
    assert projects(r) == {"学生资助", "校舍维修"}
    r = run(small, filters=[Filter(field="grade", op="=", value="优"), Filter(field="year", op="=", value=2022)])
    assert projects(r) == {"学生资助", "疫苗接种"}
    # user text is a bound value: quotes and wildcards match literally
    assert run(small, filters=[Filter(field="unit", op="contains", value="%'; DROP TABLE submissions;--")]).empty
    assert small.records.count_submissions() == 5


def test_aggregates(small):
    assert run(small, aggregate=Aggregate(op="count")).value == 4
    assert run(small, aggregate=Aggregate(op="sum", field="budget")).value == pytest.approx(920.0)
    assert run(small, aggregate=Aggregate(op="avg", field="total_score")).value == pytest.approx(93.0)
    top = run(small, aggregate=Aggregate(op="max", field="total_score"))
    assert top.value == 97 and projects(top) == {"疫苗接种"} and top.rows[0]["year"] == 2023
    assert run(small, aggregate=Aggregate(op="min", field="execution_rate")).value == 50
    edu = run(small, filters=[Filter(field="unit", op="contains", value="教育局")],
              aggregate=Aggregate(op="sum", field="budget"))
    assert edu.value == pytest.approx(300.0) and edu.total_rows == 2


def test_order_limit_and_group_by(small):
    low = run(small, order_by=OrderBy(field="execution_rate", descending=False), limit=2)
    assert [r["execution_rate"] for r in low.rows] == [50, 55]
    by_unit = run(small, group_by="unit", aggregate=Aggregate(op="sum", field="budget"),
                  order_by=OrderBy(field="value", descending=True))
    assert [(g["key"], g["value"]) for g in by_unit.groups] == [("某县卫生健康局", 620), ("某县教育局", 300)]
    worst = run(small, entity="finding", group_by="unit", aggregate=Aggregate(op="count"),
                order_by=OrderBy(field="value"), limit=1)
    assert worst.groups == [{"key": "某县教育局", "value": 2, "rows": 2}]
    per_project = run(small, entity="finding", group_by="project", aggregate=Aggregate(op="count"),
                      order_by=OrderBy(field="value"))
    assert [(g["key"], g["value"]) for g in per_project.groups] == [("学生资助", 2), ("疫苗接种", 1)]


def test_indicator_met_and_count_distinct(small):
    unmet = run(small, entity="indicator", filters=[Filter(field="level1", op="=", value="满意度指标"),
                                                    Filter(field="met", op="=", value=False)])
    assert {(r["project"], r["indicator"], r["met"]) for r in unmet.rows} == {
        ("学生资助", "受助学生满意度", False), ("疫苗接种", "群众满意度", False)}
    assert {r["actual_raw"] for r in unmet.rows} == {"85%", "80%"}
    met = run(small, entity="indicator", filters=[Filter(field="met", op="=", value=True)])
    assert met.total_rows == 5
    distinct = run(small, entity="indicator", filters=[Filter(field="level1", op="=", value="满意度指标")],
                   aggregate=Aggregate(op="count", field="project"))
    assert distinct.value == 4 and distinct.total_rows == 4
    units = run(small, filters=[Filter(field="execution_rate", op="<", value=60)],
                aggregate=Aggregate(op="count", field="unit"))
    assert units.value == 2


def test_findings_by_severity_and_rule(small):
    errors = run(small, entity="finding", filters=[Filter(field="severity", op="=", value="error")],
                 aggregate=Aggregate(op="count"))
    assert errors.value == 2
    rule = run(small, entity="finding", filters=[Filter(field="rule", op="=", value="CALC-FUND-001")])
    assert [(r["unit"], r["project"], r["message"]) for r in rule.rows] == [("某县卫生健康局", "疫苗接种", "执行率应为50.00%")]


def test_query_validation():
    with pytest.raises(ValidationError):
        StructuredQuery(entity="finding", filters=[Filter(field="execution_rate", op="<", value=1)])
    with pytest.raises(ValidationError):
        Filter(field="execution_rate", op="between", value=5)
    with pytest.raises(ValidationError):
        Filter(field="execution_rate", op="<", value="八十")
    with pytest.raises(ValidationError):
        StructuredQuery(aggregate=Aggregate(op="sum", field="unit"))
    with pytest.raises(ValidationError):
        StructuredQuery.model_validate({"entity": "project", "sql": "SELECT 1"})
    with pytest.raises(ValidationError):
        StructuredQuery(order_by=OrderBy(field="value"))


def test_query_in_words_is_chinese():
    q = StructuredQuery(filters=[Filter(field="year", op="=", value=2022),
                                 Filter(field="total_score", op=">=", value=90),
                                 Filter(field="execution_rate", op="<", value=60)],
                        aggregate=Aggregate(op="count"))
    assert query_in_words(q) == "在自评表中，筛选2022年度、自评总分不低于90分、预算执行率低于60%的记录，统计项目个数。"
