"""The narrative figure evaluation: its set, its own grading, and one run over the report."""

from __future__ import annotations

import re

from eval.narrative_eval import REPORT, NarrativeQuestion, grade, load_questions, run


def test_set_has_twenty_questions_each_expectation_written_in_the_report():
    qs = load_questions()
    assert len(qs) >= 20
    report = re.sub(r"\s+", "", REPORT.read_text(encoding="utf-8"))
    for q in qs:
        for s in q.sentences:
            assert s in report, s  # an expected sentence is the report's, as written
    assert sum(1 for q in qs if not q.found) >= 2
    assert sum(1 for q in qs if q.value and q.value.startswith(("增加", "减少"))) >= 4


def test_grading_needs_the_value_and_every_sentence_cited():
    q = NarrativeQuestion("2023年共对多少个项目开展了绩效自评？", value="356个",
                          sentences=["2023年共对356个项目开展了绩效自评"])
    cited = ["2023年共对356个项目开展了绩效自评，涉及资金182640.75万元。"]
    assert grade(q, "2023年为356个[1]。", True, cited)
    assert not grade(q, "2023年为356个[1]。", True, ["2022年共对298个项目开展了绩效自评。"])
    assert not grade(q, "2023年为298个[1]。", True, cited)
    assert not grade(q, "2023年为356个[1]。", False, cited)
    missing = NarrativeQuestion("2021年共对多少个项目开展了绩效自评？", found=False)
    assert grade(missing, "报告中没有2021年的这一数字。", False, [])
    assert not grade(missing, "2021年为298个。", False, [])


def test_the_run_answers_the_set():
    r = run()
    assert r["n"] >= 20
    assert r["accuracy"] >= 0.9, r["failures"]
    assert r["citation_precision"] >= 0.95
