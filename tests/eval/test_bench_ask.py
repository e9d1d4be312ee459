"""The ask bench's point on the eval corpus (eval/bench_ask.py): its questions come from the corpus's
labels — structured ones over every project and fact questions naming real units — so the timed
questions have answers in the store; the ingest and timing themselves run in ``make bench`` only."""

from __future__ import annotations

import json
from pathlib import Path

from eval.bench_ask import corpus_questions, main


def test_corpus_questions_are_the_labels_structured_and_fact_questions(tmp_path: Path) -> None:
    from eval.synth import generate_corpus

    generate_corpus(tmp_path, 6, seed=18)
    labels = {lab["file"]: lab for lab in (json.loads(p.read_text(encoding="utf-8"))
                                           for p in sorted(tmp_path.glob("*.labels.json")))}
    ids = {name: f"id{n}" for n, name in enumerate(labels)}
    qs = corpus_questions(labels, ids, n_facts=5)
    assert "预算执行率低于90%的项目有几个？" in qs  # a structured question over every project
    facts = qs[qs.index("项目的平均自评得分是多少？") + 1:]
    assert len(facts) == 5 and len(set(facts)) == 5
    units = {lab["expected"]["unit"] for lab in labels.values() if lab["expected"]["unit"]}
    assert all(any(u in q for u in units) for q in facts)  # each names a unit of the corpus
    assert corpus_questions(labels, ids, n_facts=5) == qs  # drawn with a fixed seed


def test_no_sizes_and_no_corpus_measures_nothing() -> None:
    assert main(["--sizes"]) == {}
