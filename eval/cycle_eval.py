"""Per-rule precision and recall of the comparison rules (CYCLE-*) on synthetic performance
cycles (:mod:`eval.synth.cycle`): declaration + monitoring form + self-evaluation, with the
defects the generator planted as the labels. A finding is right when its rule and field path are
a planted defect's; findings of other rule families are not graded here (eval.checker_eval does).

The cross-year and consistency rules (CYCLE-YEAR-*, MISSING-GOAL-002, SCORE-EXE-002, and CALC-IND-007
on a block header unlike its rows) are graded the same way on two-year pairs
(:mod:`eval.synth.cycle_years`): year Y checked with year Y-1's self-evaluation as its history.

MISSING-DEV-003 (a deviation of 30% or more left unexplained) is graded on self-evaluations
(:mod:`eval.synth.deviation`) checked under the ``exec_caps`` pack, the one that sets the threshold;
the same set checked under ``national`` must give no MISSING-DEV-003 at all.

With ``--files K`` the first K triples are also written as files (.docx and .xlsx in turn) and
ingested through the pipeline into a throwaway data directory, so reading the forms, linking them
and checking the self-evaluation are graded end to end against the same labels (and the links
against the triple each file came from).

``python -m eval.cycle_eval [--n 300] [--seed 19] [--files 12]`` (part of ``make eval``); the gate is 0.95.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from assistant.checker import check_submission, load_profile
from eval.synth.cycle import DEFECTS, Triple, make_triples
from eval.synth.cycle_years import DEFECTS as YEAR_DEFECTS
from eval.synth.cycle_years import make_pairs
from eval.synth.deviation import RULE as DEVIATION_RULE
from eval.synth.deviation import make_sets

GATE = 0.95


def _in_memory(triples: list[Triple]):
    profile = load_profile("national")
    for triple in triples:
        yield triple, {(f.rule, f.location.field) for f in check_submission(
            triple.submission, profile=profile, cycle=triple.cycle, fold=False)}


def _through_files(triples: list[Triple], links: Counter):
    """Each triple written as three files, ingested one by one; what was stored for the
    self-evaluation. ``links`` counts the forms linked to their own triple's self-evaluation."""
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from assistant.stores.cycle import CycleStore
    from eval.synth.cycle_files import write_triple
    from ingest.pipeline import IngestOptions, ingest_paths

    with tempfile.TemporaryDirectory(prefix="cycle-eval-") as tmp:
        stores = open_stores(Settings(data_dir=Path(tmp) / "data"))
        try:
            for i, triple in enumerate(triples):
                paths = write_triple(triple, Path(tmp) / triple.name, "docx" if i % 2 == 0 else "xlsx")
                report = ingest_paths(paths, stores, IngestOptions(defer_vectors=True))
                form_ids, evaluation = [f.submission_id for f in report.files[:2]], report.files[2].submission_id
                cycles = CycleStore(stores.records)
                for fid in form_ids:
                    link = cycles.link(fid) if fid else None
                    links["linked" if link and link.evaluation_id == evaluation else "not_linked"] += 1
                findings = stores.records.get_findings(evaluation) if evaluation else []
                yield triple, _unfold(findings)
        finally:
            stores.close()


def _unfold(findings) -> set[tuple[str, str | None]]:
    """(rule, field) of every finding as stored, and of every place a folded finding speaks for."""
    return {(rule, loc.field) for f in findings for rule, loc in f.places()}


def evaluate(n: int, seed: int, files: int = 0) -> dict[str, dict[str, float]]:
    triples = make_triples(n, seed)
    links: Counter = Counter()
    checked = _through_files(triples[:files], links) if files else _in_memory(triples)
    graded = set(DEFECTS.values())
    out = _grade(checked, lambda rule: rule.startswith("CYCLE-") and rule not in YEAR_DEFECTS.values(), graded)
    if files:
        out["_links"] = dict(links)  # type: ignore[assignment]
    return out


def evaluate_years(n: int, seed: int) -> dict[str, dict[str, float]]:
    """The cross-year and consistency rules on two-year pairs (:mod:`eval.synth.cycle_years`): year
    Y checked with year Y-1 as its history; only the rules those defects name are graded."""
    profile = load_profile("national")
    graded = set(YEAR_DEFECTS.values())

    def checked():
        for pair in make_pairs(n, seed):
            yield pair, {(f.rule, f.location.field) for f in check_submission(
                pair.current.submission, profile=profile, cycle=pair.current.cycle, fold=False)}

    return _grade(checked(), lambda rule: rule in graded, graded)


