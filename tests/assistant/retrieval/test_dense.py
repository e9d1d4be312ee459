"""Dense search within a small filter ranks the filter's vectors exactly as Chroma's ``where`` does."""

from __future__ import annotations

import pytest

from assistant.retrieval import HybridRetriever, RetrievalFilters, hybrid
from assistant.retrieval.dense import nearest_within


@pytest.mark.parametrize("filters", [RetrievalFilters(unit="某县卫生健康局"),
                                     RetrievalFilters(year=2022, kind="table_row")])
def test_scanning_a_small_filter_ranks_as_chroma_does(small, monkeypatch, filters):
    retriever = HybridRetriever(stores=small, k=10, mode="dense")
    scanned = retriever.search("疫苗接种群众满意度", filters=filters)
    monkeypatch.setattr(hybrid, "DENSE_SCAN_MAX", 0)  # every filter goes to Chroma's where
    queried = retriever.search("疫苗接种群众满意度", filters=filters)
    assert scanned and [h.chunk_id for h in scanned] == [h.chunk_id for h in queried]


def test_nearest_within_skips_ids_without_vectors(small):
    ids = small.fulltext.chunk_ids(["aaaa000000000001"])
    vector = small.vectors.embeddings.embed_query("受助学生满意度")
    found = nearest_within(small.vectors, vector, [*ids, "no-such-chunk"], k=3)
    assert len(found) == 3 and {cid for cid, _ in found} <= set(ids)
    assert found[0][0] == "aaaa000000000001:table_row:2"  # the 受助学生满意度 row
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    assert nearest_within(small.vectors, vector, [], k=3) == []
