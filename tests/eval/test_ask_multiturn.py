"""The multi-turn chains (eval/ask_multiturn.py) come from the labels alone: a changed year expects the
other year's figure when that table exists, and a reply finding nothing when it does not."""

from __future__ import annotations

from typing import Any

from eval.ask_multiturn import chains_from_labels
from eval.relevance import holds_any


def _table(unit: str, project: str, year: int, rate: str, score: float, sat: str | None) -> dict[str, Any]:
    indicators = [{"level1": "满意度指标", "actual": {"raw": sat}}] if sat else []
    return {"expected": {"kind": "table", "unit": unit, "year": year, "evaluations": [{
        "kind": "project", "project_name": project, "year": year, "total_score": score,
        "funds": {"rate": {"raw": rate, "number": float(rate.rstrip("%"))}}, "indicators": indicators}]}}


def test_chains_follow_the_labels():
    labels = {"a": _table("甲局", "学生资助", 2022, "55%", 92.0, "85%"),
              "b": _table("甲局", "学生资助", 2021, "70%", 90.0, None),
              "c": _table("乙局", "疫苗接种", 2023, "96.88%", 97.0, "91%"),
              "r": {"expected": {"kind": "report", "unit": "乙局", "year": 2022,
                                 "sections": [{"text": "2022年度疫苗接种项目绩效自评报告"}]}}}
    chains = chains_from_labels(labels)
    year = {c.about: c for c in chains if c.kind == "year"}
    a = year["甲局学生资助2022年"]
    assert [t.question for t in a.turns] == ["甲局学生资助2022年的预算执行率是多少？", "那2021年呢？"]
    assert holds_any("执行率：70%", a.turns[1].facts) and not holds_any("执行率：55%", a.turns[1].facts)
    c = year["乙局疫苗接种2023年"]
    # 2022 has a report on the project (its text could answer): the chain asks 2024, which has nothing
    assert c.turns[1].question == "那2024年呢？" and c.turns[1].facts == [] and holds_any("96.88%", c.turns[1].wrong)
    carried = [ch for ch in chains if ch.kind == "carried"]
    # 甲局's 2021 table has no 满意度 row: no fair expectation, no chain
    assert [ch.about for ch in carried] == ["乙局疫苗接种2023年"]
    assert [t.question for t in carried[0].turns][1:] == ["它的满意度指标呢？", "那2024年呢？"]
    ellipsis = {c.about: c for c in chains if c.kind == "ellipsis"}
    assert holds_any("总分：92", ellipsis["甲局学生资助2022年"].turns[0].facts)
    first_kinds = [c for c in chains if c.kind in ("year", "pronoun", "ellipsis", "carried")]
    assert {c.kind for c in first_kinds} == {"year", "pronoun", "ellipsis", "carried"} and len(first_kinds) == 3 + 2 + 3 + 1
    # 那乙局呢: 乙局 filed nothing on 学生资助, so nothing is found — and 甲局's own figure is not the answer
    unit = {c.about: c for c in chains if c.kind == "unit"}
    u = unit["甲局学生资助2022年"].turns[1]
    assert u.question == "那乙局呢？" and u.facts == [] and holds_any("执行率：55%", u.wrong)
    # the 年度 chip removed: 那自评总分呢 asks every year of the project, both scores needed
    chips = {c.about: c for c in chains if c.kind == "chips"}
    ch = chips["甲局学生资助2022年"].turns[1]
    assert ch.question == "那自评总分呢？" and ch.remove == ("year",) and ch.every
    assert holds_any("总分：90", ch.facts) and holds_any("总分：92", ch.facts)
    assert len(unit) == 3 and len(chips) == 3


def test_a_changed_unit_expects_the_other_units_table_on_the_same_project_and_year():
    labels = {"a": _table("甲局", "学生资助", 2022, "55%", 92.0, None),
              "b": _table("乙局", "学生资助", 2021, "80%", 88.0, None),
              "c": _table("丙局", "学生资助", 2022, "61%", 95.0, None)}
    unit = {c.about: c.turns[1] for c in chains_from_labels(labels) if c.kind == "unit"}
    # 丙局 filed the same project for the same year: preferred to 乙局, whose table is of 2021
    assert unit["甲局学生资助2022年"].question == "那丙局呢？"
    assert holds_any("61%", unit["甲局学生资助2022年"].facts) and not holds_any("55%", unit["甲局学生资助2022年"].facts)
    # 乙局 has no 2022 table on it: nothing to find, and neither its 2021 figure nor 甲局's may be said
    b = unit["乙局学生资助2021年"]
    assert b.question == "那丙局呢？" and b.facts == [] and holds_any("61%", b.wrong) and holds_any("80%", b.wrong)


def test_a_turn_needing_every_figure_is_wrong_with_one_of_them():
    from types import SimpleNamespace

    from eval.ask_multiturn import TurnSpec, _turn_right
    from eval.relevance import Fact

    spec = TurnSpec("那自评总分呢？", [Fact.of("92分"), Fact.of("90分")], every=True, remove=("year",))
    both = SimpleNamespace(text="2022年：总分92分；2021年：总分90分。", kind="structured", found=True)
    one = SimpleNamespace(text="2022年：总分92分。", kind="structured", found=True)
    assert _turn_right(spec, both, []) and not _turn_right(spec, one, [])
