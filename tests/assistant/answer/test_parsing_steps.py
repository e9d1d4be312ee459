"""Each step of the question parser alone: its inputs in, its outputs checked.

The blanked-out text a step returns is part of its behaviour: what it read must be gone (□), and
what it did not read must still be there for the steps after it.
"""

from __future__ import annotations

from assistant.answer.parsing import conditions, route, scope, shape, subject
from assistant.answer.parsing.vocabulary import BLANK, PROJECT_FIELDS, blank, cn_int, money, take
from assistant.answer.query import Aggregate, Filter, OrderBy
from assistant.retrieval.gazetteer import Gazetteer

GAZ = Gazetteer(units=("某县教育局", "清漪县卫生健康局"), projects=("学生资助",))
PROJECT_SYNONYMS = {s: f for f, syns in PROJECT_FIELDS.items() for s in syns}


def triples(filters: list[Filter]) -> list[tuple[str, str, object]]:
    return [(f.field, f.op, f.value) for f in filters]


# vocabulary helpers --------------------------------------------------------------------------------

def test_blank_and_take_keep_positions() -> None:
    assert blank("预算执行率", 2, 5) == "预算" + BLANK * 3
    text, found = take("2021年和2022年", scope.YEAR_RE)
    assert [m.group(1) for m in found] == ["2021", "2022"] and text == BLANK * 5 + "和" + BLANK * 5


def test_chinese_numbers_and_money_units() -> None:
    assert [cn_int(s) for s in ("三", "十", "十二", "二十", "12", None)] == [3, 10, 12, 20, 12, None]
    assert money(1, "亿元") == 10000.0 and money(5000, "元") == 0.5 and money(80, "%") == 80


# scope ---------------------------------------------------------------------------------------------

def test_normalise_folds_full_width_and_drops_spaces_around_numbers() -> None:
    out = scope.normalise("执行率低于 80 ％的项目？")
    assert out.raw == "执行率低于80%的项目?" and out.text == "执行率低于80%的项目"


def test_one_year_is_kept_two_are_not() -> None:
    one = scope.find_year("2022年度自评得分", Gazetteer())
    assert one.year == 2022 and one.text.endswith("自评得分") and "2022" not in one.text
    assert scope.find_year("2021年和2022年的项目", Gazetteer()).year is None


def test_a_year_inside_a_known_project_name_is_the_projects() -> None:
    gaz = Gazetteer(units=("石桥县民政局",), projects=("2021年城乡最低生活保障资金",))
    inside = scope.find_year("石桥县民政局的2021年城乡最低生活保障资金预算执行情况如何", gaz)
    assert inside.year is None and "2021年城乡最低生活保障资金" in inside.text
    outside = scope.find_year("2022年石桥县民政局2021年城乡最低生活保障资金的执行率", gaz)
    assert outside.year == 2022 and "2021年城乡最低生活保障资金" in outside.text
    # the project's 最低 is not a ranking: the question goes to the documents, not to 按…从低到高
    from assistant.answer.parser import parse_question

    parsed = parse_question("石桥县民政局的2021年城乡最低生活保障资金预算执行情况如何？", gaz)
    assert parsed.projects == ["2021年城乡最低生活保障资金"] and parsed.query is None


def test_known_names_are_read_before_unit_shaped_phrases() -> None:
    out = scope.find_names("某县教育局学生资助项目的预算", GAZ)
    assert out.units == ["某县教育局"] and out.projects == ["学生资助"] and out.unit_like is None
    assert out.text == BLANK * 9 + "项目的预算"
    partial = scope.find_names("请问教育局所有项目", GAZ)
    assert partial.units == [] and partial.unit_like == "教育局" and "教育局" not in partial.text


def test_a_unit_shaped_phrase_that_is_a_whole_known_name_becomes_a_unit() -> None:
    gaz = Gazetteer(units=("财政局",))
    # the gazetteer's own match reads it first; a phrase shaped like a unit that is exactly one known unit too
    assert scope.find_names("统计财政局的项目", gaz).units == ["财政局"]
    assert scope.find_names("统计财政局的项目", Gazetteer(units=("某市财政局",))).unit_like == "财政局"


def test_rule_codes_are_the_first_filters() -> None:
    out = scope.find_rule_codes("WEAK-VAL-001的审核发现")
    assert triples(out.filters) == [("rule", "=", "WEAK-VAL-001")] and out.text.startswith(BLANK * 12)


# subject -------------------------------------------------------------------------------------------

def test_entity_of_each_kind_of_question() -> None:
    assert subject.entity_of("哪个单位的问题最多") == "finding"
    assert subject.entity_of("CALC-IND-001有几条") == "finding"
    assert subject.entity_of("满意度指标未达标的项目") == "indicator"
    assert subject.entity_of("产出指标达标的有哪些") == "indicator"
    assert subject.entity_of("存在的主要问题是什么") == "project"  # a report's problems, not findings
    assert subject.entity_of("预算执行率低于80%的项目") == "project"


