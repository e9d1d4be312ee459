"""What the checker computes once and shares: evaluation contexts and the text caches."""

from __future__ import annotations

import copy

from assistant.checker import CheckContext, load_profile
from assistant.checker.helpers.cache import clear_caches
from assistant.checker.helpers.narrative import narrative
from assistant.checker.helpers.text import is_blank, norm
from assistant.model import Submission


def test_for_evaluation_reuses_the_evaluation_context(baseline: Submission) -> None:
    profile = load_profile()
    ev = baseline.evaluations[0]
    own = CheckContext(submission=baseline, profile=profile, evaluation=ev, index=0)
    whole = CheckContext(submission=baseline, profile=profile, evaluation_contexts=[own])
    assert whole.for_evaluation(ev, 0) is own
    assert narrative(whole.for_evaluation(ev, 0)) is narrative(own)  # computed once
    other = copy.deepcopy(ev)
    fresh = whole.for_evaluation(other, 0)
    assert fresh is not own and fresh.evaluation is other and fresh.index == 0


def test_clear_caches_empties_the_text_caches() -> None:
    norm("１２３ 万元")
    is_blank("—")
    assert norm.cache_info().currsize > 0
    clear_caches()
    assert norm.cache_info().currsize == 0
    assert is_blank("—") and norm("１２３ 万元") == "123 万元"  # still right after clearing
