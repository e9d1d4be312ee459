"""What the checker computes once and shares: evaluation contexts and the text caches."""

from __future__ import annotations

import copy

from assistant.checker import CheckContext, load_profile
from assistant.checker import helpers as h
from assistant.model import Submission


def test_for_evaluation_reuses_the_evaluation_context(baseline: Submission) -> None:
    profile = load_profile()
    ev = baseline.evaluations[0]
    own = CheckContext(submission=baseline, profile=profile, evaluation=ev, index=0)
    whole = CheckContext(submission=baseline, profile=profile, evaluation_contexts=[own])
    assert whole.for_evaluation(ev, 0) is own
    assert h.narrative(whole.for_evaluation(ev, 0)) is h.narrative(own)  # computed once
    other = copy.deepcopy(ev)
    fresh = whole.for_evaluation(other, 0)
    assert fresh is not own and fresh.evaluation is other and fresh.index == 0


def test_clear_caches_empties_the_text_caches() -> None:
    h.norm("１２３ 万元")
    h.is_blank("—")
    assert h.norm.cache_info().currsize > 0
    h.clear_caches()
    assert h.norm.cache_info().currsize == 0
    assert h.is_blank("—") and h.norm("１２３ 万元") == "123 万元"  # still right after clearing
