"""assistant.numbers: numbers written as the form has them, money in 万元, categories and bands.

The property tests generate values and check that the text every part writes for them (the
chunks, the findings and their exports, the statistics' figures, the drafts' number guard)
reads back as the same value.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.checker import check_submission, load_profile
from assistant.checker.export import CheckedFile, to_json, to_markdown
from assistant.drafting.numbers import extract_numbers, unsupported_numbers
from assistant.model import Evaluation, FileInfo, FundRow, Funds, Indicator, Location, Submission
from assistant.numbers import (
    EXEC_BANDS,
    FUND_CATEGORIES,
    GRADE_BANDS,
    canonical,
    exact,
    exec_band,
    fixed,
    grade_of,
    in_unit,
    money_unit,
    rounded,
    to_wan,
)
from assistant.stats import Figure
from assistant.values import parse_amount, parse_number, parse_value
from ingest.chunking import chunk_submission

# --- writing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("x", "text"), [
    (387664.62, "387664.62"), (1234567.5, "1234567.5"), (20.0, "20"), (20, "20"), (0.0, "0"), (-0.0, "0"),
    (89.974, "89.974"), (1e16, "10000000000000000"), (1.5e-7, "0.00000015"), (-12.5, "-12.5"), (None, None),
])
def test_exact_writes_the_value_as_written(x, text):
    assert exact(x) == text


@pytest.mark.parametrize(("token", "text"), [
    ("1,236.50", "1236.5"), ("40.0", "40"), ("007", "7"), ("0.50", "0.5"), ("100", "100"), ("0", "0"),
    ("-0.0", "0"), ("1e+16", "10000000000000000"), ("元", None), ("NaN", None),
])
def test_canonical(token, text):
    assert canonical(token) == text


@pytest.mark.parametrize(("x", "places", "text"), [
    (1236.50, 2, "1236.5"), (55.5555, 2, "55.56"), (40.0, 2, "40"), (0.005, 2, "0.01"), (33.333, 1, "33.3"),
    (2.675, 2, "2.68"), (-0.001, 2, "0"), (None, 2, "—"),
])
def test_rounded_is_half_up_as_written(x, places, text):
    assert rounded(x, places) == text


def test_rounded_empty_text_and_fixed():
    assert rounded(None, empty="（空）") == "（空）"
    assert (fixed(16), fixed(80.449), fixed(80.445), fixed(-0.001)) == ("16.00", "80.45", "80.45", "0.00")


# --- money ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "unit", "wan"), [
    (1234.56, "元", 0.123456), (25.0, "千元", 2.5), (89.974, "万元", 89.974), (3.0, "百万元", 300.0),
    (1.5, "亿元", 15000.0), (5.0, "人", None), (5.0, None, None), (None, "万元", None),
])
def test_to_wan(number, unit, wan):
    assert to_wan(number, unit) == wan


def test_in_unit_converts_between_money_units():
    assert in_unit(1.2, "万元", "元") == 12000.0
    assert in_unit(1200.0, "元", "千元") == 1.2
    assert in_unit(2.0, "亿元", "千元") == 200000.0
    assert in_unit(5.0, "万元", "人") is None and in_unit(5.0, "人", "万元") is None


def test_money_unit_and_parse_amount_share_the_units():
    assert [money_unit(w) for w in ("万", "亿元", "千", "元", "美元", "", None)] == \
        ["万元", "亿元", "千元", "元", None, None, None]
    assert parse_amount("1,234.56元").in_wan() == 0.123456
    assert parse_amount("2.5亿").in_wan() == 25000.0
    with pytest.raises(ValueError):
        parse_amount("1", default_unit="美元")


# --- categories and bands ---------------------------------------------------------------------------


def test_grade_bands_are_the_national_profiles():
    profile = [(g, float(lo)) for g, lo in load_profile("national").grade_bands]
    ours = [(name, max(low, 0.0)) for name, low, _high, _label in GRADE_BANDS]
    assert ours == profile


@pytest.mark.parametrize(("total", "grade"), [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.5, "中"),
                                              (60, "中"), (59.99, "差"), (0, "差"), (None, None)])
def test_grade_of(total, grade):
    assert grade_of(total) == grade


@pytest.mark.parametrize(("rate", "band"), [(100, "full"), (99.995, "full"), (99.99, "90"), (90, "90"),
                                            (89.9, "80"), (80, "80"), (79.99, "low"), (None, None)])
def test_exec_band(rate, band):
    assert exec_band(rate) == band
    assert band is None or band in [name for name, *_ in EXEC_BANDS]


def test_fund_categories_cover_the_model_and_the_profiles():
    for name in ("national", "sichuan", "municipal"):
        assert set(load_profile(name).required_fund_rows) <= set(FUND_CATEGORIES)
    assert FUND_CATEGORIES["current_fiscal"] == "当年财政拨款"


# --- properties: every text form reads back as the same value ---------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_exact_reads_back(x):
    text = exact(x)
    assert "e" not in text and float(text) == x
    assert parse_number(text) == x


def written(max_digits: int = 9, places: int = 6) -> st.SearchStrategy[str]:
    """A money or score cell as a person writes it: up to ``max_digits`` integer digits and
    ``places`` decimals, no trailing zeros (15 significant digits at most: what a float keeps)."""
    return st.decimals(min_value=0, max_value=Decimal(10 ** max_digits) - 1, places=places,
                       allow_nan=False, allow_infinity=False).map(lambda d: canonical(str(d)))


@given(written())
def test_a_written_value_is_written_back_in_its_digits(text):
    value = float(text)
    assert exact(value) == text
    assert parse_amount(f"{text}万元").value == value
    assert parse_value(f"≥{text}万元").number == value


def _submission(budget: float, spent: float, weight: float, score: float, rate: str) -> Submission:
    loc = Location(file="f.docx", page=1, table=0, row=3, col=6)
    funds = Funds(unit="万元", rows=[FundRow(name="年度资金总额", category="total", budget_initial=budget,
                                            budget_full_year=budget, exec_amount=spent)],
                  weight=10.0, rate=parse_value(rate), score=score, cells={"rate": loc})
    ind = Indicator(level1="产出指标", level2="数量指标", name="整治河道长度", target=parse_value("≥12公里"),
                    actual=parse_value("12公里"), weight=weight, score=weight, cells={"name": loc})
    ev = Evaluation(kind="project", layout="mof", project_name="河道整治", department="某县水利局",
                    impl_unit="某县水利局", year=2023, funds=funds, indicators=[ind], total_score=score + weight,
                    cells={"project_name": loc})
    return Submission(id="ffff000000000006", kind="table", unit="某县水利局", department="某县水利局", year=2023,
                      file=FileInfo(name="f.docx", sha256="f" * 64, format="docx"), evaluations=[ev])


def _field(text: str, label: str) -> str:
    m = re.search(re.escape(label) + r"([^、｜（\s]+)", text)
    assert m, (label, text)
    return m.group(1)


@settings(max_examples=60, deadline=None)
@given(written(), written(), written(2, 2), written(2, 2))
def test_chunk_text_reads_back(budget, spent, weight, score):
    sub = _submission(float(budget), float(spent), float(weight), float(score), "50%")
    text = "\n".join(c.text for c in chunk_submission(sub))
    for label, value in (("年初预算数", budget), ("全年预算数", budget), ("全年执行数", spent),
                         ("｜分值：", weight), ("预算执行率得分：", score)):
        shown = _field(text, label)
        assert shown == value and parse_number(shown) == float(value)


@settings(max_examples=40, deadline=None)
@given(written(), written())
def test_findings_and_their_exports_read_back(one, other):
    s, b = sorted((float(one), float(other)))  # spent within the budget: only the rate is wrong
    assume(b > 0)
    sub = _submission(b, s, 10.0, 1.0, "250%")
    findings = check_submission(sub)
    fund = next(f for f in findings if f.rule == "CALC-FUND-001")
    pair = f"{exact(s)}/{exact(b)}"
    assert pair in fund.message
    assert f"全年执行数 {exact(s)}；全年预算数 {exact(b)}" in fund.evidence
    item = CheckedFile("f.docx", sub, findings)
    exported = [to_markdown([item]), json.dumps(to_json([item]), ensure_ascii=False)]
    for text in exported:
        assert pair in text
    m = re.search(r"（([0-9.]+)/([0-9.]+)）", fund.message)
    assert m and (float(m.group(1)), float(m.group(2))) == (s, b)


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.sampled_from(["万元", "%", "个", "分"]))
def test_statistics_figures_and_the_draft_guard_read_back(x, unit):
    places = 1 if unit == "%" else 2
    value = float(rounded(x, places))  # a figure keeps the value it prints
    fig = Figure("k", "项目全年预算数合计", value, unit)
    assert parse_number(fig.text) == value
    # a draft sentence citing the figure passes the number guard with the figure's value as fact
    sentence = f"全年预算数合计{fig.text}。"
    assert [n for _, n in extract_numbers(sentence)] == [exact(value)]
    assert unsupported_numbers(sentence, [value]) == []
