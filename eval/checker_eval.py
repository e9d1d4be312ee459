"""Checker precision and recall against the defects planted in the synthetic corpus.

A finding matches a planted defect when the rule id and the field path agree; a finding that folds
a pattern over a table, or holds another rule's finding on the same row, matches the defects of
each place it lists (:func:`assistant.checker.fold.unfold`). Only the rules
the corpus labels (:func:`eval.synth.oracle.labelled`) are scored: the checker may report
other rules (advisory or semantic ones the generator does not plant) without penalty. Two runs:

* **end to end** — each file is read, recognised and checked exactly as ``ziping check`` does,
  so extraction errors count against the checker too;
* **checker alone** — the labels' own expected canonical JSON is checked, which isolates the
  rules from extraction.

Clean files must give no finding of severity error. Throughput is measured from stored records
(submissions loaded from the records database, then checked) and from files (parsing included).
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.checker import check_submission, check_submissions, profile_for
from assistant.checker.fold import unfold
from assistant.checker.helpers import clear_caches
from assistant.model import Submission
from assistant.stores.records import RecordStore
from eval.extraction import extract_corpus, label_files
from eval.synth.oracle import labelled
from ingest.errors import IngestError
from ingest.extract import extract_file


@dataclass
class RuleScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class CheckerReport:
    name: str
    overall: RuleScore = field(default_factory=RuleScore)
    by_rule: dict[str, RuleScore] = field(default_factory=lambda: defaultdict(RuleScore))
    clean_files: int = 0
    forms: int = 0
    findings: int = 0  # what a reviewer reads: folded findings count once
    errors_on_clean: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    def add(self, file: str, planted: set[tuple[str, str]], found: set[tuple[str, str]]) -> None:
        for hit in sorted(planted | found):  # sorted: the same misses listed in the same order every run
            rule = hit[0]
            score = self.by_rule[rule]
            if hit in planted and hit in found:
                score.tp += 1
                self.overall.tp += 1
            elif hit in planted:
                score.fn += 1
                self.overall.fn += 1
                self.misses.append(f"{file}: {rule} @ {hit[1]}")
            else:
                score.fp += 1
                self.overall.fp += 1
                self.false_alarms.append(f"{file}: {rule} @ {hit[1]}")

    def lines(self) -> list[str]:
        out = [f"== 规则检查 {self.name} ==",
               f"总体 precision {self.overall.precision:.3f}  recall {self.overall.recall:.3f}  "
               f"(TP {self.overall.tp}, FP {self.overall.fp}, FN {self.overall.fn})；"
               f"干净文件 {self.clean_files} 个，其中出现“错误”级发现的 {len(self.errors_on_clean)} 个；"
               f"每份 {self.findings / max(self.forms, 1):.1f} 条发现（{self.forms} 份共 {self.findings} 条）"]
        for rule, s in sorted(self.by_rule.items()):
            flag = "" if s.precision >= 0.9 and s.recall >= 0.9 else "  ← 低于 0.9"
            out.append(f"  {rule:<17} P {s.precision:.2f}  R {s.recall:.2f}  (TP {s.tp} FP {s.fp} FN {s.fn}){flag}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"precision": self.overall.precision, "recall": self.overall.recall,
                "tp": self.overall.tp, "fp": self.overall.fp, "fn": self.overall.fn,
                "errors_on_clean_files": len(self.errors_on_clean), "forms": self.forms, "findings": self.findings,
                "by_rule": {r: {"precision": s.precision, "recall": s.recall, "tp": s.tp, "fp": s.fp, "fn": s.fn}
                            for r, s in sorted(self.by_rule.items())}}


def _scored(hits: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (rule, field) pairs the labels speak about."""
    return {(rule, place) for rule, place in hits if labelled(rule, place)}


