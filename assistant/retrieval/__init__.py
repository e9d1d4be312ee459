"""Hybrid retrieval over the chunk stores (see :mod:`assistant.retrieval.hybrid`).

``HybridRetriever(stores=stores).search("满意度", filters=RetrievalFilters(year=2023))`` →
:class:`Hit` s; as a LangChain ``BaseRetriever`` it also answers ``invoke`` with Documents.
"""

from assistant.retrieval.filters import RetrievalFilters
from assistant.retrieval.fusion import distinct, rrf_fuse
from assistant.retrieval.hybrid import Hit, HybridRetriever, location_of
from assistant.retrieval.query import QueryPlan, analyse, expand_query
from assistant.retrieval.rerank import NoopReranker, Reranker

__all__ = ["Hit", "HybridRetriever", "NoopReranker", "QueryPlan", "Reranker", "RetrievalFilters", "analyse",
           "distinct", "expand_query", "location_of", "rrf_fuse"]
