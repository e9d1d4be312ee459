"""复核打分, pure (issue 15 item 8): self-score + adjustments + the pack's execution-rate caps →
the review total and grade, from the YAML cases in ``fixtures/review_score_cases.yml``; and the caps
table as data: on only under a pack that enables it, checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.checker.profiles import load_profile
from assistant.model import Evaluation, Funds, Indicator
from assistant.review.errors import Invalid
from assistant.review.scores import Adjustment, review_score, validated

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "review_score_cases.yml").read_text(encoding="utf-8"))


def form(spec: dict) -> Evaluation:
    rows = [Indicator(name=f"指标{i + 1}", weight=w, score=s) for i, (w, s) in enumerate(spec["rows"])]
    weight, score = spec["exec"]
    return Evaluation(indicators=rows, funds=Funds(weight=weight, score=score), total_score=spec["total"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_review_score_cases(case):
    ev = form(case["form"])
    profile = load_profile(case["profile"])
    asked = [Adjustment(a["item"], a["score"], a["reason"]) for a in case.get("adjustments", [])]
    if "error" in case:
        with pytest.raises(Invalid, match=case["error"]):
            validated(ev, asked)
        return
    score = review_score(ev, validated(ev, asked), profile.caps, exec_rate=case["form"]["exec_rate"],
                         profile=profile.name)
    want = case["expect"]
    for key in ("uncapped", "total", "grade", "self_grade", "gap"):
        if key in want:
            assert getattr(score, key) == want[key], key
    assert (score.cap is not None) == want.get("capped", False)
    if "cap_below" in want:
        assert score.cap.below == want["cap_below"] and score.cap.max_total == score.total
        assert "执行率" in score.cap.text and "依据" in score.cap.text
    if "adjusted" in want:
        assert len(score.adjustments) == want["adjusted"]
    assert score.self_total == case["form"]["total"]  # the self-score is never changed


def test_caps_are_off_nationally_and_on_in_a_named_pack():
    assert load_profile("national").caps == ()
    for name in ("sichuan", "municipal"):
        assert load_profile(name).caps == ()
    caps = load_profile("exec_caps").caps
    assert [(c.below, c.max_total) for c in caps] == [(50, 59), (60, 69), (70, 79), (80, 89)]
    assert all("待核实" in c.source for c in caps)  # the source is named, and said to be unverified


@pytest.mark.parametrize(("table", "message"), [
    ("{caps: [{below: 80, max_total: 89}]}", "source"),
    ("{source: x, caps: []}", "非空列表"),
    ("{source: x, caps: [{below: 80}]}", "max_total"),
    ("{source: x, caps: [{below: 80, max_total: 八十九}]}", "须为数字"),
    ("{source: x, caps: [{below: 180, max_total: 89}]}", "0–100"),
    ("{source: x, caps: [{below: 80, max_total: 79}, {below: 70, max_total: 89}]}", "越低"),
    ("{source: x, rate: 80}", "unknown keys"),
])
def test_a_malformed_caps_table_is_refused_on_load(tmp_path, table, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: national\nname: bad\nscore_caps: {table}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_profile(bad)


def test_a_bureau_pack_extending_exec_caps_inherits_the_caps(tmp_path):
    own = tmp_path / "city.yaml"
    own.write_text("extends: exec_caps\nname: city\n", encoding="utf-8")
    assert len(load_profile(own).caps) == 4


def test_the_rules_catalog_lists_a_packs_caps_with_their_source():
    from assistant.checker.catalog import catalog, catalog_markdown

    assert catalog(load_profile("national"))["score_caps"] == []
    assert "复核总分限定" not in catalog_markdown(load_profile("national"))
    caps = catalog(load_profile("exec_caps"))["score_caps"]
    assert [(c["below"], c["max_total"]) for c in caps] == [(50, 59), (60, 69), (70, 79), (80, 89)]
    text = catalog_markdown(load_profile("exec_caps"))
    assert "| 低于80% | 89分 |" in text and "依据：某省预算绩效自评复核系统的评分配置" in text
