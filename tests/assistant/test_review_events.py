"""The audit log in words (assistant/review/events.py): every kind of event a reviewer reads in
the log is a Chinese line, never the stored keys (series_id=…, field_path=…)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from assistant.glossary import path_term
from assistant.review.events import describe


@dataclass
class Event:
    kind: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
    id: int = 1
    submission_id: str = "s1"
    finding_id: str | None = None
    actor: str = "李审核"
    created: datetime = field(default_factory=lambda: datetime(2026, 12, 7, tzinfo=UTC))

    @property
    def at(self) -> datetime:
        return self.created


@pytest.mark.parametrize(("path", "words"), [
    ("evaluations[0].funds.rows[0].budget_full_year", "项目资金·资金来源明细第1行·全年预算数"),
    ("evaluations[0].indicators[3].score", "绩效指标第4行·得分"),
    ("evaluations[1].total_score", "自评表第2张·总分"),
    ("sections[2]", "报告章节第3节"),
    ("not a path!", "not a path!"),
])
def test_a_field_path_in_words(path, words):
    assert path_term(path) == words


def test_a_correction_names_the_field_the_values_and_the_findings_it_resolved():
    line = describe(Event("correction",
                          before={"field_path": "evaluations[0].funds.rows[0].budget_full_year", "value": "",
                                  "original": ""},
                          after={"field_path": "evaluations[0].funds.rows[0].budget_full_year", "value": "631.92",
                                 "typed": "631.92", "correction_id": 7, "findings_resolved": ["f1"],
                                 "findings_added": []}))
    assert line == "更正识别值：项目资金·资金来源明细第1行·全年预算数 （空） → 631.92（消除审核发现 1 条）"


def test_a_new_version_a_confirmed_read_and_a_score_are_lines_in_words():
    version = describe(Event("version", after={"series_id": "d0460130ca4deee8", "number": 2,
                                               "previous_id": "d0460130ca4deee8", "linked_by": "replaces"}))
    assert version == "重报版本：登记为第2版（上一版 d0460130ca4deee8，上传时指明替换）"
    assert describe(Event("certainty", before={"certainty": "uncertain"},
                          after={"certainty": "recognised", "confirmed_by": "李审核"})) == "确认识别结果：待核实 → 已识别"
    where = {"evaluation_idx": 0, "item": "indicators[0]", "name": "养护农村公路里程"}
    assert describe(Event("score", before={**where, "score": None}, after={**where, "score": 8.67})) \
        == "复核打分：“养护农村公路里程” 自评得分 → 8.67"
    for line in (version, describe(Event("score", before={**where, "score": 8.67}, after={**where, "score": None}))):
        assert "=" not in line and "series_id" not in line and "evaluation_idx" not in line
