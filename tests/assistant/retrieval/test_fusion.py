"""RRF fusion and near-duplicate detection are pure functions."""

from __future__ import annotations

import pytest

from assistant.retrieval import distinct, rrf_fuse
from assistant.retrieval.fusion import shingles


def test_rrf_rewards_agreement_between_rankings():
    fused = rrf_fuse([["a", "b"], ["c", "b", "d"]], k=60)
    ids = [i for i, _ in fused]
    assert ids[0] == "b"  # second in both beats first in one
    assert set(ids) == {"a", "b", "c", "d"}
    assert fused[0][1] == pytest.approx(2 / 62)


def test_rrf_weights_and_ties_are_deterministic():
    assert [i for i, _ in rrf_fuse([["a"], ["b"]])] == ["a", "b"]  # tie: first seen first
    assert [i for i, _ in rrf_fuse([["a"], ["b"]], weights=[1.0, 2.0])] == ["b", "a"]
    with pytest.raises(ValueError):
        rrf_fuse([["a"]], weights=[1.0, 1.0])


def test_rrf_ignores_repeats_within_a_ranking():
    (only,) = rrf_fuse([["a", "a", "a"]], k=0)
    assert only == ("a", 1.0)


def test_distinct_keeps_the_better_ranked_copy():
    texts = {
        "1": "某县教育局「学生资助」｜执行率：55%｜预算执行率得分：5.5",
        "2": "某县教育局「学生资助」 | 执行率: 55% | 预算执行率得分: 5.5",  # same words, other punctuation
        "3": "某县卫生健康局「疫苗接种」｜执行率：50%",
    }
    assert distinct(["1", "2", "3"], texts.__getitem__) == ["1", "3"]
    assert distinct(["2", "1", "3"], texts.__getitem__) == ["2", "3"]
    assert distinct(["1", "3"], texts.__getitem__, threshold=0.99) == ["1", "3"]
    assert distinct(["1", "2", "3"], texts.__getitem__, limit=1) == ["1"]
    assert shingles("") == frozenset()
