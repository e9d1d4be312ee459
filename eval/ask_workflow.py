"""Findings and workflow questions (issue 18 item 2): accuracy of answers about the review itself.

``python -m eval.ask_workflow [--corpus DIR] [--max-files N]`` stores ``N`` files of a synthetic
corpus (a new one of ``N`` files when no corpus is given) in a temporary data directory, then sets
the review up itself — reviewers 张三 / 李四 / 王五 assigned in turn (every fifth file to no one),
states walked through the state graph (待审, 审核中, 通过, 退回重报, 已重报, 修改后通过 in turn),
findings decided (every seventh 误报, others 确认 / 已整改) — and asks the questions of
``eval/questions/workflow.yaml``, filled from that setup.

The expected answer of each question is computed here from the stored data as read back through
the stores' plain reads (``get_submission``, ``get_findings``, ``ReviewStore.review``) with this
module's own counting — never with the answer engine's parser, typed query or SQL — and compared
with the answer's aggregate, groups or rows. 误报 findings are not counted unless the question is
about 误报, as a reviewer expects.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.answer import ask
from assistant.answer.types import Answer
from assistant.model import Finding
from assistant.review.decisions import DecisionRequest
from assistant.review.roles import Actor
from assistant.settings import Settings
from assistant.stores import Stores, open_stores
from assistant.stores.users import UserStore
from eval.ask_grading import ask_each, print_checks

__all__ = ["Setup", "WorkflowQuestion", "evaluate_workflow", "prepare", "workflow_questions"]

QUESTIONS = Path(__file__).parent / "questions" / "workflow.yaml"
REVIEWERS = ("张三", "李四", "王五")
ADMIN = Actor("评测管理员", admin=True)
# the state each file is walked to, in turn, and the moves that get it there
PATHS: tuple[tuple[str, ...], ...] = (
    (), ("in_review",), ("in_review", "approved"), ("in_review", "returned"),
    ("in_review", "returned", "resubmitted"), ("in_review", "approved_with_changes"))
ACTIVE = {"pending", "in_review", "resubmitted"}  # "没审": not decided yet
EVAL_RE = re.compile(r"evaluations\[(\d+)\]")


@dataclass
class Item:
    """One stored finding as this evaluation reads it."""

    finding: Finding
    unit: str | None
    project: str | None
    state: str


@dataclass
class Setup:
    states: dict[str, str] = field(default_factory=dict)  # submission → state
    assignees: dict[str, str | None] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)  # submission → unit (its first table's)
    items: list[Item] = field(default_factory=list)


def prepare(stores: Stores) -> Setup:
    """Assign, move and decide (module docstring); returns what was set, read back from the stores."""
    users = UserStore(stores.records.engine)
    for name in REVIEWERS:
        if users.get(name) is None:
            users.add(name, "reviewer")
    review = stores.review
    ids = sorted(s.id for s in stores.records.list_submissions())
    for i, sid in enumerate(ids):
        if i % 5 != 4:
            review.assign(sid, REVIEWERS[i % len(REVIEWERS)], ADMIN)
    for i, sid in enumerate(ids):
        for target in PATHS[i % len(PATHS)]:
            review.transition(sid, target, ADMIN, reason="评测设置")
    findings = sorted((f for sid in ids for f in stores.records.get_findings(sid)), key=lambda f: f.id or "")
    for j, f in enumerate(findings):
        decision = {0: "false_positive", 3: "confirmed", 5: "fixed"}.get(j % 7)
        if decision is not None and f.id:
            review.decide(DecisionRequest(f.id, decision, ADMIN.name, reason="评测设置"))  # type: ignore[arg-type]
    return read_back(stores, ids)


def read_back(stores: Stores, ids: list[str]) -> Setup:
    setup = Setup()
    for sid in ids:
        r = stores.review.review(sid)
        setup.states[sid] = r.state if r is not None else "pending"
        setup.assignees[sid] = r.assignee if r is not None else None
        sub = stores.records.get_submission(sid)
        evs = sub.evaluations if sub is not None else []
        first = evs[0] if evs else None
        setup.units[sid] = (sub.unit if sub else None) or (first.impl_unit or first.department if first else None)
        for f in stores.records.get_findings(sid):
            m = EVAL_RE.search(f.location.field or "")
            ev = evs[int(m.group(1))] if m and int(m.group(1)) < len(evs) else None
            unit = (sub.unit if sub else None) or (ev.impl_unit or ev.department if ev else None)
            setup.items.append(Item(f, unit, ev.project_name if ev else None, setup.states[sid]))
    return setup


# --- expected answers, counted here ----------------------------------------------------------------

def _counted(s: Setup) -> list[Item]:
    return [i for i in s.items if i.finding.counted]


def _fp(s: Setup) -> list[Item]:
    return [i for i in s.items if i.finding.decision == "false_positive" and not i.finding.resolved]


def _in_states(s: Setup, states: set[str]) -> set[str]:
    return {sid for sid, st in s.states.items() if st in states}


def _top(counts: Counter[Any]) -> set[Any]:
    counts = Counter({k: v for k, v in counts.items() if k is not None})
    if not counts:
        return set()
    best = max(counts.values())
    return {k for k, v in counts.items() if v == best}


Expect = Callable[[Setup, dict[str, str]], Any]
EXPECT: dict[str, Expect] = {
    "state_returned": lambda s, p: _in_states(s, {"returned"}),
    "state_pending": lambda s, p: _in_states(s, {"pending"}),
    "state_in_review": lambda s, p: _in_states(s, {"in_review"}),
    "state_approved_any": lambda s, p: _in_states(s, {"approved", "approved_with_changes"}),
    "state_approved_with_changes": lambda s, p: _in_states(s, {"approved_with_changes"}),
    "state_resubmitted": lambda s, p: _in_states(s, {"resubmitted"}),
    "reviewer_open": lambda s, p: {sid for sid in _in_states(s, ACTIVE) if s.assignees[sid] == p["reviewer"]},
    "reviewer_all": lambda s, p: {sid for sid, a in s.assignees.items() if a == p["reviewer"]},
    "by_reviewer": lambda s, p: dict(Counter(a for a in s.assignees.values() if a)),
    "top_fp_rule": lambda s, p: _top(Counter(i.finding.rule for i in _fp(s))),
    "top_fp_unit": lambda s, p: _top(Counter(i.unit for i in _fp(s))),
    "fp_all": lambda s, p: len(_fp(s)),
    "unit_fp": lambda s, p: sum(1 for i in _fp(s) if i.unit == p["unit"]),
    "unit_counted": lambda s, p: sum(1 for i in _counted(s) if i.unit == p["unit"]),
    "rule_counted": lambda s, p: sum(1 for i in _counted(s) if i.finding.rule == p["rule"]),
    "rule_fp": lambda s, p: sum(1 for i in _fp(s) if i.finding.rule == p["rule"]),
    "top_error_project": lambda s, p: _top(Counter(i.project for i in _counted(s) if i.finding.severity == "error")),
    "top_unit_counted": lambda s, p: _top(Counter(i.unit for i in _counted(s))),
    "confirmed_errors": lambda s, p: sum(1 for i in _counted(s)
                                         if i.finding.decision == "confirmed" and i.finding.severity == "error"),
    "fixed_all": lambda s, p: sum(1 for i in _counted(s) if i.finding.decision == "fixed"),
    "units_dup": lambda s, p: {i.unit for i in _counted(s) if i.finding.rule == "WEAK-DUP-001"},
    "no_rule": lambda s, p: None,
    "returned_errors": lambda s, p: sum(1 for i in _counted(s) if i.state == "returned"
                                        and i.finding.severity == "error"),
    "unit_returned": lambda s, p: {sid for sid in _in_states(s, {"returned"}) if s.units[sid] == p["unit"]},
}


@dataclass
class WorkflowQuestion:
    question: str
    expect: str
    shape: str  # count | set | top | groups | none
    expected: Any
    key: str | None = None


def _fillers(s: Setup, each: str | None) -> list[dict[str, str]]:
    if each is None:
        return [{}]
    if each == "reviewer":
        return [{"reviewer": r} for r in REVIEWERS]
    if each == "unit":
        units = sorted({u for u in s.units.values() if u})
        return [{"unit": u} for u in units[:6]]
    if each == "rule":
        rules = Counter(i.finding.rule for i in _counted(s))
        return [{"rule": r} for r, _ in sorted(rules.items(), key=lambda x: (-x[1], x[0]))[:6]]
    if each == "fp_rule":
        rules = Counter(i.finding.rule for i in _fp(s))
        return [{"rule": r} for r, _ in sorted(rules.items(), key=lambda x: (-x[1], x[0]))[:4]]
    raise ValueError(each)


def workflow_questions(setup: Setup, path: Path = QUESTIONS) -> list[WorkflowQuestion]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    out = []
    for q in spec:
        for fill in _fillers(setup, q.get("each")):
            expected = EXPECT[q["expect"]](setup, fill)
            if q["shape"] == "count" and isinstance(expected, set):
                expected = len(expected)
            out.append(WorkflowQuestion(q["template"].format(**fill), q["expect"], q["shape"], expected, q.get("key")))
    return out


def grade(q: WorkflowQuestion, answer: Any) -> bool:
    agg = answer.aggregate or {}
    if q.shape == "none":
        return not answer.found and not answer.rows
    if answer.kind not in ("structured", "mixed"):
        return False
    if q.shape == "count":
        value = agg.get("value")
        if value is None:  # a listing answers a count with its number of rows
            value = agg.get("total_rows")
        return value is not None and float(value) == float(q.expected)
    if q.shape == "set":
        rows = answer.rows
        return agg.get("total_rows") == len(rows) and {r.get(q.key) for r in rows} == set(q.expected) \
            if not agg.get("groups") else {g["key"] for g in agg["groups"]} == set(q.expected)
    if q.shape == "top":
        groups = agg.get("groups") or []
        return bool(groups) and groups[0]["key"] in q.expected
    if q.shape == "groups":
        return {g["key"]: g["value"] for g in agg.get("groups") or []} == q.expected
    raise ValueError(q.shape)


def evaluate_workflow(stores: Stores, setup: Setup) -> dict[str, Any]:
    questions = workflow_questions(setup)
    per_expect: dict[str, list[int]] = {}

    def graded(q: WorkflowQuestion, answer: Answer) -> bool:
        ok = grade(q, answer)
        per_expect.setdefault(q.expect, [0, 0])
        per_expect[q.expect][0] += ok
        per_expect[q.expect][1] += 1
        return ok

    tally = ask_each(questions, stores, lambda q: ask(q.question, stores, llm=False), graded,
                     lambda q, a: {"question": q.question, "expected": sorted(q.expected)
                                   if isinstance(q.expected, set) else q.expected,
                                   "answer": a.text[:200], "query": a.query},
                     question=lambda q: q.question)
    f = tally.figures()
    return {"questions": f["n"], "accuracy": f["accuracy"],
            "per_expect": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_expect.items())},
            "latency_p50_ms": round(f["latency_ms"]["p50"], 1), "latency_p95_ms": round(f["latency_ms"]["p95"], 1),
            "citation_precision": f["citation_precision"], "cited_sentences": f["cited_sentences"],
            "unsupported_numbers": f["unsupported_numbers"], "unsupported_figures": f["unsupported_figures"],
            "wrong": f["failures"]}


def run(corpus: Path | None, max_files: int) -> dict[str, Any]:
    from ingest.pipeline import IngestOptions, ingest_paths

    with tempfile.TemporaryDirectory(prefix="ziping-workflow-eval-") as tmp:
        work = Path(tmp)
        if corpus is None:
            from eval.synth import generate_corpus

            corpus = work / "corpus"
            generate_corpus(corpus, max_files, seed=18)
        names = [json.loads(p.read_text(encoding="utf-8"))["file"] for p in sorted(corpus.glob("*.labels.json"))]
        stores = open_stores(Settings(data_dir=work / "data"))
        try:
            ingest_paths([corpus / n for n in names[:max_files]], stores, IngestOptions(defer_vectors=True))
            setup = prepare(stores)
            result = evaluate_workflow(stores, setup)
            result["files"] = len(setup.states)
            result["findings"] = len(setup.items)
        finally:
            stores.close()
    return result


def print_report(r: dict[str, Any]) -> None:
    print(f"审核发现与流程问题：{r['questions']} 题，准确率 {r['accuracy']:.3f}"
          f"（{r.get('files')} 份材料、{r.get('findings')} 条审核发现；p50 {r['latency_p50_ms']} ms，"
          f"p95 {r['latency_p95_ms']} ms）")
    print(f"按类型：{r['per_expect']}；{print_checks(r)}")
    for w in r["wrong"][:10]:
        print(f"  ✗ {w['question']} 期望 {w['expected']}；回答：{w['answer']}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m eval.ask_workflow", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="folder made by `ziping synth` (default: a new one)")
    parser.add_argument("--max-files", type=int, default=40)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    result = run(args.corpus, args.max_files)
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
