"""The drafts' number guard: which tokens count as numbers and when they are supported."""

from __future__ import annotations

from assistant.drafting.numbers import extract_numbers, number_set, unsupported_numbers


def norms(text: str) -> list[str]:
    return [n for _, n in extract_numbers(text)]


def test_amounts_rates_and_full_width():
    assert norms("涉及资金1,236.50万元，占40.0%，执行率９１．４５％") == ["1236.5", "40", "91.45"]


def test_identifiers_and_list_marks_are_not_figures():
    text = "1、规则 CALC-IND-001，编号 7179c646006a2d88，文件 0001_pdf_table_mof.pdf，发现 53f5:F3\n（2）措施\n3. 问题"
    assert norms(text) == []


def test_numbers_with_units_and_ranges_count():
    assert norms("养护里程1140km，2021-2022年，≥95百分比，第2页 表1 第5行第3列") == \
        ["1140", "2021", "2022", "95", "2", "1", "5", "3"]


def test_chinese_numerals_before_counters():
    assert norms("三个项目、两份报告、十二条问题") == ["3", "2", "12"]
    assert norms("逐项核实，每一项都要写明，统一口径，两张皮") == []


def test_unsupported_numbers():
    allowed = ["审核的4个项目中，有2个存在问题，占50%", 1236.5, "2022"]
    assert unsupported_numbers("有2个项目，占50.0%，涉及1236.50万元，2022年", allowed) == []
    assert unsupported_numbers("有3个项目，占50%，涉及1300万元；又有3个", allowed) == ["3", "1300"]
    assert unsupported_numbers("有三个项目", allowed) == ["三"]


def test_number_set_mixes_numbers_and_texts():
    assert number_set([3, 2.50, "占40.0%", None]) == {"3", "2.5", "40"}
