"""``make bench``: the speed benchmarks (CLI start-up, ingest, OCR of a page beside bare rapidocr, legacy
.doc/.wps/.xls/.et files read after a warm conversion, big inputs (a 5,000-page PDF,
a 200 MB workbook), ask latency at 10k/100k chunks and on the 300-file corpus itself, API, the load test
at 1/8/32 clients on the embedded default and the scale-out topology (:mod:`eval.load`), and the growth
benchmark's small sizes — ``make bench GROWTH_SIZES=1000,10000,50000`` for the full one), figures printed."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from pathlib import Path

from eval import bench_cli, bench_ingest, bench_inputs, bench_ocr, big_inputs, load
from eval.run import machine


def main() -> None:
    parser = argparse.ArgumentParser(description="ziping 性能基准 / benchmarks")
    parser.add_argument("--corpus", type=Path, default=Path("data/eval-corpus"))
    parser.add_argument("--growth-sizes", default="1000,10000",
                        help="规模增长基准的材料份数；完整一档：1000,10000,50000 / growth sizes")
    args = parser.parse_args()
    print(f"机器 {machine()}")
    bench_cli.main([])
    print()
    bench_ingest.main(args.corpus)
    print()
    bench_ocr.main([])
    print()
    bench_inputs.run(args.corpus, 4)  # legacy formats: a warm conversion and read within 2 s
    print()
    big_inputs.main([])
    # the ask bench adds its point on the corpus itself: the latency targets are set on 300 files
    for module, argv in (("eval.bench_ask", ["--corpus", str(args.corpus)]), ("eval.bench_api", [])):
        if importlib.util.find_spec(module) is not None:
            print()
            importlib.import_module(module).main(argv)
    print()
    load.main([])
    if args.growth_sizes:
        print()
        from eval import growth  # sets one OpenMP thread for its own processes: after the embedding bench

        growth.main(["--sizes", args.growth_sizes])


if __name__ == "__main__":
    main()
