"""The grading every ask set shares (eval/ask_grading.py): citation pairs and unsupported numbers of an
answer, checked against the passages it cites in a real store."""

from __future__ import annotations

from pathlib import Path

from assistant.answer.types import Answer, Citation
from assistant.model import Location
from eval.ask_grading import Tally, check_answer, worked_out
from tests.assistant.answer.ask_support import make_small_stores


def test_a_difference_is_allowed_only_when_worked_out_from_two_stated_figures():
    from assistant.answer.text import numbers

    passage = "2023年共对356个项目开展了绩效自评。2022年共对298个项目开展了绩效自评。"
    said = "2023年为356个，2022年为298个，2023年比2022年增加58个。"
    derived = worked_out(said, [passage], [])
    assert any(n.value == 58 for n in derived)
    assert not any(n.value == 1 for n in derived)  # 2023 − 2022: years are not terms of a difference
    assert not any(numbers("增加60个")[0].matches(n) for n in derived)


def test_cited_sentences_and_numbers_are_checked_against_the_stored_passages(tmp_path: Path):
    stores = make_small_stores(tmp_path / "data")
    try:
        chunk = next(c for c in stores.records.chunks_for_submission("aaaa000000000001") if "55%" in c.text)
        cite = Citation(n=1, chunk_id=chunk.id, submission_id="aaaa000000000001", file="a.docx",
                        location=Location(file="a.docx"), snippet=chunk.text[:80])
        good = Answer(text="学生资助项目的预算执行率：55%[1]。", kind="document", citations=[cite])
        checked = check_answer(good, stores, "学生资助的执行率是多少？")
        assert (checked.pairs, checked.supported, checked.unsupported) == (1, 1, [])
        bad = Answer(text="学生资助项目的预算执行率：65%[1]。", kind="document", citations=[cite])
        checked = check_answer(bad, stores, "学生资助的执行率是多少？")
        assert (checked.pairs, checked.supported, checked.unsupported) == (1, 0, ["65%"])
        # a reply finding nothing may name what it searched and the rule it points to — not a figure
        none = Answer(text="没有规则检查“照抄上年目标”，相近的规则：目标值照抄（WEAK-GOAL-001）。已查a.docx（2022年）。",
                      kind="document", found=False)
        assert check_answer(none, stores, "哪些单位照抄了上年目标？", ["a.docx", "2022年"]).unsupported == []
        assert check_answer(Answer(text="共有7个。", kind="document", found=False), stores, "有几个？").unsupported == ["7"]
        tally = Tally()
        tally.add(True, check_answer(good, stores, "q"))
        tally.add(False, check_answer(bad, stores, "q"), 0.1, {"question": "q"})
        f = tally.figures()
        assert (f["n"], f["right"], f["citation_precision"], f["unsupported_numbers"]) == (2, 1, 0.5, 1)
        assert Tally().figures()["citation_precision"] == 1.0  # no cited sentence: nothing wrong
    finally:
        stores.close()
