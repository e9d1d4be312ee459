"""``make eval``: every evaluation on one labelled corpus, figures printed, JSON kept.

The corpus is read and recognised once; the extraction and checker evaluations share the
result. Later evaluations (answers, drafts) run when their modules are present. The JSON of all
figures goes to ``<corpus>/../eval-results.json`` so runs can be compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import time
from pathlib import Path

from eval import bench_ingest, checker_eval
from eval.extraction import evaluate_extraction, extract_corpus, print_extraction


def machine() -> str:
    return f"{platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description="ziping 评测 / evaluations")
    parser.add_argument("--corpus", type=Path, default=Path("data/eval-corpus"))
    parser.add_argument("--skip", nargs="*", default=[], help="extraction checker bench ask draft narrative workflow")
    args = parser.parse_args()
    corpus: Path = args.corpus
    print(f"语料 {corpus}（{len(list(corpus.glob('*.labels.json')))} 个文件）；机器 {machine()}")
    results: dict[str, object] = {"machine": machine(), "corpus": str(corpus)}
    started = time.perf_counter()
    extracted = extract_corpus(corpus)
    if "extraction" not in args.skip:
        report = evaluate_extraction(corpus, extracted)
        report.seconds = time.perf_counter() - started
        print_extraction(report)
        results["extraction"] = report.to_dict()
    if "checker" not in args.skip:
        results["checker"] = checker_eval.main(corpus, extracted)
    if "bench" not in args.skip:
        results["ingest_bench"] = bench_ingest.main(corpus)
    # The answer and draft evaluations read stored data: ingest once into a data dir next to
    # the corpus (a second run skips every file already stored) and hand it to both.
    data_dir = corpus.parent / f"{corpus.name}-data"
    for name, module in (("draft", "eval.draft_eval"), ("ask", "eval.ask_eval")):
        if name not in args.skip and importlib.util.find_spec(module) is not None:
            print()
            results[name] = importlib.import_module(module).main(["--corpus", str(corpus), "--data", str(data_dir)])
    if "narrative" not in args.skip:
        # figures of a narrative report (a hand-written annual report, its own temporary store)
        from eval import narrative_eval

        print()
        results["narrative"] = narrative_eval.main([])
    if "workflow" not in args.skip:
        # questions about the review itself: on its own temporary store, since it sets decisions and states
        from eval import ask_workflow

        print()
        results["workflow"] = ask_workflow.main(["--corpus", str(corpus), "--max-files", "40"])
    out = corpus.parent / "eval-results.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\n全部指标已写入 {out}")


if __name__ == "__main__":
    main()
