"""Routing and the deterministic Chinese parser: each operator, aggregate, grouping and order."""

from __future__ import annotations

import pytest

from assistant.answer.parser import parse_question
from assistant.retrieval.gazetteer import Gazetteer

GAZ = Gazetteer(units=("某县教育局", "某县卫生健康局", "清漪县卫生健康局"), projects=("学生资助", "疫苗接种"))


def filters(q: str) -> list[tuple[str, str, object]]:
    p = parse_question(q, GAZ)
    assert p.query is not None, (q, p.notes, p.leftover)
    return [(f.field, f.op, f.value) for f in p.query.filters]


@pytest.mark.parametrize("question, route", [
    ("哪些单位预算执行率低于80%？", "structured"),
    ("2022年自评得分在90分以上但执行率不足60%的项目有几个？", "structured"),
    ("满意度指标未达标的项目列出来", "structured"),
    ("教育局所有项目的预算合计是多少？", "structured"),
    ("哪个单位的问题最多？", "structured"),
    ("执行率最低的三个项目分别说明了什么原因？", "mixed"),
    ("2020年多少个项目编制了绩效目标、涉及金额多少？", "document"),
    ("某县教育局学生资助项目的预算执行率是多少？", "document"),
    ("群众满意度为什么没有达标？", "mixed"),
    ("受助学生满意度达标了吗？", "document"),
    ("存在的主要问题是什么？", "document"),
    ("下一步工作措施有哪些？", "document"),
])
def test_routes(question, route):
    assert parse_question(question, GAZ).route == route


def test_issue_examples_become_typed_queries():
    p = parse_question("哪些单位预算执行率低于80%？", GAZ)
    assert p.query.group_by == "unit" and filters("哪些单位预算执行率低于80%？") == [("execution_rate", "<", 80.0)]

    q = parse_question("2022年自评得分在90分以上但执行率不足60%的项目有几个？", GAZ).query
    assert q.aggregate.op == "count" and q.entity == "project"
    assert [(f.field, f.op, f.value) for f in q.filters] == [
        ("year", "=", 2022), ("evaluation_kind", "=", "project"), ("total_score", ">=", 90.0),
        ("execution_rate", "<", 60.0)]

    q = parse_question("满意度指标未达标的项目列出来", GAZ).query
    assert q.entity == "indicator" and q.aggregate.op == "list"
    assert ("met", "=", False) in [(f.field, f.op, f.value) for f in q.filters]

    q = parse_question("教育局所有项目的预算合计是多少？", GAZ).query
    assert (q.aggregate.op, q.aggregate.field) == ("sum", "budget")
    assert [(f.field, f.op, f.value) for f in q.filters] == [
        ("unit", "contains", "教育局"), ("evaluation_kind", "=", "project")]

    q = parse_question("哪个单位的问题最多？", GAZ).query
    assert (q.entity, q.group_by, q.aggregate.op, q.limit) == ("finding", "unit", "count", 1)
    assert q.order_by.field == "value" and q.order_by.descending

    q = parse_question("执行率最低的三个项目分别说明了什么原因？", GAZ).query
    assert (q.order_by.field, q.order_by.descending, q.limit, q.explain) == ("execution_rate", False, 3, "原因")


@pytest.mark.parametrize("question, expected", [
    ("执行率低于80%的项目有哪些", ("execution_rate", "<", 80.0)),
    ("执行率不足80%的项目有哪些", ("execution_rate", "<", 80.0)),
    ("执行率不低于80%的项目有哪些", ("execution_rate", ">=", 80.0)),
    ("执行率在80%以上的项目有哪些", ("execution_rate", ">=", 80.0)),
    ("执行率80%以下的项目有哪些", ("execution_rate", "<=", 80.0)),
    ("执行率超过80%的项目有哪些", ("execution_rate", ">", 80.0)),
    ("执行率不超过80%的项目有哪些", ("execution_rate", "<=", 80.0)),
    ("执行率为100%的项目有哪些", ("execution_rate", "=", 100.0)),
    ("执行率介于60%和80%之间的项目有哪些", ("execution_rate", "between", [60.0, 80.0])),
    ("预算在100万元到500万元之间的项目有哪些", ("budget", "between", [100.0, 500.0])),
    ("预算超过5000000元的项目有哪些", ("budget", ">", 500.0)),
    ("预算超过1.5亿元的项目有哪些", ("budget", ">", 15000.0)),
    ("90分以上的项目有哪些", ("total_score", ">=", 90.0)),
    ("评价等级为优的项目有几个", ("grade", "=", "优")),
    ("满意度低于90%的项目有哪些", ("actual", "<", 90.0)),
    ("错误级别的问题有几条", ("severity", "=", "error")),
    ("CALC-IND-001发现了几个问题", ("rule", "=", "CALC-IND-001")),
])
def test_each_comparison(question, expected):
    assert expected in filters(question)


def test_aggregates_group_and_order():
    assert parse_question("平均执行率是多少", GAZ).query.aggregate.model_dump() == {"op": "avg", "field": "execution_rate"}
    assert parse_question("执行率最高是多少", GAZ).query.aggregate.model_dump() == {"op": "max", "field": "execution_rate"}
    assert parse_question("自评得分最低是多少", GAZ).query.aggregate.model_dump() == {"op": "min", "field": "total_score"}
    q = parse_question("各单位的预算合计", GAZ).query
    assert (q.group_by, q.aggregate.op, q.aggregate.field) == ("unit", "sum", "budget")
    q = parse_question("得分最高的前5个项目", GAZ).query
    assert (q.order_by.field, q.order_by.descending, q.limit) == ("total_score", True, 5)
    q = parse_question("哪个项目的问题最多", GAZ).query
    assert (q.entity, q.group_by) == ("finding", "project")
    q = parse_question("有多少个单位执行率低于60%", GAZ).query
    assert (q.aggregate.op, q.aggregate.field) == ("count", "unit")


def test_known_names_and_years_scope_the_query():
    q = parse_question("2022年某县教育局执行率低于90%的项目有几个", GAZ).query
    assert ("unit", "=", "某县教育局") in [(f.field, f.op, f.value) for f in q.filters]
    assert ("year", "=", 2022) in [(f.field, f.op, f.value) for f in q.filters]
    p = parse_question("某县卫生健康局疫苗接种项目的满意度是多少", GAZ)
    assert p.route == "document" and p.units == ["某县卫生健康局"] and p.projects == ["疫苗接种"]


def test_indicator_name_becomes_a_contains_filter():
    q = parse_question("群众满意度为什么没有达标？", GAZ).query
    assert ("indicator", "contains", "群众满意度") in [(f.field, f.op, f.value) for f in q.filters] or \
        ("level1", "=", "满意度指标") in [(f.field, f.op, f.value) for f in q.filters]
    q = parse_question("资助学生人数为什么没有达标", GAZ).query
    assert ("indicator", "contains", "资助学生人数") in [(f.field, f.op, f.value) for f in q.filters]