def evaluate_deviation(n: int, seed: int) -> dict[str, dict[str, float]]:
    """MISSING-DEV-003 under ``exec_caps`` against the planted rows (:mod:`eval.synth.deviation`);
    ``_national`` counts its findings on the same set under ``national``, where it must not run.
    Unfolded: a short row left unexplained is MISSING-DEV-001's too, and folds into it for a reader."""
    sets = make_sets(n, seed)
    caps, national = load_profile("exec_caps"), load_profile("national")

    def checked():
        for s in sets:
            yield s, {(f.rule, f.location.field) for f in check_submission(s.submission, profile=caps, fold=False)}

    out = _grade(checked(), lambda rule: rule == DEVIATION_RULE, {DEVIATION_RULE})
    out["_national"] = sum(f.rule == DEVIATION_RULE for s in sets  # type: ignore[assignment]
                           for f in check_submission(s.submission, profile=national, fold=False))
    return out


def _grade(checked, counts, rules) -> dict[str, dict[str, float]]:
    """Per rule of ``rules``: findings against the planted labels (only rules ``counts`` accepts)."""
    tp, fp, fn = Counter(), Counter(), Counter()
    misses: list[str] = []
    for triple, made in checked:
        expected = {(p.rule, p.field) for p in triple.planted}
        found = {(rule, field) for rule, field in made if counts(rule)}
        for key in found & expected:
            tp[key[0]] += 1
        for key in found - expected:
            fp[key[0]] += 1
            misses.append(f"{triple.name} 误报 {key}")
        for key in expected - found:
            fn[key[0]] += 1
            misses.append(f"{triple.name} 漏报 {key}")
    out = {}
    for rule in sorted(rules):
        p = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else 1.0
        r = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else 1.0
        out[rule] = {"tp": tp[rule], "fp": fp[rule], "fn": fn[rule], "precision": round(p, 4), "recall": round(r, 4)}
    out["_misses"] = misses[:20]  # type: ignore[assignment]
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="申报—监控—自评比对规则评测 / CYCLE rules on synthetic cycles")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--files", type=int, default=0, help="另将前 K 组写成文件、经入库流程端到端评测")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    report = {"memory": _report(evaluate(args.n, args.seed), f"合成 {args.n} 组（内存中的表单）", args.seed)}
    report["years"] = _report(evaluate_years(args.n, args.seed),
                              f"跨年度与一致性规则：合成 {args.n} 组两年的申报—监控—自评（上年自评表为比较对象）", args.seed)
    report["deviation"] = _report(evaluate_deviation(args.n, args.seed),
                                  f"偏离目标未说明原因：合成 {args.n} 份自评表，按“全国通用 + 按预算执行率限定复核总分”口径"
                                  f"（偏离阈值 30%）审核", args.seed)
    if args.files:
        report["files"] = _report(evaluate(args.n, args.seed, args.files),
                                  f"其中 {args.files} 组写成 docx/xlsx 文件后入库（读取、关联、审核端到端）", args.seed)
    passed = all(r["passed"] for r in report.values())
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return {"rules": report, "passed": passed}


def _report(result: dict, what: str, seed: int) -> dict:
    misses = result.pop("_misses")
    links = result.pop("_links", None)
    national = result.pop("_national", None)
    print(f"申报—监控—自评比对规则：{what}，种子 {seed}；门槛 P、R ≥ {GATE}")
    print(f"{'规则':<16}{'命中':>6}{'误报':>6}{'漏报':>6}{'精确率':>9}{'召回率':>9}  结论")
    ok = True
    for rule, m in result.items():
        passed = m["precision"] >= GATE and m["recall"] >= GATE
        ok &= passed
        print(f"{rule:<16}{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}{m['precision']:>9.3f}{m['recall']:>9.3f}  "
              f"{'达标' if passed else '未达标'}")
    for line in misses:
        print("  " + line)
    if national is not None:
        print(f"同一批表按全国通用口径审核：{DEVIATION_RULE} {national} 条（应为 0，全国口径不设偏离阈值）")
        ok &= national == 0
    if links is not None:
        total = sum(links.values())
        print(f"关联：{links.get('linked', 0)}/{total} 份申报表、监控表关联到了本组的自评表")
        ok &= links.get("linked", 0) == total
    print()
    return {"rules": result, "links": links, "national": national, "passed": ok}


if __name__ == "__main__":
    raise SystemExit(0 if main()["passed"] else 1)
