"""API latency: upload-to-findings per format, and questions under concurrent clients.

The real app runs under uvicorn on a free loopback port with a fresh data directory; clients
talk HTTP to it (httpx), exactly as the web page does.

1. **Upload to findings** — one typical .docx table, one .xlsx table and one 3-page text PDF
   (a 2-page table with a 1-page report, from ``eval.synth``), each uploaded ``--uploads`` times
   (``force`` re-ingests the same content) with vectors deferred. Latency is from sending the
   upload to the job's ``indexed`` event on its server-sent-events stream, when the findings are
   stored. Target: p95 ≤ 2 s.
2. **Ask** — ``--clients`` concurrent clients (one user each) send a mix of structured and
   document questions in a loop bounded by ``--duration`` seconds and ``--max-requests``, over a
   small ingested corpus with vectors; p50/p95 latency, throughput and errors. The rate limit is
   raised for the run (it is per user and would otherwise dominate).

``python -m eval.bench_api [--uploads 20] [--duration 60] [--clients 8] [--json]``
"""

from __future__ import annotations

import argparse
import io
import json
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

QUESTIONS = [
    "各单位的平均得分是多少？",
    "执行率低于95%的项目有哪些？",
    "有多少个项目支出绩效自评表？",
    "满意度调查是怎么开展的？",
    "存在哪些问题？",
    "偏差原因是什么？",
    "得分最高的项目是哪个？",
    "下一步改进措施有哪些？",
]


