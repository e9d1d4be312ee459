"""Extraction accuracy against the synthetic labels: per field, per file kind and layout.

Every file of a corpus is read and recognised exactly as ``ziping extract`` does, and each field
of the result is compared with the label's ``expected`` canonical JSON by the evaluation's own
comparator (:mod:`eval.compare`, no product code): text after NFKC and whitespace removal,
numbers within 0.005, indicator values by reading the label's text as written (operator, number,
unit) and comparing with what the product stored, or, for text values, by their normalised text.
Fields are flattened to paths such as ``indicators.target`` so the report says which kind of
field goes wrong where.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.model import Submission
from eval.compare import same, same_value
from ingest.errors import IngestError
from ingest.extract import extract_file

SUBMISSION_FIELDS = ("kind", "unit", "department", "year")
EVALUATION_FIELDS = ("kind", "project_name", "project_code", "department", "impl_unit", "year",
                     "goal_planned", "goal_achieved", "total_score", "grade", "conclusion", "problems",
                     "measures", "indicator_block_weight")
FUND_FIELDS = ("unit", "weight", "score", "reason")
FUND_ROW_FIELDS = ("category", "budget_initial", "budget_full_year", "exec_amount")
INDICATOR_FIELDS = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation_reason")
SECTION_FIELDS = ("path", "text")


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": round(self.rate, 4), "right": self.right, "fields": self.total}


@dataclass
class ExtractionReport:
    overall: Tally = field(default_factory=Tally)
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_layout: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    failed_files: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a sample of mismatches, for debugging
    files: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        def rates(d: dict[str, Tally]) -> dict[str, dict[str, float]]:
            return {k: {"accuracy": round(v.rate, 4), "fields": v.total} for k, v in sorted(d.items())}

        return {"files": self.files, "seconds": round(self.seconds, 2),
                "overall": {"accuracy": round(self.overall.rate, 4), "fields": self.overall.total},
                "by_kind": rates(self.by_kind), "by_layout": rates(self.by_layout),
                "by_field": rates(self.by_field), "failed_files": self.failed_files}


def label_files(corpus: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for labels_path in sorted(corpus.glob("*.labels.json")):
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
        yield corpus / labels["file"], labels


def extract_corpus(corpus: Path) -> dict[str, Submission | IngestError]:
    """Every labelled file read and recognised once (the other evaluations reuse the result)."""
    out: dict[str, Submission | IngestError] = {}
    for path, _labels in label_files(corpus):
        try:
            out[path.name] = extract_file(path)
        except IngestError as err:
            out[path.name] = err
    return out


def evaluate_extraction(corpus: Path, extracted: dict[str, Submission | IngestError] | None = None
                        ) -> ExtractionReport:
    report = ExtractionReport()
    started = time.perf_counter()
    extracted = extracted if extracted is not None else extract_corpus(corpus)
    report.seconds = time.perf_counter() - started
    for path, labels in label_files(corpus):
        report.files += 1
        kind, layout = labels["kind"], labels.get("layout") or "-"
        result = extracted[path.name]
        if isinstance(result, IngestError):
            report.failed_files.append((path.name, str(result)))
            got = {}
        else:
            got = result.to_dict()
        for name, ok in compare_submission(labels["expected"], got):
            for tally in (report.overall, report.by_field[name], report.by_kind[kind], report.by_layout[layout]):
                tally.add(ok)
            if not ok and len(report.errors) < 200:
                report.errors.append(f"{path.name}: {name}")
    return report


def print_extraction(report: ExtractionReport) -> None:
    d = report.to_dict()
    print(f"== 抽取准确率 / extraction accuracy == {d['files']} 个文件，{d['overall']['fields']} 个字段，"
          f"总体 {d['overall']['accuracy']:.2%}（读取+识别用时 {d['seconds']:.1f}s）")
    for group in ("by_kind", "by_layout"):
        print("  " + "，".join(f"{k} {v['accuracy']:.2%}" for k, v in d[group].items()))
    low = {k: v for k, v in d["by_field"].items() if v["accuracy"] < 1}
    if low:
        print("  未全对的字段：" + "，".join(f"{k} {v['accuracy']:.2%}" for k, v in low.items()))
    for name, reason in d["failed_files"]:
        print(f"  读取失败 {name}: {reason}")


def compare_submission(expected: dict[str, Any], got: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    for key in SUBMISSION_FIELDS:
        yield f"submission.{key}", same(expected.get(key), got.get(key))
    got_evals = got.get("evaluations") or []
    for i, ev in enumerate(expected.get("evaluations") or []):
        yield from compare_evaluation(ev, got_evals[i] if i < len(got_evals) else {})
    got_sections = got.get("sections") or []
    for i, sec in enumerate(expected.get("sections") or []):
        other = got_sections[i] if i < len(got_sections) else {}
        for key in SECTION_FIELDS:
            yield f"sections.{key}", same(sec.get(key), other.get(key))


def compare_evaluation(ev: dict[str, Any], got: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    for key in EVALUATION_FIELDS:
        yield f"evaluation.{key}", same(ev.get(key), got.get(key))
    for name, weight in (ev.get("block_weights") or {}).items():
        yield "evaluation.block_weights", same(weight, (got.get("block_weights") or {}).get(name))
    funds, got_funds = ev.get("funds") or {}, got.get("funds") or {}
    for key in FUND_FIELDS:
        yield f"funds.{key}", same(funds.get(key), got_funds.get(key))
    yield "funds.rate", same_value(funds.get("rate"), got_funds.get("rate"))
    got_rows = got_funds.get("rows") or []
    for i, row in enumerate(funds.get("rows") or []):
        other = got_rows[i] if i < len(got_rows) else {}
        for key in FUND_ROW_FIELDS:
            yield f"funds.rows.{key}", same(row.get(key), other.get(key))
    got_inds = got.get("indicators") or []
    for i, ind in enumerate(ev.get("indicators") or []):
        other = got_inds[i] if i < len(got_inds) else {}
        for key in INDICATOR_FIELDS:
            if key in ("target", "actual"):
                yield f"indicators.{key}", same_value(ind.get(key), other.get(key))
            else:
                yield f"indicators.{key}", same(ind.get(key), other.get(key))
