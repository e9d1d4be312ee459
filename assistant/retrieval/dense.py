"""Dense search within a submission filter, by exact cosine over the filter's own vectors.

Chroma applies a ``where`` filter by scanning metadata: 60–150 ms at 100k chunks, while an
unfiltered HNSW query takes 1–3 ms. A filter naming a unit (or a year and unit) leaves a few
hundred chunks, so the retriever reads their stored vectors (~20 ms for 600) and ranks them
exactly; larger filters still go to Chroma.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["SCAN_MAX_CHUNKS", "nearest_within"]

SCAN_MAX_CHUNKS = 3000


def nearest_within(vectors: Any, query_vector: Sequence[float], ids: Sequence[str], k: int
                   ) -> list[tuple[str, float]]:
    """The ``k`` chunks of ``ids`` nearest ``query_vector`` in ``vectors`` (a
    :class:`~assistant.stores.vectors.VectorStore`) as ``(chunk_id, cosine similarity)``, best
    first; ids without a stored vector are left out."""
    if not ids or k <= 0:
        return []
    got = vectors.collection.get(ids=list(ids), include=["embeddings"])
    found = got["ids"]
    if not found:
        return []
    matrix = np.asarray(got["embeddings"], dtype=np.float32)
    query = np.asarray(query_vector, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
    sims = matrix @ query / np.where(norms > 0, norms, 1.0)
    top = np.argsort(-sims, kind="stable")[:k]
    return [(found[i], float(sims[i])) for i in top]
