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
    assert {c.kind for c in chains} == {"year", "pronoun", "ellipsis", "carried"} and len(chains) == 3 + 2 + 3 + 1
