"""Tests for assistant.values: cells as real self-evaluation tables write them, plus properties."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assistant.values import (
    VAGUE_WORDS,
    Amount,
    deadline_text,
    normalise_text,
    parse_amount,
    parse_number,
    parse_percent,
    parse_value,
)

# raw, op, number, unit, qualitative, vague, blank
CASES: list[tuple[str | None, str | None, float | None, str | None, bool, bool, bool]] = [
    # the cases named in the brief
    ("≥95%", ">=", 95, "%", False, False, False),
    ("≧735人次", ">=", 735, "人次", False, False, False),
    ("═100%", "=", 100, "%", False, False, False),
    ("＝100 %", "=", 100, "%", False, False, False),
    ("不低于90%", ">=", 90, "%", False, False, False),
    ("不高于50万元", "<=", 50, "万元", False, False, False),
    ("90%以上", ">=", 90, "%", False, False, False),
    ("≤90万元", "<=", 90, "万元", False, False, False),
    ("100百分比", None, 100, "%", False, False, False),
    ("1,234.5万元", None, 1234.5, "万元", False, False, False),
    ("0.5万元/人", None, 0.5, "万元/人", False, False, False),
    ("2020年12月底前", "<=", None, None, False, False, False),
    ("按时完成", None, None, None, True, True, False),
    ("—", None, None, None, False, False, True),
    ("/", None, None, None, False, False, True),
    ("", None, None, None, False, False, True),
    # operators, full-width forms, spacing
    ("≥１０个", ">=", 10, "个", False, False, False),
    ("≤5天", "<=", 5, "天", False, False, False),
    ("≤ 3 次", "<=", 3, "次", False, False, False),
    ("＞80%", ">", 80, "%", False, False, False),
    ("＜5%", "<", 5, "%", False, False, False),
    ("小于5%", "<", 5, "%", False, False, False),
    ("低于3%", "<", 3, "%", False, False, False),
    ("大于10个", ">", 10, "个", False, False, False),
    ("超过500人", ">", 500, "人", False, False, False),
    ("大于等于80%", ">=", 80, "%", False, False, False),
    ("小于等于2天", "<=", 2, "天", False, False, False),
    ("≦15日", "<=", 15, "天", False, False, False),
    (">=98%", ">=", 98, "%", False, False, False),
    ("＞=98%", ">=", 98, "%", False, False, False),
    ("<=30分钟", "<=", 30, "分钟", False, False, False),
    ("==100%", "=", 100, "%", False, False, False),
    ("等于100%", "=", 100, "%", False, False, False),
    ("不少于3场", ">=", 3, "场", False, False, False),
    ("至少2次", ">=", 2, "次", False, False, False),
    ("不超过3次/年", "<=", 3, "次/年", False, False, False),
    ("不大于5%", "<=", 5, "%", False, False, False),
    ("控制在10%以内", "<=", 10, "%", False, False, False),
    ("10万元以内", "<=", 10, "万元", False, False, False),
    ("3个工作日内", "<=", 3, "工作日", False, False, False),
    ("5%以下", "<=", 5, "%", False, False, False),
    ("50家及以上", ">=", 50, "家", False, False, False),
    ("满意度≥90%", ">=", 90, "%", False, False, False),
    # numbers and units
    ("100%", None, 100, "%", False, False, False),
    ("98.5％", None, 98.5, "%", False, False, False),
    ("5个", None, 5, "个", False, False, False),
    ("1200户", None, 1200, "户", False, False, False),
    ("12公里", None, 12, "公里", False, False, False),
    ("8.6千米", None, 8.6, "公里", False, False, False),
    ("12km", None, 12, "公里", False, False, False),
    ("3.5亩", None, 3.5, "亩", False, False, False),
    ("2000㎡", None, 2000, "平方米", False, False, False),
    ("≥1.2万人次", ">=", 1.2, "万人次", False, False, False),
    ("6个月", None, 6, "月", False, False, False),
    ("20名", None, 20, "名", False, False, False),
    ("90分", None, 90, "分", False, False, False),
    ("3.2亿元", None, 3.2, "亿元", False, False, False),
    ("1，234.5万元", None, 1234.5, "万元", False, False, False),
    ("-5%", None, -5, "%", False, False, False),
    ("提高2个百分点", None, 2, "百分点", False, False, False),
    ("百分之95", None, 95, "%", False, False, False),
    ("≤0.5元/人·次", "<=", 0.5, "元/人·次", False, False, False),
    ("30座桥梁", None, 30, "座", False, False, False),
    ("5万户", None, 5, "万户", False, False, False),  # unknown word kept as written
    ("100左右", None, 100, None, False, False, False),
    ("1000", None, 1000, None, False, False, False),
    # ranges: the lower bound with >=
    ("90%-95%", ">=", 90, "%", False, False, False),
    ("90~95%", ">=", 90, "%", False, False, False),
    ("90～95%", ">=", 90, "%", False, False, False),
    ("90至95%", ">=", 90, "%", False, False, False),
    # PDF wrapping and notes
    ("≥9\n5%", ">=", 95, "%", False, False, False),
    ("≥95\n%", ">=", 95, "%", False, False, False),
    ("≥95%（注：以抽样为准）", ">=", 95, "%", False, False, False),
    ("≥90%（抽样调查）", ">=", 90, "%", False, False, False),
    ("90%（含）以上", ">=", 90, "%", False, False, False),
    ("≥95%【2023年数据】", ">=", 95, "%", False, False, False),
    # deadlines
    ("2023年6月30日前", "<=", None, None, False, False, False),
    ("2023-06-30", None, None, None, False, False, False),
    ("6月底前", "<=", None, None, False, False, False),
    ("2023年12月", None, None, None, False, False, False),
    ("2023年完成100%", None, 100, "%", False, False, False),  # the date is context here
    # qualitative and vague
    ("达成预期指标", None, None, None, True, False, False),
    ("效果明显", None, None, None, True, True, False),
    ("显著提升", None, None, None, True, True, False),
    ("有所提高", None, None, None, True, True, False),
    ("进一步提升", None, None, None, True, True, False),
    ("良好", None, None, None, True, True, False),
    ("有效", None, None, None, True, True, False),
    ("符合要求", None, None, None, True, True, False),
    ("基本达标", None, None, None, True, True, False),
    ("是", None, None, None, True, False, False),
    ("否", None, None, None, True, False, False),
    ("完成", None, None, None, True, False, False),
    ("合格", None, None, None, True, False, False),
    ("不少于三场", ">=", None, None, True, False, False),  # Chinese numerals are not read
    ("不低于上年", ">=", None, None, True, False, False),
    ("有效率≥95%", ">=", 95, "%", False, False, False),  # a vague word next to a number
    # blanks
    (None, None, None, None, False, False, True),
    ("   ", None, None, None, False, False, True),
    ("-", None, None, None, False, False, True),
    ("－", None, None, None, False, False, True),
    ("／", None, None, None, False, False, True),
    ("*", None, None, None, False, False, True),
    ("无", None, None, None, False, False, True),
    ("暂无", None, None, None, False, False, True),
    ("——", None, None, None, False, False, True),
    ("…", None, None, None, False, False, True),
    ("空", None, None, None, False, False, True),
    ("N/A", None, None, None, False, False, True),
    ("n/a", None, None, None, False, False, True),
    (" — \n", None, None, None, False, False, True),
]


@pytest.mark.parametrize(("raw", "op", "number", "unit", "qualitative", "vague", "blank"), CASES,
                         ids=[repr(c[0]) for c in CASES])
def test_parse_value_cases(raw, op, number, unit, qualitative, vague, blank):
    v = parse_value(raw)
    assert v.raw == ("" if raw is None else raw)
    assert (v.op, v.number, v.unit) == (op, number, unit)
    assert (v.qualitative, v.vague, v.blank) == (qualitative, vague, blank)
    assert v.number is None or isinstance(v.number, float)


def test_vague_words_can_be_overridden():
    assert isinstance(VAGUE_WORDS, tuple) and "效果明显" in VAGUE_WORDS
    assert parse_value("达成预期指标").vague is False
    assert parse_value("达成预期指标", vague_words=("预期",)).vague is True
    assert parse_value("效果明显", vague_words=()).vague is False


def test_deadline_text():
    assert deadline_text("2020年12月底前") == "2020年12月底前"
    assert deadline_text(" ２０２３年６月前 ") == "2023年6月前"
    assert deadline_text("≥95%") is None
    assert deadline_text("按时完成") is None
    assert deadline_text(None) is None


@pytest.mark.parametrize(("raw", "value", "unit", "wan"), [
    ("1,234.56", 1234.56, "万元", 1234.56),
    ("1，234.56万元", 1234.56, "万元", 1234.56),
    ("-12.5", -12.5, "万元", -12.5),
    ("（12.5）", -12.5, "万元", -12.5),
    ("(1,000.00)万元", -1000.0, "万元", -1000.0),
    ("12.5元", 12.5, "元", 0.00125),
    ("3.2亿元", 3.2, "亿元", 32000.0),
    ("3.2亿", 3.2, "亿元", 32000.0),
    ("450千元", 450.0, "千元", 45.0),
    ("１２３４．５", 1234.5, "万元", 1234.5),
    (" 12 345.6 万元 ", 12345.6, "万元", 12345.6),
    ("12.5（含结转3万元）", 12.5, "万元", 12.5),
    ("0.00", 0.0, "万元", 0.0),
    ("-", None, "万元", None),
    ("—", None, "万元", None),
    ("", None, "万元", None),
    (None, None, "万元", None),
    ("暂无数据", None, "万元", None),
])
def test_parse_amount(raw, value, unit, wan):
    a = parse_amount(raw)
    assert a == Amount(raw="" if raw is None else raw, value=value, unit=unit)
    assert a.in_wan() == (None if wan is None else pytest.approx(wan))


def test_parse_amount_default_unit():
    assert parse_amount("5000", default_unit="元").in_wan() == pytest.approx(0.5)
    assert parse_amount("3万元", default_unit="元").unit == "万元"
    with pytest.raises(ValueError):
        parse_amount("1", default_unit="美元")


@pytest.mark.parametrize(("raw", "expected"), [
    ("20分", 20.0), ("9.5", 9.5), ("—", None), ("１０", 10.0), ("", None), (None, None),
    ("（10分）", 10.0), ("不适用", None), ("-2", -2.0),
])
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("98.5%", 98.5), ("98.5", 98.5), ("0.985", 0.985), ("１００％", 100.0), ("≥90%", 90.0),
    ("—", None), ("", None), ("较好", None), ("98万元", None),
])
def test_parse_percent(raw, expected):
    assert parse_percent(raw) == expected


def test_normalise_text():
    assert normalise_text("　１２３，４５６．７８％（注）\n\n ok ") == "123,456.78%(注) ok"
    # Chinese text and the signs NFKC would rewrite or ignore are left alone.
    assert normalise_text("效果明显 ㎡ ≧ ①") == "效果明显 ㎡ ≧ ①"
    assert normalise_text(None) == ""


# --- properties ----------------------------------------------------------------------------------

OP_FORMS = {
    "≥": ">=", "≧": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "至少": ">=",
    "≤": "<=", "≦": "<=", "<=": "<=", "不高于": "<=", "不超过": "<=",
    "=": "=", "＝": "=", "═": "=", "等于": "=",
    ">": ">", "＞": ">", "大于": ">", "超过": ">",
    "<": "<", "＜": "<", "小于": "<", "低于": "<",
    "": None,
}
UNIT_FORMS = {
    "%": "%", "％": "%", "百分比": "%", "百分点": "百分点", "万元": "万元", "元": "元", "亿元": "亿元",
    "千元": "千元", "个": "个", "人": "人", "人次": "人次", "次": "次", "项": "项", "户": "户",
    "天": "天", "日": "天", "月": "月", "年": "年", "公里": "公里", "千米": "公里", "km": "公里",
    "亩": "亩", "所": "所", "册": "册", "场": "场", "家": "家", "座": "座", "台": "台", "套": "套",
    "辆": "辆", "处": "处", "间": "间", "平方米": "平方米", "㎡": "平方米", "m²": "平方米",
    "立方米": "立方米", "吨": "吨", "张": "张", "份": "份", "篇": "篇", "期": "期", "批": "批",
    "条": "条", "名": "名", "分": "分", "小时": "小时", "万人次": "万人次", "万人": "万人",
    "元/人": "元/人", "万元/人": "万元/人", "": None,
}
# Plain decimals: rounding to 4 places keeps repr() out of exponent notation ("1e-05").
numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 4))
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@given(sym=st.sampled_from(sorted(OP_FORMS)), x=numbers, unit=st.sampled_from(sorted(UNIT_FORMS)),
       as_int=st.booleans())
def test_round_trip_op_number_unit(sym, x, unit, as_int):
    text = f"{int(x)}" if as_int else f"{x}"
    # "2020年" is a date, not a number of years: that reading is tested above.
    assume(not re.fullmatch(r"(19|20)[0-9]{2}", text) or unit != "年")
    raw = f"{sym}{text}{unit}"
    v = parse_value(raw)
    assert v.raw == raw
    assert v.op == OP_FORMS[sym]
    assert v.number == float(text)
    assert v.unit == UNIT_FORMS[unit]
    assert (v.qualitative, v.vague, v.blank) == (False, False, False)


@given(st.text())
def test_never_raises_and_keeps_raw(raw):
    v = parse_value(raw)
    assert v.raw == raw
    if v.blank:
        assert (v.op, v.number, v.unit, v.qualitative, v.vague) == (None, None, None, False, False)
    if v.number is not None:
        assert not v.qualitative and not v.vague
    assert v.vague <= v.qualitative  # vague implies qualitative
    parse_amount(raw)
    parse_number(raw)
    parse_percent(raw)
    deadline_text(raw)


@given(x=numbers, unit=st.sampled_from(["", "%", "个", "万元", "人次"]))
def test_full_width_digits_parse_like_half_width(x, unit):
    half = f"≥{x}{unit}"
    full = half.translate(FULL_WIDTH)
    assert parse_value(full).number == parse_value(half).number == x
    assert parse_number(full) == parse_number(half) == x
    assert parse_amount(full).value == parse_amount(half).value == x


@given(x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
       sep=st.sampled_from([",", "，"]), unit=st.sampled_from(["", "元", "万元", "亿元", "千元"]))
def test_amount_thousands_separators_round_trip(x, sep, unit):
    text = f"{x:,.2f}".replace(",", sep) + unit
    a = parse_amount(text)
    assert a.raw == text
    assert a.value == pytest.approx(round(x, 2), abs=1e-9)
    assert a.unit == (unit or "万元")
    assert a.in_wan() is not None and math.isfinite(a.in_wan())