@dataclass
class Latency:
    name: str
    samples: list[float] = field(default_factory=list)
    errors: int = 0

    def pct(self, q: float) -> float | None:
        if not self.samples:
            return None
        s = sorted(self.samples)
        return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "n": len(self.samples), "errors": self.errors, "p50_s": self.pct(0.5),
                "p95_s": self.pct(0.95), "max_s": max(self.samples) if self.samples else None}

    def line(self) -> str:
        if not self.samples:
            return f"{self.name:<16} 无样本（错误 {self.errors}）"
        return (f"{self.name:<16} n={len(self.samples):4d}  p50 {self.pct(0.5):6.3f} s  p95 {self.pct(0.95):6.3f} s"
                f"  max {max(self.samples):6.3f} s  错误 {self.errors}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def three_page_pdf(table_pdf: Path, report_pdf: Path, out: Path) -> Path:
    """A 2-page table PDF followed by the first page of a report: a 3-page text PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    table = pdfium.PdfDocument(str(table_pdf))
    report = pdfium.PdfDocument(str(report_pdf))
    doc.import_pages(table)
    doc.import_pages(report, [0])
    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(buf.getvalue())
    return out


def pick_files(corpus: Path, work: Path) -> dict[str, Path]:
    labels = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.labels.json"))]

    def first(kind: str, pages: int | None = None) -> Path:
        return next(corpus / lab["file"] for lab in labels
                    if lab["kind"] == kind and (pages is None or lab["expected"]["file"]["pages"] == pages))

    return {"docx": first("docx_table"), "xlsx": first("xlsx_table"),
            "pdf3": three_page_pdf(first("pdf_table", 2), first("report_pdf"), work / "三页自评材料.pdf")}


class Server:
    def __init__(self, app) -> None:
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def upload_latency(client, path: Path, n: int, label: str) -> Latency:
    """``n`` uploads of ``path``: seconds from sending it to its ``indexed`` event."""
    out = Latency(f"上传→发现 {label}")
    for _ in range(n):
        started = time.perf_counter()
        r = client.post("/api/v1/submissions", files=[("files", (path.name, path.read_bytes()))],
                        data={"defer_vectors": "true", "force": "true"})
        if r.status_code != 202:
            out.errors += 1
            continue
        job_id, indexed = r.json()["id"], False
        with client.stream("GET", f"/api/v1/jobs/{job_id}/events") as events:
            for line in events.iter_lines():
                if not line.startswith("data:"):
                    continue
                job = json.loads(line[5:])
                if any(f["stage"] == "indexed" for f in job["files"]):
                    indexed = True
                    break
                if job["state"] in ("done", "failed"):
                    break
        if indexed:
            out.samples.append(time.perf_counter() - started)
        else:
            out.errors += 1
        while client.get(f"/api/v1/jobs/{job_id}").json()["state"] not in ("done", "failed"):
            time.sleep(0.01)  # let the job end before the next upload (one writer)
    return out


def ask_load(url: str, tokens: list[str], duration: float, max_requests: int) -> tuple[Latency, float]:
    """Concurrent clients asking in a bounded loop; (latency, wall seconds)."""
    import httpx

    result = Latency("问答（并发）")
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    count = [0]

    def client(token: str, offset: int) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
            i = offset
            while time.monotonic() < deadline:
                with lock:
                    if count[0] >= max_requests:
                        return
                    count[0] += 1
                q = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                started = time.perf_counter()
                try:
                    r = c.post("/api/v1/ask", json={"question": q})
                    ok = r.status_code == 200 and r.json().get("text")
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    if ok:
                        result.samples.append(elapsed)
                    else:
                        result.errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(t, k)) for k, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result, time.perf_counter() - started


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description="API latency benchmark (upload-to-findings, ask under load)")
    parser.add_argument("--uploads", type=int, default=20, help="uploads per format")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the ask load")
    parser.add_argument("--clients", type=int, default=8, help="concurrent ask clients")
    parser.add_argument("--max-requests", type=int, default=5000, help="bound on questions in the load")
    parser.add_argument("--n", type=int, default=12, help="synthetic files ingested (with vectors) for the ask load")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)

    import httpx

    from api.app import ApiSettings, create_app
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from eval.synth import generate_corpus
    from ingest.pipeline import IngestOptions, ingest_paths

    with tempfile.TemporaryDirectory(prefix="ziping-bench-api-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        generate_corpus(corpus, n=max(args.n, 12), seed=1)
        files = pick_files(corpus, work)
        settings = Settings(data_dir=work / "data")
        t0 = time.perf_counter()
        stores = open_stores(settings)
        try:
            ask_files = [p for p in sorted(corpus.iterdir())
                         if not p.name.endswith(".json") and "scanned" not in p.name][: args.n]
            ingest_paths(ask_files, stores, IngestOptions(defer_vectors=False))
        finally:
            stores.close()
        setup_s = time.perf_counter() - t0
        n_ingested = len(ask_files)
        app = create_app(settings, ApiSettings(ask_per_minute=1e9, ask_burst=10**9))
        with Server(app) as server:
            users = app.state.users
            tokens = [users.add(f"bench{k}", "reviewer")[1] for k in range(args.clients)]
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {tokens[0]}"},
                              timeout=120) as client:
                client.post("/api/v1/ask", json={"question": QUESTIONS[0]})  # warm the parser and embedder
                uploads = [upload_latency(client, files[k], args.uploads, label)
                           for k, label in (("docx", "docx"), ("xlsx", "xlsx"), ("pdf3", "pdf（3页）"))]
            ask, wall = ask_load(server.url, tokens, args.duration, args.max_requests)
    report = {
        "setup_s": round(setup_s, 1), "ingested": n_ingested, "uploads_per_format": args.uploads,
        "upload_to_findings": [u.to_dict() for u in uploads],
        "upload_target_p95_s": 2.0,
        "upload_target_met": all((u.pct(0.95) or 99) <= 2.0 for u in uploads),
        "ask": {**ask.to_dict(), "clients": args.clients, "wall_s": round(wall, 1),
                "throughput_per_s": round(len(ask.samples) / wall, 2) if wall else None},
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"== API 基准（回环地址，{args.clients} 个并发客户端） ==")
        print(f"准备：生成并入库 {n_ingested} 份材料（含向量，不含扫描件） {setup_s:.0f} s")
        print(f"-- 上传到出现审核发现（向量延后，每种 {args.uploads} 次；目标 p95 ≤ 2 s） --")
        for u in uploads:
            print(u.line())
        print(f"-- 问答延迟（{args.clients} 个客户端，{args.duration:.0f} s 有界循环） --")
        print(ask.line() + f"  吞吐 {report['ask']['throughput_per_s']} 问/s")
    return report


if __name__ == "__main__":
    main()
