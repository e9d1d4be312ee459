"""MISSING-DEV-003 graded against the generator's planted deviations (issue 19): P and R ≥ 0.95
under ``exec_caps``, never a finding under ``national``, and the decoys really are near misses."""

from __future__ import annotations

import random
from collections import Counter

from assistant.checker import check_submission, load_profile
from eval import cycle_eval
from eval.synth.deviation import DECOYS, DEFECTS, RULE, THRESHOLD, make_set, make_sets


def _off(ind) -> float:
    return abs(ind.actual.number - ind.target.number) / ind.target.number * 100


def test_every_kind_is_planted_and_each_label_names_a_row_deviating_past_the_threshold_unexplained():
    sets = make_sets(45, 4)
    assert set(Counter(p.kind for s in sets for p in s.planted)) == set(DEFECTS)
    assert set(Counter(d for s in sets for d in s.decoys)) == set(DECOYS)
    for s in sets:
        rows = s.submission.evaluations[0].indicators
        labelled = {int(p.field.split("[")[2].split("]")[0]) for p in s.planted}
        assert all(p.rule == RULE and p.field.endswith(".deviation_reason") for p in s.planted)
        for j in labelled:
            assert _off(rows[j]) >= THRESHOLD and (rows[j].deviation_reason or "无") == "无"
        for j, ind in enumerate(rows):  # every row left unlabelled is under the threshold, explained or text
            if j not in labelled and ind.target.number and ind.actual.number is not None:
                assert _off(ind) < THRESHOLD or ind.deviation_reason, (s.name, ind.name)


def test_the_rule_passes_the_gate_under_exec_caps_and_is_silent_under_national(capsys):
    result = cycle_eval.main(["--n", "45", "--seed", "6"])
    printed = capsys.readouterr().out
    dev = result["rules"]["deviation"]
    m = dev["rules"][RULE]
    assert m["tp"] >= 30 and m["precision"] >= 0.95 and m["recall"] >= 0.95, m
    assert dev["national"] == 0 and dev["passed"], printed
    assert "按全国通用口径审核：MISSING-DEV-003 0 条" in printed


def test_an_unexplained_overshoot_not_labelled_is_a_false_positive_and_a_missed_label_a_miss():
    s = make_set(random.Random(8), 0, ["overshoot"], [])
    assert s.planted
    planted = s.planted.pop()
    s.planted.append(type(planted)(RULE, "evaluations[0].goal_planned", "overshoot"))
    caps = load_profile("exec_caps")
    found = {(f.rule, f.location.field) for f in check_submission(s.submission, profile=caps, fold=False)}
    graded = cycle_eval._grade([(s, found)], lambda rule: rule == RULE, {RULE})
    assert graded[RULE]["fp"] == 1 and graded[RULE]["fn"] == 1 and graded[RULE]["tp"] == 0


def test_folded_as_a_reader_sees_it_a_short_row_is_held_by_missing_dev_001_and_no_label_is_lost():
    caps = load_profile("exec_caps")
    holders: Counter = Counter()
    for s in make_sets(30, 2):
        findings = check_submission(s.submission, profile=caps)
        reached = {(rule, loc.field) for f in findings for rule, loc in f.places()}
        assert {(p.rule, p.field) for p in s.planted} <= reached, s.name
        for p in s.planted:
            holder = next(f.rule for f in findings if (RULE, p.field) in {(r, loc.field) for r, loc in f.places()})
            holders[p.kind, holder] += 1
    # fold.yaml: an unmet row left unexplained is MISSING-DEV-001's; an overshoot only MISSING-DEV-003's
    assert holders["short", "MISSING-DEV-001"] and not holders["short", RULE]
    assert holders["overshoot", RULE] and not holders["overshoot", "MISSING-DEV-001"]
    assert holders["cap_exceeded", RULE] and not holders["cap_exceeded", "MISSING-DEV-001"]
