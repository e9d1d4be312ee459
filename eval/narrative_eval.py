"""Figures of a narrative report (issue 18 item 5): counts, amounts, coverage, rounds and
year-to-year differences asked of an annual 预算绩效管理情况报告, answered with the sentence cited.

``python -m eval.narrative_eval [--questions FILE] [--report FILE]`` ingests the hand-written
report ``eval/questions/narrative_report.txt`` into a temporary data directory (the ordinary
ingest pipeline) and asks the questions of ``eval/questions/narrative.yaml``; then, when the
team's real seed report is beside the repository (``../shared/seeds``), the questions of
``eval/questions/narrative_seed.yaml`` over it, reported apart.

Grading is this module's own and uses nothing of the answer engine: a question is right when its
``value`` (written in the set) is in the answer text and each of its ``sentences`` is in the
snippet of some citation; a ``found: false`` question is right when the answer says it found
nothing (``found`` is False) and writes no figure with a unit. Citation precision and unsupported
numbers are graded as in every ask set (:mod:`eval.ask_grading`); beside them, the share of cited
snippets that are in the report's text as written (spaces ignored).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.answer import ask
from assistant.answer.types import Answer
from assistant.settings import Settings
from assistant.stores import open_stores
from eval.ask_eval import SEEDS
from eval.ask_grading import ask_each, print_checks

__all__ = ["NarrativeQuestion", "grade", "load_questions", "run"]

HERE = Path(__file__).parent / "questions"
QUESTIONS = HERE / "narrative.yaml"
REPORT = HERE / "narrative_report.txt"
SEED_QUESTIONS = HERE / "narrative_seed.yaml"
SEED_REPORT = SEEDS / "000_0730ac02d0429e42.txt"
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:个|项|家|次|轮|万元|亿元|元|%)")


@dataclass
class NarrativeQuestion:
    question: str
    value: str | list[str] | None = None  # one of these
    sentences: list[str] = field(default_factory=list)
    found: bool = True


def load_questions(path: Path = QUESTIONS) -> list[NarrativeQuestion]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [NarrativeQuestion(question=q["question"], value=q.get("value"), sentences=list(q.get("sentences", [])),
                              found=q.get("found", True)) for q in raw]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _in_source(snippet: str, source: str) -> bool:
    """Every sentence of a cited snippet is in the report as written."""
    parts = [p for p in re.split(r"[。！？；]", _flat(snippet)) if p]
    return bool(parts) and all(p in source for p in parts)


def grade(q: NarrativeQuestion, text: str, found: bool, snippets: list[str]) -> bool:
    """Right or wrong, by the set's expectations only."""
    if not q.found:
        return not found and not _FIGURE.search(text)
    values = [q.value] if isinstance(q.value, str) else (q.value or [])
    if not found or not any(_flat(v) in _flat(text) for v in values):
        return False
    return all(any(_flat(s) in _flat(snip) for snip in snippets) for s in q.sentences)


def _years(source: str) -> list[str]:
    """The years the report speaks of: a reply finding nothing may name them (报告只写了2022年、2023年的)."""
    return sorted(set(re.findall(r"(?:19|20)\d{2}年", source)))


def run(questions: Path = QUESTIONS, report: Path = REPORT) -> dict[str, Any]:
    items = load_questions(questions)
    source = _flat(report.read_text(encoding="utf-8"))
    from ingest.pipeline import IngestOptions, ingest_paths

    with tempfile.TemporaryDirectory(prefix="ziping-narrative-eval-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        (folder / report.name).write_bytes(report.read_bytes())
        stores = open_stores(Settings(data_dir=Path(tmp) / "data"))
        in_source: list[bool] = []

        def ask_one(q: NarrativeQuestion) -> Answer:
            a = ask(q.question, stores)
            in_source.extend(_in_source(c.snippet, source) for c in a.citations)
            return a

        try:
            ingest_paths([folder], stores, IngestOptions())
            tally = ask_each(items, stores, ask_one,
                             lambda q, a: grade(q, a.text, a.found, [c.snippet for c in a.citations]),
                             lambda q, a: {"question": q.question, "expected": q.value if q.found else "（未找到）",
                                           "answer": a.text, "cited": [c.snippet for c in a.citations]},
                             searched=[report.name, *_years(source)], question=lambda q: q.question)
        finally:
            stores.close()
    # citation_precision is the (every cited passage supports its sentence, as in every ask
    # set); citations_in_source, the share of cited snippets found in the report as written
    return tally.figures() | {"citations": len(in_source),
                              "citations_in_source": sum(in_source) / len(in_source) if in_source else 1.0}


def run_all(questions: Path = QUESTIONS, report: Path = REPORT) -> dict[str, Any]:
    """The hand-written set, and the seed report's set when the seed is here."""
    result = run(questions, report)
    if SEED_REPORT.exists() and questions == QUESTIONS:
        result["seed"] = run(SEED_QUESTIONS, SEED_REPORT)
    return result


def print_report(r: dict[str, Any]) -> None:
    _print_one(r)
    if "seed" in r:
        print("真实种子报告：", end="")
        _print_one(r["seed"])


def _print_one(r: dict[str, Any]) -> None:
    print(f"叙述性报告数字问题 {r['n']} 个：正确率 {r['accuracy']:.3f}（{r['right']} 个正确），{print_checks(r)}，"
          f"引用句见于原文 {r['citations_in_source']:.3f}（{r['citations']} 条引用），"
          f"延迟 p50 {r['latency_ms']['p50']:.0f} ms，p95 {r['latency_ms']['p95']:.0f} ms")
    for u in r["unsupported_citations"][:5]:
        print(f"  引用不支持：{u['sentence'][:60]} [{u['n']}] ← {u['passage'][:60]}")
    for f in r["failures"][:10]:
        print(f"  × {f['question']} 期望 {f['expected']} → {f['answer'][:80]}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m eval.narrative_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = run_all(args.questions, args.report)
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
