"""The growth benchmark (eval/growth*.py) at a tiny size, so it cannot rot: two sizes grown in one
data directory, each in its own process, then the table, the figures, the plot and the projection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from eval.growth import GrowthPoint, Latency, run
from eval.growth_data import submission
from eval.growth_report import projection
from eval.growth_vectors import RATE_TEXTS, vector_pool


def test_generated_submissions_are_varied_and_the_same_for_the_same_index():
    subs = [submission(i) for i in range(30)]
    assert submission(7).to_dict() == subs[7].to_dict()
    assert len({s.id for s in subs}) == 30
    assert {s.kind for s in subs} == {"table", "report"}
    assert len({s.unit for s in subs}) > 10 and len({s.year for s in subs}) > 2
    assert all(s.evaluations and s.evaluations[0].indicators for s in subs if s.kind == "table")
    assert all(s.sections for s in subs if s.kind == "report")


@pytest.mark.slow
def test_growth_runs_end_to_end_at_a_tiny_size(tmp_path: Path):
    out = tmp_path / "out"
    points = run([12, 20], tmp_path / "stores", out, sample_n=3, rounds=1, pool_texts=8)
    assert [p.submissions for p in points] == [12, 20]
    small, big = points
    # every generated submission and sample file is stored, every chunk has its vector
    assert big.chunks > small.chunks > 12 and big.vectors == big.chunks
    assert big.findings >= small.findings > 0
    for p in points:
        assert p.check_per_s > 0 and p.store_per_s > 0 and p.embed_per_s > 0
        assert p.prepare_per_s > 0 and p.grow_per_s > 0 and p.prepare_workers == 2
        assert p.ingest_files == 3 and p.ingest_1_per_s > 0 and p.ingest_2_per_s > 0
        assert p.retrieval.n == 10 and p.structured.n == 6 and p.retrieval.p95_ms >= p.retrieval.p50_ms > 0
        assert p.disk_kb_per_submission > 0 and p.peak_mb > 50
    table = (out / "growth.md").read_text(encoding="utf-8")
    assert "| 12 |" in table and "| 20 |" in table and "全省一年" in table
    figures = json.loads((out / "growth.json").read_text(encoding="utf-8"))
    assert [p["submissions"] for p in figures["points"]] == [12, 20]
    assert (out / "growth.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_projection_is_bounded_by_the_single_writer():
    point = GrowthPoint(submissions=50_000, chunks=0, vectors=0, findings=0, load_average=0.0, check_per_s=100.0,
                        store_per_s=50.0, vectors_per_s=1.0, embed_per_s=10.0, ingest_files=1, ingest_1_per_s=2.0,
                        ingest_2_per_s=4.0, sample_chunks_per_file=5.0, original_kb_per_file=1.0,
                        retrieval=Latency(1, 1, 1), structured=Latency(1, 1, 1), disk_kb_per_submission=1.0)
    work, plan = projection(point, projects=1000, files_per_project=2, workers=(1, 2, 1000))
    # 2000 files: 1000 core-s reading, 10000 chunks → 1000 core-s embedding; writer 40 s (saving only:
    # checking runs in the reading processes)
    assert work["files"] == 2000 and work["chunks"] == 10_000
    assert [p.hours for p in plan] == [round(2000 / 3600, 2), round(1000 / 3600, 2), round(40 / 3600, 2)]
    assert [p.bound for p in plan] == ["核心", "核心", "写入"]


class _CountingEmbeddings(Embeddings):
    """Deterministic vectors, and how many texts were embedded."""

    def __init__(self) -> None:
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return [[float(len(t)), 1.0] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def test_the_vector_pool_is_kept_and_its_rate_timed_again_by_every_point(tmp_path: Path):
    texts = [f"片段{i}" * (i + 1) for i in range(RATE_TEXTS + 20)]
    first, second = _CountingEmbeddings(), _CountingEmbeddings()
    made, rate = vector_pool(tmp_path / "pool.npz", texts, first)
    kept, again = vector_pool(tmp_path / "pool.npz", texts, second)
    assert first.embedded == 1 + len(texts)  # the model's load, then the pool
    assert (kept == made).all() and kept.shape == (len(texts), 2)
    # the later point embeds only part of the pool again, to time the embedder now
    assert second.embedded == 1 + RATE_TEXTS and rate > 0 and again > 0
