"""The synthetic cycles and their evaluation (issue 19): every defect kind is planted and labelled by
the generator, each CYCLE rule reaches P and R ≥ 0.95 against those labels in memory and through
files (read, linked, checked), and the grader counts a wrong finding as a false positive."""

from __future__ import annotations

import random
from collections import Counter

from eval import cycle_eval
from eval.synth.cycle import DEFECTS, make_triple, make_triples


def test_every_defect_kind_is_planted_with_a_label_the_rule_must_find():
    triples = make_triples(90, 3)
    kinds = Counter(p.kind for t in triples for p in t.planted)
    assert set(kinds) == set(DEFECTS) and min(kinds.values()) >= 5, kinds
    assert any(not t.planted and t.decoys for t in triples)
    for t in triples:
        assert all(p.rule == DEFECTS[p.kind] for p in t.planted)
        assert len({p.field for p in t.planted}) == len(t.planted)  # one defect per field


def test_the_rules_pass_the_gate_in_memory_and_through_files(capsys):
    result = cycle_eval.main(["--n", "90", "--seed", "5", "--files", "6"])
    printed = capsys.readouterr().out
    assert result["passed"], printed
    for mode in ("memory", "files"):
        rules = result["rules"][mode]["rules"]
        assert set(rules) == set(DEFECTS.values())
        assert all(m["precision"] >= 0.95 and m["recall"] >= 0.95 for m in rules.values()), rules
    assert result["rules"]["files"]["links"] == {"linked": 12}
    assert "达标" in printed and "关联：12/12" in printed


def test_a_finding_the_generator_did_not_plant_is_a_false_positive_and_a_label_not_found_a_miss(monkeypatch):
    unlabelled = make_triple(random.Random(1), 0, ["lowered"])
    unlabelled.planted.clear()  # the defect is there, its label is not
    mislabelled = make_triple(random.Random(2), 1, [])
    mislabelled.planted.append(cycle_eval_planted("CYCLE-GOAL-001", "evaluations[0].goal_planned"))
    monkeypatch.setattr(cycle_eval, "make_triples", lambda n, seed: [unlabelled, mislabelled])
    result = cycle_eval.evaluate(2, 0)
    assert result["CYCLE-VAL-001"]["fp"] == 1 and result["CYCLE-VAL-001"]["precision"] == 0.0
    assert result["CYCLE-GOAL-001"]["fn"] == 1 and result["CYCLE-GOAL-001"]["recall"] == 0.0


def cycle_eval_planted(rule: str, field: str):
    from eval.synth.cycle import Planted

    return Planted(rule, field, "goal_rewritten")


def test_every_two_year_defect_kind_is_planted_and_the_new_rules_pass_the_gate(capsys):
    from eval.synth.cycle_years import DEFECTS as YEAR_DEFECTS
    from eval.synth.cycle_years import make_pairs

    pairs = make_pairs(90, 3)
    kinds = Counter(p.kind for pair in pairs for p in pair.planted)
    assert set(kinds) == set(YEAR_DEFECTS) and min(kinds.values()) >= 5, kinds
    assert any(not pair.planted and pair.decoys for pair in pairs)
    for pair in pairs:
        assert all(p.rule == YEAR_DEFECTS[p.kind] for p in pair.planted)
        history = pair.current.cycle.history
        assert len(history) == 1 and history[0].evaluation is pair.previous.submission.evaluations[0]
        assert pair.current.submission.evaluations[0].project_name == history[0].evaluation.project_name
    result = cycle_eval.evaluate_years(90, 3)
    result.pop("_misses")
    assert set(result) == set(YEAR_DEFECTS.values())
    assert all(m["precision"] >= 0.95 and m["recall"] >= 0.95 for m in result.values()), result


def test_a_clean_next_year_sets_its_targets_and_goal_anew_and_a_copied_one_does_not():
    from eval.synth.cycle_years import make_pair

    clean = make_pair(random.Random(4), 1, [])
    copied = make_pair(random.Random(4), 2, ["targets_copied", "goal_copied"])
    for pair, same in ((clean, False), (copied, True)):
        now, before = pair.current.submission.evaluations[0], pair.previous.submission.evaluations[0]
        assert (now.goal_planned == before.goal_planned) is same
        numeric = [(a.target.raw, b.target.raw) for a, b in zip(now.indicators, before.indicators, strict=True)
                   if a.target.number is not None and b.target.number is not None and b.target.number < 100]
        assert numeric and all((a == b) is same for a, b in numeric), numeric
