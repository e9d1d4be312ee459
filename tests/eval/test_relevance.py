"""Retrieval relevance (eval/relevance.py): a text is relevant when it holds the asked fact, however
it is written — the product's chunk format and a baseline's plain text are judged alike."""

from __future__ import annotations

from eval.ask_eval import FactQ, first_rank, relevant_text
from eval.relevance import Fact, holds


def test_a_value_is_found_in_any_wording():
    rate = Fact.of("55.2%")
    assert holds("执行率：55.2%", rate)  # our chunk format
    assert holds("年度资金总额 | 100 | 100 | 55.2 | 10 | 55.2% | 5.52", rate)  # a table's plain text
    assert holds("预算执行率为 55.20 ％。", rate)  # full-width, trailing zero
    assert holds("全年执行数 | 55.2", rate)  # a bare cell: the unit is in the header
    # a table row in plain text: cells apart only by spaces are still separate numbers
    assert holds("年度财政资金总额 315.92 315.92 55.2 55.2% 20", rate)
    assert holds("总分 100 99.21", Fact.of("99.21分")) and not holds("总分 100 99.2", Fact.of("99.21分"))
    assert holds("总分 100 99.21 \n项目支出绩效自评表", Fact.of("99.21分"))  # the next cell is no unit


def test_a_value_is_not_found_in_another_number_or_unit():
    rate = Fact.of("55.2%")
    assert not holds("执行率：55.3%", rate)
    assert not holds("执行率：155.2%", rate)
    assert not holds("执行数55.2万元", rate)
    score = Fact.of("95分")
    assert holds("总分：95", score) and holds("综合得分95分", score) and holds("95.00", score)
    assert not holds("满意度≥95%", score) and not holds("得分 9.5", score) and not holds("1995年", score)


def test_units_and_thousands():
    assert holds("年初预算1,234.5万元", Fact.of("1234.5万元"))
    assert not holds("年初预算1,234.5元", Fact.of("1234.5万元"))
    assert holds("共发放问卷254份，回收250份", Fact.of("254份"))
    assert not holds("共发放问卷250份", Fact.of("254份"))


def test_a_sentence_is_found_by_containment():
    reason = Fact.of("部分资金年底才下达", sentence=True)
    assert holds("偏差原因：部分资金 年底才下达，支付滞后。", reason)
    assert not holds("偏差原因：资金已全部下达。", reason)
    text = Fact.of("效果明显")  # a text value
    assert holds("实际完成值：效果明显", text) and not holds("效果不明显", text)


def test_relevance_needs_the_right_file():
    q = FactQ("甲局学生资助的执行率？", ["执行率：55.2%"], {"sid-a"}, {"a.docx"}, "rate", facts=[Fact.of("55.2%")])
    assert relevant_text(q, "a.docx", "学生资助 55.2%")
    assert not relevant_text(q, "b.docx", "学生资助 55.2%")  # the same figure in another file
    assert not relevant_text(q, "a.docx", "学生资助 60%")


def test_first_rank_counts_within_the_top_ten():
    assert first_rank(["x", "y", "hit"], lambda t: t == "hit") == 3
    assert first_rank(["x"] * 10 + ["hit"], lambda t: t == "hit") is None
    assert first_rank([], lambda t: True) is None


# --- citation precision: a cited passage supports the sentence citing it ----------------------------

def test_cited_sentences_pair_each_sentence_with_its_markers():
    from eval.relevance import cited_sentences

    answer = ("甲自评表中，执行率：93.42%[1]。甲自评报告：预算执行率93.42%[2][3]。\n"
              "以上各项在材料中的说明如下：\n1. 甲「乙」：偏差原因：资金下达晚[4]。")
    assert cited_sentences(answer) == [("甲自评表中，执行率：93.42%", [1]), ("甲自评报告：预算执行率93.42%", [2, 3]),
                                       ("甲「乙」：偏差原因：资金下达晚", [4])]
    assert cited_sentences("没有找到能回答这个问题的内容。") == []


def test_a_passage_supports_a_sentence_with_its_numbers_and_words():
    from eval.relevance import supports

    table = "甲「残疾人补贴」项目支出绩效自评表（2020年度）｜项目资金（万元）｜执行率：97.42%｜预算执行率分值：10"
    report = "甲｜（一）项目概况：2020年该项目年初预算165.97万元，全年执行155.05万元，预算执行率93.42%。"
    assert supports(table, "甲「残疾人补贴」项目支出绩效自评表（2020年度）项目资金（万元）中，执行率：97.42%")
    assert not supports(table, "甲「残疾人补贴」项目支出绩效自评表（2020年度）项目资金（万元）中，执行率：93.42%")
    assert supports(report, "甲自评报告（（一）项目概况）：2020年该项目年初预算165.97万元，全年执行155.05万元，预算执行率93.42%")
    assert not supports(report, "甲自评报告：2020年该项目年初预算165.97万元，预算执行率93.42%，全年执行150万元")
    assert not supports(report, "甲自评报告：预算执行率93.42万元")  # the unit is part of the number
    row = "甲「乙」项目支出绩效自评表（2021年度）｜三级指标：购置设备数量｜年度指标值：58（台）｜实际完成值：54（台）"
    assert supports(row, "甲「乙」项目支出绩效自评表（2021年度）中，三级指标「购置设备数量」：年度指标值58（台），实际完成值54（台）")
    reason = "甲｜四、存在的问题：一是部分乡镇申报数量少于年初预计，进度滞后。"
    assert supports(reason, "甲自评报告（四、存在的问题）：一是部分乡镇申报数量少于年初预计，进度滞后")
    assert not supports(reason, "甲自评报告（四、存在的问题）：受汛期强降雨影响，施工工期延后")


def test_a_difference_is_supported_only_when_it_is_worked_out_from_two_stated_figures():
    from eval.relevance import supports

    passage = "2023年共对356个项目开展了绩效自评。2022年共对298个项目开展了绩效自评。"
    assert supports(passage, "2023年为356个，2022年为298个，2023年比2022年增加58个")
    assert not supports(passage, "2023年为356个，2022年为298个，2023年比2022年增加60个")  # wrong arithmetic
    assert not supports(passage, "2023年为356个，2023年比2022年增加58个")  # the other figure is not in the sentence
    rates = "2023年覆盖率96.6%。2022年覆盖率93.4%。"
    assert supports(rates, "2023年为96.6%，2022年为93.4%，2023年比2022年增加3.2个百分点")