def test_the_subject_brings_its_field_synonyms_and_the_report_problems_note() -> None:
    s = subject.find_subject("存在的问题有哪些")
    assert s.entity == "project" and s.notes == ["report-problems"] and s.synonyms["执行率"] == "execution_rate"
    s = subject.find_subject("未达标的指标得分")
    assert s.entity == "indicator" and s.synonyms["得分"] == "score" and s.notes == []


def test_explanation_words_are_read_and_named() -> None:
    out = subject.find_explanation("执行率最低的三个项目分别说明了什么原因")
    assert out.explain == ["分别说明了什么原因"] and "原因" not in out.text
    assert subject.explain_words(["为什么", "整改措施", "说明了什么"]) == "原因、改进措施、说明"
    assert subject.explain_words([]) is None


# conditions ----------------------------------------------------------------------------------------

def test_indicator_conditions_level_and_met() -> None:
    out = conditions.find_indicator_conditions("数量指标产出指标未达标", "indicator", [])
    assert triples(out.filters) == [("level2", "=", "数量指标"), ("level1", "=", "产出指标"), ("met", "=", False)]
    assert set(out.text) == {BLANK}
    sat = conditions.find_indicator_conditions("满意度达标的", "indicator", [])
    assert triples(sat.filters) == [("level1", "=", "满意度指标"), ("met", "=", True)]
    assert conditions.find_indicator_conditions("未达标", "project", []).filters == []


def test_grade_and_severity_only_for_their_entity() -> None:
    assert triples(conditions.find_grade("评价等级为优秀的项目", "project", []).filters) == [("grade", "=", "优")]
    assert conditions.find_grade("评价等级为优秀的项目", "finding", []).filters == []
    out = conditions.find_severity("错误级别的问题", "finding", [])
    assert triples(out.filters) == [("severity", "=", "error")] and "问题" not in out.text


def test_comparisons_with_a_field_a_range_and_a_bare_unit() -> None:
    out = conditions.find_comparisons("自评得分在90分以上执行率不足60%", "project", PROJECT_SYNONYMS, [], [])
    assert triples(out.filters) == [("total_score", ">=", 90.0), ("execution_rate", "<", 60.0)]
    out = conditions.find_comparisons("预算在1到2亿元之间", "project", PROJECT_SYNONYMS, [], [])
    assert triples(out.filters) == [("budget", "between", [10000.0, 20000.0])]
    out = conditions.find_comparisons("低于80%的项目", "project", PROJECT_SYNONYMS, [], [])
    assert triples(out.filters) == [("execution_rate", "<", 80.0)] and out.text.endswith("的项目")


def test_a_range_of_years_is_no_comparison_and_an_unknown_target_is_noted() -> None:
    out = conditions.find_comparisons("2020到2022年", "project", PROJECT_SYNONYMS, [], [])
    assert out.filters == [] and out.text == "2020到2022年"
    out = conditions.find_comparisons("超过5万元", "indicator", {}, [], ["x"])
    assert out.filters == [] and out.notes == ["x", "无法判断比较对象：>[5.0]"]


# shape ---------------------------------------------------------------------------------------------

def test_field_near_takes_the_nearest_synonym() -> None:
    text = "执行率最低的预算"
    assert shape.field_near(text, PROJECT_SYNONYMS, 2) == "execution_rate"
    assert shape.field_near(text, PROJECT_SYNONYMS, 7) == "budget"
    assert shape.field_near(text, {}, 0) is None


def test_grouping_but_not_a_list_of_projects() -> None:
    assert shape.find_grouping("哪个单位的问题最多", "finding").group_by == "unit"
    assert shape.find_grouping("哪些项目执行率低", "project") == ("哪些项目执行率低", None)
    assert shape.find_grouping("哪些项目的问题", "finding").group_by == "project"


def test_ranking_orders_and_limits() -> None:
    r = shape.find_ranking("执行率最低的三个项目", "执行率最低的三个项目", "project", PROJECT_SYNONYMS, None)
    assert r.order == OrderBy(field="execution_rate", descending=False) and r.limit == 3 and r.aggregate is None
    r = shape.find_ranking("前5个执行率", "前5个执行率", "project", PROJECT_SYNONYMS, None)
    assert r.order == OrderBy(field="execution_rate", descending=True) and r.limit == 5


def test_ranking_groups_average_rates_and_projects_by_their_problems_become_findings() -> None:
    r = shape.find_ranking("执行率最高的", "执行率最高的", "project", PROJECT_SYNONYMS, "unit")
    assert r.aggregate == Aggregate(op="avg", field="execution_rate") and r.order.field == "value"
    r = shape.find_ranking("最多的项目", "问题最多的项目", "project", PROJECT_SYNONYMS, None)
    assert (r.entity, r.group_by, r.order.field, r.limit) == ("finding", "project", "value", 1)


