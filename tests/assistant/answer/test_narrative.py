"""Figures of a narrative report answered with the sentence cited (issue 18 item 5): a small
hand-written annual report, read sentence by sentence and asked through the whole engine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.answer import ask
from assistant.answer.narrative import answer_figures, comparison_followup, figure_question, figures_in
from assistant.retrieval import Hit
from assistant.settings import Settings
from assistant.stores import open_stores
from tests.assistant.answer.ask_support import BigramEmbeddings

REPORT = """白河市2024年度预算绩效管理情况报告

一、绩效自评

2024年，全市共对215个项目开展了绩效自评，涉及资金8.6亿元，较上年增加35个。2023年共对180个
项目开展了绩效自评，涉及资金7.2亿元。

二、绩效监控

全年开展绩效运行监控两轮，监控覆盖率98.5%。

三、重点评价

2024年委托第三方机构对9个重点项目开展评价，涉及资金12850.5万元。
"""


def _hits(text: str = REPORT, kind: str = "report") -> list[Hit]:
    paras = [p for p in text.split("\n\n") if p.strip()]
    return [Hit(chunk_id=f"c{n}", submission_id="s1", text=p, kind="section",
                metadata={"submission_kind": kind, "year": 2024}, score=1.0) for n, p in enumerate(paras)]


def test_figures_carry_unit_counted_thing_and_year_of_their_sentence():
    figs = {f.raw: f for f in figures_in(REPORT, year=2024)}
    assert figs["215个"].counts == "项目" and figs["215个"].year == 2024
    assert figs["8.6亿元"].kind == "money" and figs["8.6亿元"].value == Decimal("8.6")
    # a line break inside a sentence does not cut it: 180个 / 项目 are one sentence
    assert figs["180个"].year == 2023 and figs["180个"].counts == "项目"
    assert figs["180个"].sentence == "2023年共对180个项目开展了绩效自评，涉及资金7.2亿元。"
    assert figs["35个"].change and not figs["215个"].change
    assert figs["两轮"].value == 2 and figs["两轮"].kind == "rounds" and figs["两轮"].year == 2024
    assert figs["98.5%"].kind == "rate"


def test_question_kinds_years_and_comparison():
    q = figure_question("2024年绩效自评的项目数与2023年相比增加了多少？")
    assert q is not None and q.compare and q.years == (2024, 2023) and q.kinds == ("count",)
    both = figure_question("2023年自评了多少个项目、涉及多少资金？")
    assert both is not None and set(both.kinds) == {"count", "money"} and both.counted == "项目"
    assert figure_question("绩效自评存在哪些问题？") is None


def test_the_figure_of_the_year_asked_with_its_sentence():
    a = answer_figures("2023年共对多少个项目开展了绩效自评？", _hits())
    assert a is not None and a.found
    assert a.lines[0].startswith("2023年为180个")
    assert "2023年共对180个项目开展了绩效自评，涉及资金7.2亿元[1]。" in a.lines
    assert "215" not in "".join(a.lines)


def test_two_figures_asked_in_one_question_come_from_the_same_sentence():
    a = answer_figures("2023年自评了多少个项目、涉及多少资金？", _hits())
    assert a is not None and a.lines[0] == "2023年为180个，7.2亿元[1]。"


def test_a_change_written_in_the_text_is_not_taken_for_a_level():
    a = answer_figures("2024年共对多少个项目开展了绩效自评？", _hits())
    assert a is not None and "215个" in a.lines[0] and "35" not in a.lines[0]


def test_comparison_cites_both_sentences_and_computes_the_difference():
    a = answer_figures("2024年绩效自评的项目数与2023年相比增加了多少？", _hits())
    assert a is not None and a.found
    assert a.computed == ["35个"]
    assert [f.raw for f in a.cited] == ["215个", "180个"]
    assert a.lines[-1] == "2024年为215个，2023年为180个，2024年比2023年增加35个[1]。"
    money = answer_figures("2024年绩效自评涉及资金比2023年增加了多少？", _hits())
    assert money is not None and money.computed == ["1.4亿元"]


def test_a_year_the_report_does_not_give_is_said_and_never_guessed():
    a = answer_figures("2022年共对多少个项目开展了绩效自评？", _hits())
    assert a is not None and not a.found
    assert a.lines == ["报告中没有2022年的这一数字（报告只写了2023年、2024年的）。"]
    cmp = answer_figures("2024年绩效自评的项目数与2021年相比增加了多少？", _hits())
    assert cmp is not None and not cmp.found and "2021年" in cmp.lines[0] and "无法比较" in cmp.lines[0]


def test_tables_and_unrelated_questions_are_left_to_the_other_answers():
    assert answer_figures("2023年共对多少个项目开展了绩效自评？", _hits(kind="table")) is None
    assert answer_figures("绩效监控存在哪些问题？", _hits()) is None
    # a measure the report never speaks of: no figure at all
    assert answer_figures("2024年培训了多少名财务人员？", _hits()) is None


@pytest.fixture(scope="module")
def report_stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("narrative")
    folder = root / "in"
    folder.mkdir()
    (folder / "白河市2024年度预算绩效管理情况报告.txt").write_text(REPORT, encoding="utf-8")
    from ingest.pipeline import IngestOptions, ingest_paths

    stores = open_stores(Settings(data_dir=root / "data"), embeddings=BigramEmbeddings())
    report = ingest_paths([Path(folder)], stores, IngestOptions())
    assert all(f.status in ("ok", "needs_review") and f.chunks for f in report.files), report.to_dict()
    yield stores
    stores.close()


def test_engine_answers_a_figure_with_the_sentence_cited(report_stores):
    a = ask("2023年共对多少个项目开展了绩效自评？", report_stores)
    assert a.found and "180个" in a.text and "215" not in a.text
    assert a.citations and "2023年共对180个项目开展了绩效自评" in a.citations[0].snippet
    assert a.citations[0].snippet.startswith("2023年")  # the sentence, not the chunk's heading


def test_engine_compares_two_years_with_both_sentences(report_stores):
    a = ask("2024年绩效自评的项目数与2023年相比增加了多少？", report_stores)
    assert a.found and "增加35个" in a.text, a.text
    snippet = "".join(c.snippet for c in a.citations)
    assert "全市共对215个项目开展了绩效自评" in snippet and "2023年共对180个项目开展了绩效自评" in snippet
    assert not a.flags or not any("无法核实" in f for f in a.flags)


def test_engine_says_a_missing_year_is_not_in_the_report(report_stores):
    a = ask("2022年共对多少个项目开展了绩效自评？", report_stores)
    assert not a.found and not a.citations
    assert "没有2022年" in a.text and "180" not in a.text and "215" not in a.text


def test_comparison_followup_joins_the_previous_figure_question():
    prev = "2024年共对多少个项目开展了绩效自评？"
    assert comparison_followup("与2023年相比增加了多少？", prev) == f"{prev}与2023年相比增加了多少？"
    assert comparison_followup("比2023年多几轮？", "2024年开展了几轮绩效运行监控？") is not None
    # a comparison naming its own measure, a question without a year, or no figure before: not a follow-up
    assert comparison_followup("2024年绩效自评的项目数与2023年相比增加了多少？", prev) is None
    assert comparison_followup("增加了多少？", prev) is None
    assert comparison_followup("与2023年相比增加了多少？", "存在哪些问题？") is None


def test_engine_follow_ups_compare_and_change_the_year_within_the_report(report_stores):
    first = ask("2024年共对多少个项目开展了绩效自评？", report_stores)
    assert first.found and "215个" in first.text
    compared = ask("与2023年相比增加了多少？", report_stores, conversation_id=first.conversation_id)
    assert compared.found and "增加35个" in compared.text, compared.text
    assert len({c.snippet for c in compared.citations}) >= 1
    again = ask("2024年共对多少个项目开展了绩效自评？", report_stores)
    earlier = ask("那2023年呢？", report_stores, conversation_id=again.conversation_id)
    # the report of 2024 gives the 2023 count: answered from it, not "no 2023 material"
    assert earlier.found and "180个" in earlier.text, earlier.text
    assert any("2023年共对180个项目开展了绩效自评" in c.snippet for c in earlier.citations)


def test_a_count_the_records_cannot_answer_is_the_reports_and_a_missing_year_is_said(report_stores):
    # "自评了多少个项目" reads as a count of stored projects, and a store of one annual report has none:
    # the report answers — a year it gives no figure for is said, with the years it does give
    for question, year in (("2018年自评了多少个项目？", 2018), ("2021年自评了多少个项目、涉及多少资金？", 2021)):
        a = ask(question, report_stores)
        assert not a.found and not a.citations, a.text
        assert f"报告中没有{year}年" in a.text and "2023年、2024年" in a.text, a.text
        assert "没有符合条件" not in a.text and "180" not in a.text and "215" not in a.text
    a = ask("2023年自评了多少个项目？", report_stores)
    assert a.found and "180个" in a.text, a.text


# narrative.yaml -------------------------------------------------------------------------------------

# one question per entry of narrative.yaml's word lists, each asked as a reviewer would
ASKED = {
    "rounds": ["2024年开展了几轮监控？", "监控开展了多少轮？", "开展了几次重点评价？", "开展了多少次评价？",
               "监控的轮次是多少？", "监控次数是多少？"],
    "money": ["涉及多少资金？", "花了多少钱？", "重点评价的金额是多少？", "涉及多少万元？", "涉及多少亿元？",
              "资金规模是多少？", "重点评价涉及多少？"],
    "rate": ["监控覆盖率是多少？", "自评项目的比例是多少？", "整改比率是多少？", "重点评价的占比是多少？",
             "百分之多少的项目开展了自评？", "目标编制率是多少？"],
    "count": ["自评了多少个项目？", "评价了几个项目？", "整改了多少项？", "有几项问题？", "有多少家单位？",
              "有几家单位？", "有多少所学校？", "有多少户？", "培训了多少人？", "有多少件？", "项目的数量是多少？",
              "项目个数是多少？", "自评的项目数是多少？", "编制目标的单位数是多少？"],
}
COMPARED = ["比上年多几个？", "比上年少几个？", "比上年多了多少？", "比上年少多少？", "与上年相比如何？", "两年比较如何？",
            "两年对比如何？", "较上年如何？", "比上年增加多少？", "比上年减少了多少？", "比上年增长多少？",
            "比上年下降了多少？", "有什么变化？", "两年差多少？"]


def test_every_entry_of_narrative_yaml_is_read_and_fires_on_a_question():
    import re

    import yaml

    from assistant.answer.narrative import WORDS_FILE, words

    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    w = words()  # raises on a key the code does not read
    assert [k for _rx, k in w.ask_kinds] == list(data["ask_kinds"])
    for kind, entries in data["ask_kinds"].items():
        for entry in entries:
            assert any(re.search(entry, q) for q in ASKED[kind]), (kind, entry)  # the entry is a used word
        for q in ASKED[kind]:
            fq = figure_question(q)
            assert fq is not None and kind in fq.kinds, (q, fq)
    for entry in data["compare"]:
        assert any(re.search(entry, q) for q in COMPARED), entry
    for q in COMPARED:
        assert w.compare.search(q), q
    # the lookarounds hold: a project's 执行率 and 涉及多少个 are not an amount or a rate of a report
    assert figure_question("执行率是多少？") is None
    fq = figure_question("涉及多少个项目？")
    assert fq is not None and fq.kinds == ("count",) and fq.counted == "项目"
    # the other lists: what a count counts, a change, the words of a comparison follow-up
    assert figures_in("2024年共对215个项目进行了自评。")[0].counts == "项目"
    assert [f.change for f in figures_in("2024年自评215个项目，较上年新增了35个。")] == [False, True]
    assert comparison_followup("与2023年相比有变化吗？", "2024年共对多少个项目开展了绩效自评？") is not None
    assert figure_question("2024年的项目比2023年增加了多少？").kinds == ("count",)
    assert figure_question("2024年的资金比2023年增加了多少？").kinds == ("money",)
    assert "开展" not in figure_question("2024年共开展了几轮监控？").words


def test_an_empty_count_over_tables_of_that_year_stays_the_records_answer(tmp_path):
    from ingest.chunking import chunk_submission
    from ingest.pipeline import IngestOptions, ingest_paths
    from tests.assistant.answer.ask_support import _ind, _table

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "白河市2024年度预算绩效管理情况报告.txt").write_text(REPORT, encoding="utf-8")
    stores = open_stores(Settings(data_dir=tmp_path / "data"), embeddings=BigramEmbeddings())
    try:
        ingest_paths([folder], stores, IngestOptions())
        table = _table("ffff000000000006", "白河市教育局", 2024, "学生资助", "f.docx", 100.0, 55.0, "55%", 92.0, "优",
                       [_ind("产出指标", "数量指标", "资助学生人数", "≥500人", "520人", 20, 20, 5, "f.docx")])
        stores.save(table, chunk_submission(table), [])
        stores.sync_vectors()
        # a 2024 table is stored: no project of 2024 below 50% is the records' answer, not the report's 215个
        a = ask("2024年预算执行率低于50%的项目有几个？", stores)
        assert a.kind == "structured" and "215" not in a.text, a.text
        assert (a.aggregate or {}).get("total_rows") == 0
        # no table of 2023: the report answers its 2023 count
        b = ask("2023年自评了多少个项目？", stores)
        assert b.found and "180个" in b.text, b.text
    finally:
        stores.close()
