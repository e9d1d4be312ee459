"""Per-rule precision and recall of the comparison rules (CYCLE-*) on synthetic performance
cycles (:mod:`eval.synth.cycle`): declaration + monitoring form + self-evaluation, with the
defects the generator planted as the labels. A finding is right when its rule and field path are
a planted defect's; findings of other rule families are not graded here (eval.checker_eval does).

``python -m eval.cycle_eval [--n 300] [--seed 19]`` (part of ``make eval``); the gate is 0.95.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from assistant.checker import check_submission, load_profile
from eval.synth.cycle import DEFECTS, make_triples

GATE = 0.95


def evaluate(n: int, seed: int) -> dict[str, dict[str, float]]:
    profile = load_profile("national")
    tp, fp, fn = Counter(), Counter(), Counter()
    misses: list[str] = []
    for triple in make_triples(n, seed):
        expected = {(p.rule, p.field) for p in triple.planted}
        found = {(f.rule, f.location.field) for f in check_submission(
            triple.submission, profile=profile, cycle=triple.cycle, fold=False) if f.rule.startswith("CYCLE-")}
        for key in found & expected:
            tp[key[0]] += 1
        for key in found - expected:
            fp[key[0]] += 1
            misses.append(f"{triple.name} 误报 {key}")
        for key in expected - found:
            fn[key[0]] += 1
            misses.append(f"{triple.name} 漏报 {key}")
    out = {}
    for rule in sorted(set(DEFECTS.values())):
        p = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else 1.0
        r = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else 1.0
        out[rule] = {"tp": tp[rule], "fp": fp[rule], "fn": fn[rule], "precision": round(p, 4), "recall": round(r, 4)}
    out["_misses"] = misses[:20]  # type: ignore[assignment]
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="申报—监控—自评比对规则评测 / CYCLE rules on synthetic cycles")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result = evaluate(args.n, args.seed)
    misses = result.pop("_misses")
    print(f"申报—监控—自评比对规则（合成 {args.n} 组，种子 {args.seed}；门槛 P、R ≥ {GATE}）")
    print(f"{'规则':<16}{'命中':>6}{'误报':>6}{'漏报':>6}{'精确率':>9}{'召回率':>9}  结论")
    ok = True
    for rule, m in result.items():
        passed = m["precision"] >= GATE and m["recall"] >= GATE
        ok &= passed
        print(f"{rule:<16}{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}{m['precision']:>9.3f}{m['recall']:>9.3f}  "
              f"{'达标' if passed else '未达标'}")
    for line in misses:
        print("  " + line)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return {"rules": result, "passed": ok}


if __name__ == "__main__":
    raise SystemExit(0 if main()["passed"] else 1)