def test_a_maximum_asked_for_is_an_aggregate() -> None:
    r = shape.find_ranking("预算最高是多少", "预算最高是多少", "project", PROJECT_SYNONYMS, None)
    assert r.aggregate == Aggregate(op="max", field="budget") and r.order is None and r.limit is None


def test_aggregates_average_before_sum_and_counts() -> None:
    a = shape.find_aggregate("预算合计平均", "project", PROJECT_SYNONYMS, None, None)
    assert a.aggregate == Aggregate(op="avg", field="budget")
    a = shape.find_aggregate("有多少个单位", "project", PROJECT_SYNONYMS, None, None)
    assert a.aggregate == Aggregate(op="count", field="unit")
    assert shape.find_aggregate("执行率是多少", "project", PROJECT_SYNONYMS, None, None).aggregate is None
    kept = Aggregate(op="sum", field="budget")
    assert shape.find_aggregate("多少个", "project", PROJECT_SYNONYMS, "unit", kept).aggregate is kept


def test_listing_default_aggregate_and_field_words() -> None:
    assert shape.find_listing("有哪些项目").listing and not shape.find_listing("预算合计").listing
    assert shape.default_aggregate("project", "unit", None, None).aggregate == Aggregate(op="count")
    assert shape.default_aggregate("finding", None, None, OrderBy(field="value")).aggregate == Aggregate(op="count")
    assert shape.default_aggregate("project", None, None, None).aggregate is None
    assert shape.drop_field_words("执行率的项目", PROJECT_SYNONYMS).text == BLANK * 3 + "的项目"


# route ---------------------------------------------------------------------------------------------

def test_leftover_drops_function_words_and_names_an_indicator() -> None:
    out = route.read_leftover("□□□的项目有哪些", "…", "project", [])
    assert out.leftover == ""
    met = [Filter(field="met", op="=", value=False)]
    out = route.read_leftover("居民健康素养水平□□□", "居民健康素养水平为什么没有达标", "indicator", met)
    assert out.leftover == "" and triples(out.filters) == [("met", "=", False),
                                                           ("indicator", "contains", "居民健康素养水平")]
    assert route.read_leftover("□", "受助学生满意度达标了吗？", "indicator", met).filters == []


def _decide(**kw):
    args = dict(leftover="", filters=[], year=None, units=[], unit_like=None, projects=[], entity="project",
                aggregate=None, order=None, group_by=None, listing=False, notes=[])
    args.update(kw)
    return route.decide(**args)


def test_decide_needs_a_signal_and_nothing_unexplained_when_it_is_weak() -> None:
    assert _decide() == (False, [])
    assert _decide(aggregate=Aggregate(op="count")).structured
    assert _decide(aggregate=Aggregate(op="count"), leftover="绩效目标") == (False, ["未识别的内容：绩效目标"])
    strong = [Filter(field="execution_rate", op="<", value=80)]
    assert _decide(filters=strong, leftover="绩效目标").structured
    assert not _decide(filters=strong, notes=["report-problems"]).structured
    assert not _decide(listing=True).structured and _decide(listing=True, year=2022).structured


def test_build_query_puts_the_scope_first_and_routes_reasons_as_mixed() -> None:
    cond = [Filter(field="execution_rate", op="<", value=60.0)]
    b = route.build_query(True, "2022年某县教育局项目", "project", cond, 2022, ["某县教育局"], None, [],
                          Aggregate(op="count"), None, None, None, ["为什么"], [])
    assert b.route == "mixed" and b.query.explain == "原因"
    assert triples(b.query.filters) == [("unit", "=", "某县教育局"), ("year", "=", 2022),
                                        ("evaluation_kind", "=", "project"), ("execution_rate", "<", 60.0)]
    assert route.build_query(False, "", "project", cond, None, [], None, [], None, None, None, None, [], []) \
        == (None, "document", [])


def test_an_invalid_query_is_a_note_not_an_error() -> None:
    b = route.build_query(True, "", "project", [], None, [], None, [], None, None,
                          OrderBy(field="value"), 1, [], [])
    assert b.query is None and b.route == "document" and b.notes[0].startswith("查询无效：")


# words.yaml ----------------------------------------------------------------------------------------

def test_every_field_in_words_yaml_is_a_field_of_its_entity() -> None:
    from assistant.answer.parsing.vocabulary import ENTITY_FIELDS, GRADES, PRE_OPS, SEVERITIES, SUF_OPS
    from assistant.answer.query import Op
    from assistant.answer.schema import FIELDS

    for entity, table in ENTITY_FIELDS.items():
        for name in table:
            assert name in FIELDS and entity in FIELDS[name].entities, (entity, name)
    ops = set(Op.__args__)
    assert set(PRE_OPS.values()) <= ops and set(SUF_OPS.values()) <= ops
    assert set(SEVERITIES.values()) == {"error", "warning", "info"} and GRADES["优秀"] == "优"
