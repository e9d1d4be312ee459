"""The extraction grader's own comparator (eval/compare.py), on hand-made cases that must pass and
cases that must fail: a grader that says "right" to everything is no grader."""

from __future__ import annotations

import pytest

from eval.compare import Reading, norm_text, read_number, read_value, same, same_value
from eval.extraction import compare_submission


def value(raw: str, op: str | None = None, number: float | None = None, unit: str | None = None,
          blank: bool = False) -> dict:
    """An extracted value as the product stores it (Value.to_dict shape)."""
    return {"raw": raw, "op": op, "number": number, "unit": unit, "blank": blank}


def test_text_normalisation():
    assert norm_text("（ 一 ）项目  名称") == "(一)项目名称"
    assert norm_text("ＡＢＣ１２３％") == "ABC123%"
    assert norm_text("甲") != norm_text("乙")


@pytest.mark.parametrize(("text", "number"), [
    ("1,234.5万元", 1234.5), ("１２３４５６７.５", 1234567.5), ("387664.62", 387664.62), ("-3.5分", -3.5),
    ("合计 1,234,567 元", 1234567.0), ("无", None), ("315.92 100.00%", 315.92),
])
def test_read_number(text: str, number: float | None):
    assert read_number(text) == number


@pytest.mark.parametrize(("raw", "reading"), [
    ("≥95%", (">=", 95.0, "%")),
    ("不低于 90％", (">=", 90.0, "%")),
    ("90%以上", (">=", 90.0, "%")),
    ("≤10个工作日", ("<=", 10.0, "工作日")),
    ("3日内", ("<=", 3.0, "天")),
    ("不超过300万元", ("<=", 300.0, "万元")),
    ("520人", (None, 520.0, "人")),
    ("1,200平方米", (None, 1200.0, "平方米")),
    ("≥95%（注：以抽样为准）", (">=", 95.0, "%")),
    ("90%-95%", (">=", 90.0, "%")),
    ("2023年完成100%", (None, 100.0, "%")),
    ("<5%", ("<", 5.0, "%")),
])
def test_read_value_numbers(raw: str, reading: tuple):
    r = read_value(raw)
    assert (r.op, r.number, r.unit) == reading and not r.blank


def test_read_value_text_blank_and_deadline():
    assert read_value("效果明显") == Reading("效果明显")
    assert read_value("2023年12月底前") .number is None
    assert all(read_value(b).blank for b in ("", "  ", "—", "/", "无", None))
    assert not read_value("0").blank


def test_same_value_passes_the_same_reading():
    assert same_value({"raw": "≥95%"}, value("≥ 95 %", ">=", 95, "%"))
    assert same_value({"raw": "3日内"}, value("3日内", "<=", 3, "天"))
    assert same_value({"raw": "效果明显"}, value("效果 明显"))
    assert same_value({"raw": "—"}, value("", blank=True))


@pytest.mark.parametrize("got", [
    value("≥9.5%", ">=", 9.5, "%"),  # wrong number
    value("95%", None, 95, "%"),  # lost the operator
    value("≤95%", "<=", 95, "%"),  # wrong operator
    value("≥95", ">=", 95, None),  # lost the unit
    value("≥95分", ">=", 95, "分"),  # wrong unit
    value("", blank=True),  # nothing read
    value("≥95%"),  # the text kept but not read as a number
])
def test_same_value_fails_a_misread(got: dict):
    assert not same_value({"raw": "≥95%"}, got)


def test_same_value_grades_the_product_parse_not_the_label_parse():
    # The label's own parsed fields are ignored: its text as written is the truth. A label whose
    # fields came from a wrong parser cannot make a wrong extraction right.
    wrong_label = {"raw": "不低于90%", "op": "<=", "number": 90, "unit": "%", "blank": False}
    assert not same_value(wrong_label, value("不低于90%", "<=", 90, "%"))
    assert same_value(wrong_label, value("不低于90%", ">=", 90, "%"))


def test_same_scalars_and_lists():
    assert same(95, 95.004) and not same(95, 95.01)
    assert same("某县 教育局", "某县教育局") and not same("某县教育局", "某市教育局")
    assert same(None, "") and not same(None, "0") and not same(0.0, None)
    assert same(["一、", "（一）"], ["一、", "(一)"]) and not same(["一、"], ["一、", "二、"])


def test_compare_submission_counts_each_field():
    expected = {"kind": "table", "unit": "某县教育局", "year": 2023, "evaluations": [{
        "kind": "project", "project_name": "学生资助", "total_score": 92.5,
        "funds": {"unit": "万元", "rate": {"raw": "55.2%"},
                  "rows": [{"category": "total", "budget_initial": 100.0, "exec_amount": 55.2}]},
        "indicators": [{"name": "资助人数", "target": {"raw": "≥500人"}, "actual": {"raw": "520人"}}]}]}
    right = {"kind": "table", "unit": "某县教育局", "year": 2023, "evaluations": [{
        "kind": "project", "project_name": "学生资助", "total_score": 92.5,
        "funds": {"unit": "万元", "rate": value("55.2%", None, 55.2, "%"),
                  "rows": [{"category": "total", "budget_initial": 100.0, "exec_amount": 55.2}]},
        "indicators": [{"name": "资助人数", "target": value("≥500人", ">=", 500, "人"),
                        "actual": value("520人", None, 520, "人")}]}]}
    graded = dict(compare_submission(expected, right))
    assert all(ok for _, ok in compare_submission(expected, right)) and graded["indicators.target"]

    wrong = {**right, "unit": "某市教育局", "evaluations": [{**right["evaluations"][0], "indicators": [
        {"name": "资助人数", "target": value("≥500人", ">=", 50, "人"), "actual": value("520人", None, 520, "人")}]}]}
    bad = [name for name, ok in compare_submission(expected, wrong) if not ok]
    assert bad == ["submission.unit", "indicators.target"]
    nothing = [name for name, ok in compare_submission(expected, {}) if not ok]
    assert "evaluation.project_name" in nothing and "indicators.actual" in nothing and "funds.rate" in nothing
