"""The keyword side: BM25 in the full-text index, pruned on large indexes and scored directly
within a small submission filter."""

from __future__ import annotations

import pytest

from assistant.stores import fulltext


def test_frequent_words_are_pruned_on_large_indexes(small, monkeypatch):
    query = "某县教育局学生资助项目受助学生满意度"
    n, df = small.fulltext.doc_freqs(fulltext.query_tokens(query))
    frequent = " ".join(w for w, d in df.items() if d > 0.5 * n)
    assert frequent  # 某县, 项目 … are in most chunks of the small store

    def texts(q: str) -> list[str]:
        return [c.text for c in small.records.get_chunks([cid for cid, _ in small.fulltext.search(q, k=50)])]

    plain_top = small.fulltext.search(query, k=1)[0][0]
    assert not all("受助" in t for t in texts(frequent + " 受助"))  # below the size limit: nothing pruned
    monkeypatch.setattr(fulltext, "PRUNE_MIN_CHUNKS", 1)
    monkeypatch.setattr(fulltext, "PRUNE_MAX_DF", 0.5)
    assert small.fulltext.search(query, k=1)[0][0] == plain_top == "aaaa000000000001:table_row:2"  # same best chunk
    assert all("受助" in t for t in texts(frequent + " 受助"))  # chunks with only frequent words are gone
    only = small.fulltext.search(query, k=5, submission_ids=["bbbb000000000002"])
    assert only and all(cid.startswith("bbbb") for cid, _ in only)
    assert small.fulltext.search(query, k=5, submission_ids=[]) == []


@pytest.mark.parametrize("query", ["受助学生满意度", "某县教育局学生资助项目的执行率", "疫苗 接种率 95%", "问题"])
def test_a_small_filter_is_scored_as_fts5_scores_it(small, monkeypatch, query):
    sids = ["aaaa000000000001", "cccc000000000003", "eeee000000000005"]
    scanned = small.fulltext.search(query, k=20, submission_ids=sids)
    monkeypatch.setattr(fulltext, "SCAN_MAX_CHUNKS", 0)  # every filter goes through FTS5
    matched = small.fulltext.search(query, k=20, submission_ids=sids)
    # the same order and BM25 but for document lengths, which are relative to the filtered chunks
    # (chunks holding only words in most chunks score about 1e-6 either way: their order is noise)
    scored = [(cid, s) for cid, s in scanned if s > 1e-3]
    assert scored and [cid for cid, _ in scored] == [cid for cid, _ in matched[:len(scored)]]
    assert [s for _, s in scored] == pytest.approx([s for _, s in matched[:len(scored)]], rel=0.2)
