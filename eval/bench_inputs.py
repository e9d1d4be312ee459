"""Legacy formats' speed: ``python -m eval.bench_inputs [--corpus DIR] [--files N]``.

Makes .doc/.wps from the synthetic corpus' docx and .xls/.et from its xlsx with LibreOffice
(Word files through odt: see tests/ingest/test_legacy.py), then times ``read_document`` on each:
the first legacy Word file in the process (LibreOffice starts: *cold*), and every file after it
(*warm*, the budget is 2 s). .xls/.et are read by xlrd and need no LibreOffice.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from ingest.readers import read_document
from ingest.readers.convert import Converter, shared_converter

WARM_BUDGET = 2.0


def make_legacy(corpus: Path, out: Path, n: int) -> dict[str, list[Path]]:
    maker = Converter()
    files: dict[str, list[Path]] = {"doc": [], "wps": [], "xls": [], "et": []}
    try:
        for p in sorted(corpus.glob("*.docx"))[:n]:
            doc = maker.convert(maker.convert(p, out / f"{p.stem}.odt"), out / f"{p.stem}.doc")
            files["doc"].append(doc)
            files["wps"].append(Path(shutil.copyfile(doc, out / f"{p.stem}.wps")))
        for p in sorted(corpus.glob("*.xlsx"))[:n]:
            xls = maker.convert(p, out / f"{p.stem}.xls")
            files["xls"].append(xls)
            files["et"].append(Path(shutil.copyfile(xls, out / f"{p.stem}.et")))
    finally:
        maker.stop()
    return files


def run(corpus: Path, n: int) -> int:
    with tempfile.TemporaryDirectory(prefix="ziping-bench-inputs-") as tmp:
        files = make_legacy(corpus, Path(tmp), n)
        if not files["doc"]:
            print("语料中没有 .docx / no .docx in the corpus")
            return 1
        began = time.perf_counter()
        read_document(files["doc"][0])
        print(f"旧版格式 冷启动（启动 LibreOffice + 转换 + 读取一个 .doc）/ cold: {time.perf_counter() - began:.2f} s")
        worst = 0.0
        for fmt, paths in files.items():
            times = []
            for path in paths:
                began = time.perf_counter()
                read_document(path)
                times.append(time.perf_counter() - began)
            if times:
                worst = max(worst, max(times))
                how = "xlrd 直接读取 / direct" if fmt in ("xls", "et") else "热转换+读取 / warm"
                print(f"  {fmt:4s} {how}: 中位 {statistics.median(times):.2f} s，最慢 {max(times):.2f} s"
                      f"（{len(times)} 个文件）")
        print(f"  LibreOffice 启动次数 / starts: {shared_converter().starts}；预算 ≤ {WARM_BUDGET:.0f} s："
              f"{'达标' if worst <= WARM_BUDGET else '超出'}")
        shared_converter().stop()
        return 0 if worst <= WARM_BUDGET else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="synthetic corpus (default: a fresh 12-file one)")
    parser.add_argument("--files", type=int, default=4, help="files per format")
    args = parser.parse_args()
    if args.corpus is not None:
        return run(args.corpus, args.files)
    from eval.synth import generate_corpus

    with tempfile.TemporaryDirectory(prefix="ziping-bench-corpus-") as tmp:
        generate_corpus(Path(tmp), n=12, seed=1)
        return run(Path(tmp), args.files)


if __name__ == "__main__":
    raise SystemExit(main())
