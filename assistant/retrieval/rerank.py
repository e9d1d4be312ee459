"""The optional rerank step, behind a protocol so a cross-encoder can be plugged in later.

Nothing is downloaded: the default :class:`NoopReranker` keeps the fused order. A reranker
gets the query and the fused, de-duplicated hits (best first) and returns them reordered (it
may drop some); it must not invent hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from assistant.retrieval.hybrid import Hit

__all__ = ["NoopReranker", "Reranker"]


@runtime_checkable
class Reranker(Protocol):
    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]: ...


class NoopReranker:
    """Keeps the order it is given."""

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        return list(hits)
