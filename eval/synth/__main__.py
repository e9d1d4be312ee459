"""``python -m eval.synth --n 60 --seed 1 --out data/synth``: write a labelled synthetic corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eval.synth.corpus import generate_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.synth", description="生成带标注的合成自评材料语料")
    parser.add_argument("--n", type=int, default=60, help="number of files (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    args = parser.parse_args(argv)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    summary = generate_corpus(args.out, args.n, args.seed, progress=progress)
    print(summary.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