def _score(name: str, corpus: Path, subs: dict[str, Submission | None], labels: dict[str, dict],
           fold: bool = True) -> CheckerReport:
    report = CheckerReport(name)
    readable = {k: s for k, s in subs.items() if s is not None}
    results = dict(zip(readable, check_submissions(list(readable.values()), profile="auto", fold=fold), strict=True))
    for file, lab in labels.items():
        planted = _scored({(d["rule"], d["location"].get("field") or "") for d in lab["defects"]})
        findings = results.get(file, [])
        report.forms += 1
        report.findings += len(findings)
        report.add(file, planted, _scored({(f.rule, f.location.field or "") for f in unfold(findings)}))
        if lab.get("clean"):
            report.clean_files += 1
            if any(f.severity == "error" for f in findings):
                report.errors_on_clean.append(file)
    return report


def evaluate_checker(corpus: Path, extracted: dict[str, Submission | IngestError] | None = None,
                     fold: bool = True) -> tuple[CheckerReport, CheckerReport]:
    labels = {path.name: lab for path, lab in label_files(corpus)}
    results = extracted if extracted is not None else extract_corpus(corpus)
    extracted_ok = {name: (r if isinstance(r, Submission) else None) for name, r in results.items()}
    from_labels = {name: Submission.from_dict(lab["expected"]) for name, lab in labels.items()}
    return (_score("端到端（读取+识别+检查）", corpus, extracted_ok, labels, fold),
            _score("仅规则（标注 JSON）", corpus, from_labels, labels, fold))


def throughput(corpus: Path, rounds: int = 7) -> dict[str, float]:
    """Submissions checked per second, from stored records and from files (scans left out).

    *From stored records* is what a re-check of the store costs: the files' submissions are saved
    in a SQLite records store, then each round loads them all back from it (the SQL query and the
    canonical JSON decoded into the model included) and checks each with its profile, as
    ``POST /submissions/{id}/recheck`` does. The checker's text caches are emptied before every
    round, so no round profits from the one before; after one warm-up round (imports, the rule
    registry, profiles) the best of ``rounds`` is kept, the figure least disturbed by other
    processes. *From files* reads, recognises and checks each file once; parsing dominates it.
    """
    files = [p for p, lab in label_files(corpus) if lab["kind"] != "scanned_pdf"]
    started = time.perf_counter()
    subs = [extract_file(p) for p in files]
    for sub in subs:
        check_submission(sub, profile=profile_for(sub))
    from_files = len(files) / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        store = RecordStore(f"sqlite:///{tmp}/records.db")
        for sub in subs:
            store.save_submission(sub)
        ids = [s.id for s in subs]

        def one_round() -> float:
            clear_caches()
            started = time.perf_counter()
            for sub in store.get_submissions(ids):
                check_submission(sub, profile=profile_for(sub))
            return len(ids) / (time.perf_counter() - started)

        one_round()
        from_records = max(one_round() for _ in range(rounds))
        store.close()
    return {"from_records_per_s": from_records, "from_files_per_s": from_files, "submissions": len(ids),
            "rounds": rounds}


def main(corpus: Path, extracted: dict[str, Submission | IngestError] | None = None) -> dict[str, Any]:
    end_to_end, alone = evaluate_checker(corpus, extracted)
    for report in (end_to_end, alone):
        print("\n".join(report.lines()))
        for line in (report.misses[:15] + report.false_alarms[:15]):
            print("   ", line)
    speed = throughput(corpus)
    print(f"== 检查吞吐 == 从记录库 {speed['from_records_per_s']:.0f} 份/s（{speed['submissions']} 份非扫描件，"
          f"含 SQL 读取与 JSON 解码，{speed['rounds']} 轮取最快）；从文件（含解析，不含扫描件） "
          f"{speed['from_files_per_s']:.1f} 份/s")
    return {"end_to_end": end_to_end.to_dict(), "checker_alone": alone.to_dict(), "throughput": speed}


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1] if len(sys.argv) > 1 else "data/eval-corpus"))
