"""Reciprocal rank fusion and near-duplicate removal: small pure functions on ranked ids.

RRF (Cormack et al., 2009) scores a document by ``Σ w / (k + rank)`` over the rankings it
appears in (rank 1-based). It needs no score calibration between BM25 and cosine similarity,
which is why hybrid search uses it: the two scores live on different scales.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

__all__ = ["RRF_K", "distinct", "rrf_fuse", "shingles"]

RRF_K = 60


def rrf_fuse(rankings: Sequence[Sequence[str]], k: int = RRF_K,
             weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Fuse rankings of ids (best first) into one ``[(id, score)]``, best first.

    Ties keep the order in which ids were first seen (earlier rankings first), so the result
    is deterministic.
    """
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        seen: set[str] = set()
        for rank, doc_id in enumerate(ranking, start=1):
            if doc_id in seen:
                continue
            seen.add(doc_id)
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + rank)
    order = {doc_id: i for i, doc_id in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


_NOISE = re.compile(r"[\s｜|:：，,。．.、；;（）()\[\]【】“”\"'‘’《》<>〈〉—\-_/\\]+")


def shingles(text: str, n: int = 3) -> frozenset[str]:
    """Character n-grams of ``text`` without whitespace and punctuation."""
    t = _NOISE.sub("", text or "")
    if len(t) <= n:
        return frozenset({t}) if t else frozenset()
    return frozenset(t[i:i + n] for i in range(len(t) - n + 1))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def distinct(items: Iterable[str], text_of: Callable[[str], str], threshold: float = 0.9,
             limit: int | None = None) -> list[str]:
    """``items`` (best first) without those repeating an earlier, better-ranked one; at most
    ``limit`` of them (the rest is not even compared).

    Two chunks are near-identical when the Jaccard similarity of their character 3-gram sets
    is at least ``threshold`` (the same table uploaded as .docx and as .pdf, a report filed
    twice, whitespace or punctuation differences). Only the first of a group is kept.
    """
    kept: list[str] = []
    kept_sh: list[frozenset[str]] = []
    for item in items:
        if limit is not None and len(kept) >= limit:
            break
        sh = shingles(text_of(item))
        # Jaccard is at most min/max of the set sizes: most pairs need no intersection
        if not any(min(len(sh), len(o)) >= threshold * max(len(sh), len(o)) and _jaccard(sh, o) >= threshold
                   for o in kept_sh):
            kept.append(item)
            kept_sh.append(sh)
    return kept
