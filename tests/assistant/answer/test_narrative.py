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
