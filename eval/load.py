"""Load test: a realistic mix of reviewers' requests at 1, 8 and 32 concurrent clients, on loopback.

The server runs in its own process (``ziping serve``, as an operator starts it) so that the
clients, an asyncio ``httpx`` loop in this process, never share its interpreter. Two topologies:

- **embedded** — the default: SQLite and Chroma's files under one data directory; ``ziping serve``
  picks its defaults up itself — a Chroma server child on that directory, two serving processes on
  two cores or more, one of them running the upload jobs;
- **scale-out** — a throwaway PostgreSQL and a ``chroma run`` server (:mod:`eval.services`), the
  server only queueing (``ZIPING_API_START_WORKER=false``) and two ``ziping worker`` processes
  taking the jobs: the topology of ``docker-compose.yml`` with local processes.

Before the levels, a small synthetic corpus (``eval.synth``) is ingested with vectors. Each client
then loops until the level's duration ends, picking an operation by weight and pausing between two
requests for a reviewer's think time (``--think`` seconds on average, drawn uniformly from half to
one and a half times it; ``--think 0`` is a closed loop without pauses, which measures where the
server saturates rather than what reviewers see). The clients are made before a level's clock
starts, and with a think time each makes its first request after a pause drawn from zero to one
think time, as reviewers arrive at different moments. Made inside the level (32 ``httpx`` clients
load TLS certificates for ~1.7 s of CPU, holding this process's loop) and started in the same
millisecond, their first requests left as one burst that one serving process mostly accepted —
~30 requests queued at the level's start that no reviewers would make, and measured as the server's:

============== ====== =========================================================================
list            25 %  ``GET /submissions?size=50`` — the overview's table (sorted, counted)
open            25 %  ``GET /submissions/{id}`` — the detail JSON the submission page loads
findings        20 %  ``GET /findings?submission_id={id}`` — that submission's findings
ask structured  12 %  ``POST /ask`` with a question answered from the records
ask document    12 %  ``POST /ask`` with a question answered from the passages (BM25 + vectors)
upload           6 %  ``POST /submissions`` — a small distinct report (a job is queued)
============== ====== =========================================================================

Per level and operation: requests, errors (any unexpected status or transport error), throughput,
p50/p95/p99; the load average of the machine beside each level (it is shared). The targets are the
issue's: 0 errors at 32 clients, p95 of list/open ≤ 200 ms and of ask ≤ 1.5 s on the embedded default.

``python -m eval.load [--levels 1 8 32] [--think 1 0] [--duration 20] [--repeat 1]
[--topology embedded scaleout] [--mix upload=0] [--quick] [--json PATH]`` (``--quick``: 1 and 8
clients, 5 s, a smaller corpus — for trying it out; ``--mix``: other weights, for diagnosis only —
no verdict is given on a changed mix).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from eval.services import free_port

if TYPE_CHECKING:
    import httpx

ROOT = Path(__file__).resolve().parents[1]

STRUCTURED = ["各单位的平均得分是多少？", "执行率低于95%的项目有哪些？", "有多少个项目支出绩效自评表？",
              "得分最高的项目是哪个？"]
DOCUMENT = ["满意度调查是怎么开展的？", "存在哪些问题？", "偏差原因是什么？", "下一步改进措施有哪些？"]

# (operation, weight): what a review season's traffic looks like — mostly reading, some asking.
MIX = [("list", 25), ("open", 25), ("findings", 20), ("ask_structured", 12), ("ask_document", 12), ("upload", 6)]
OP_NAMES = {"list": "材料列表", "open": "打开材料", "findings": "材料的审核发现", "ask_structured": "问答（结构化）",
            "ask_document": "问答（文档）", "upload": "上传（小文件）"}
TARGETS_S = {"list": 0.2, "open": 0.2, "findings": 0.2, "ask_structured": 1.5, "ask_document": 1.5}
# The per-reviewer limits are off: one client of a closed loop asks and uploads faster than any person
# (40 requests/s, 2.4 uploads/s), and a 429 there measures the limiter, which its own tests cover.
RATE_OFF = {"ZIPING_API_ASK_PER_MINUTE": "1e9", "ZIPING_API_ASK_BURST": "1000000000",
            "ZIPING_API_UPLOAD_PER_MINUTE": "1e9", "ZIPING_API_UPLOAD_BURST": "1000000000"}


def pct(samples: list[float], q: float) -> float | None:
    """The ``q`` quantile by nearest rank (``None`` without samples)."""
    if not samples:
        return None
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@dataclass
class OpStats:
    op: str
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def to_dict(self, wall: float) -> dict[str, object]:
        n = len(self.samples) + self.errors
        return {"op": self.op, "n": n, "errors": self.errors, "error_rate": round(self.errors / n, 4) if n else 0.0,
                "per_s": round(n / wall, 2) if wall else None, "p50_ms": _ms(pct(self.samples, 0.5)),
                "p95_ms": _ms(pct(self.samples, 0.95)), "p99_ms": _ms(pct(self.samples, 0.99)),
                "statuses": dict(self.statuses)}


def _ms(s: float | None) -> float | None:
    return None if s is None else round(s * 1000, 1)


@dataclass
class Level:
    topology: str
    clients: int
    think_s: float
    run: int
    wall_s: float
    load_before: str
    load_after: str
    ops: dict[str, OpStats]

    def to_dict(self) -> dict[str, object]:
        total = sum(len(o.samples) + o.errors for o in self.ops.values())
        return {"topology": self.topology, "clients": self.clients, "think_s": self.think_s, "run": self.run, "wall_s": round(self.wall_s, 1),
                "loadavg_before": self.load_before, "loadavg_after": self.load_after,
                "requests": total, "errors": sum(o.errors for o in self.ops.values()),
                "per_s": round(total / self.wall_s, 1) if self.wall_s else None,
                "ops": [o.to_dict(self.wall_s) for o in self.ops.values()]}


# --- the clients ---------------------------------------------------------------------------------

def upload_text(n: int) -> str:
    """A short 自评报告, different every time (the server stores each distinct content once)."""
    tag = uuid.uuid4().hex[:8]
    return (f"# 负载测试第{n}号项目（{tag}）绩效自评报告\n\n## 一、基本情况\n\n第{n}号项目按计划实施，资金到位率100%，"
            f"预算执行率{90 + n % 10}%。\n\n## 二、绩效目标完成情况\n\n群众满意度{80 + n % 20}%。\n\n"
            "## 三、存在的问题\n\n部分指标未细化量化。\n")


async def _one(client, op: str, rng: random.Random, ids: list[str], seq: list[int]) -> tuple[bool, str]:
    """One request of ``op``; (as expected, status)."""
    if op == "list":
        r = await client.get("/api/v1/submissions", params={"size": 50, "sort": "-updated"})
        return r.status_code == 200 and "items" in r.json(), str(r.status_code)
    if op == "open":
        r = await client.get(f"/api/v1/submissions/{rng.choice(ids)}")
        return r.status_code == 200 and "findings" in r.json(), str(r.status_code)
    if op == "findings":
        r = await client.get("/api/v1/findings", params={"submission_id": rng.choice(ids)})
        return r.status_code == 200 and "items" in r.json(), str(r.status_code)
    if op in ("ask_structured", "ask_document"):
        question = rng.choice(STRUCTURED if op == "ask_structured" else DOCUMENT)
        r = await client.post("/api/v1/ask", json={"question": question})
        return r.status_code == 200 and bool(r.json().get("text")), str(r.status_code)
    seq[0] += 1
    body = upload_text(seq[0]).encode("utf-8")
    r = await client.post("/api/v1/submissions", files=[("files", (f"负载测试报告{seq[0]}.md", body, "text/markdown"))])
    return r.status_code == 202, str(r.status_code)


def mix_of(changes: list[str] | None) -> list[tuple[str, int]]:
    """:data:`MIX` with some weights changed: ``["upload=0"]`` is the mix without uploads (to tell
    what the serving costs from what the jobs running beside it cost)."""
    weights = dict(MIX)
    for change in changes or []:
        op, _, w = change.partition("=")
        if op not in weights or not w.isdigit():
            raise SystemExit(f"--mix：无法识别 {change!r}（应为 操作=权重，操作为 {'、'.join(weights)}）")
        weights[op] = int(w)
    return [(op, w) for op, w in weights.items()]


async def _client(client: httpx.AsyncClient, seed: int, deadline: float, think: float, ids: list[str],
                  stats: dict[str, OpStats], seq: list[int], mix: list[tuple[str, int]]) -> None:
    import httpx

    rng = random.Random(seed)
    ops, weights = zip(*mix, strict=True)
    async with client:
        if think > 0:  # reviewers arrive over a think time, not all in the same millisecond (see the docstring)
            await asyncio.sleep(rng.uniform(0.0, think))
        while time.monotonic() < deadline:
            op = rng.choices(ops, weights)[0]
            started = time.perf_counter()
            try:
                ok, status = await _one(client, op, rng, ids, seq)
            except (httpx.HTTPError, ValueError) as exc:  # a transport error or a body that is not JSON
                ok, status = False, type(exc).__name__
            elapsed = time.perf_counter() - started
            s = stats[op]
            s.statuses[status] = s.statuses.get(status, 0) + 1
            if ok:
                s.samples.append(elapsed)
            else:
                s.errors += 1
            if think > 0:
                await asyncio.sleep(min(think * rng.uniform(0.5, 1.5), max(0.0, deadline - time.monotonic())))


async def _level(url: str, tokens: list[str], clients: int, duration: float, think: float, ids: list[str],
                 seed: int, mix: list[tuple[str, int]] = MIX) -> tuple[dict[str, OpStats], float]:
    import httpx

    stats = {op: OpStats(op) for op, _ in MIX}
    seq = [seed * 100_000]
    # made before the clock starts (see the module docstring)
    made = [httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {tokens[k % len(tokens)]}"}, timeout=60)
            for k in range(clients)]
    deadline = time.monotonic() + duration
    started = time.perf_counter()
    await asyncio.gather(*(_client(made[k], seed * 1000 + k, deadline, think, ids, stats, seq, mix)
                           for k in range(clients)))
    return stats, time.perf_counter() - started


# --- the server and its stores ---------------------------------------------------------------------

def _env(settings_env: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("ZIPING_")}
    return {**keep, **settings_env, "ANONYMIZED_TELEMETRY": "False"}


def prepare(settings_env: dict[str, str], corpus: Path, n_files: int, users: int) -> tuple[list[str], str, float]:
    """Ingest the corpus (with vectors) into the stores ``settings_env`` names and add ``users``
    reviewers and an admin; (the reviewers' tokens, the admin's, seconds)."""
    from assistant.settings import Settings
    from assistant.stores import open_stores
    from assistant.stores.users import UserStore
    from ingest.pipeline import IngestOptions, ingest_paths

    started = time.perf_counter()
    settings = Settings(**{k.removeprefix("ZIPING_").lower(): v for k, v in settings_env.items()
                           if k in ("ZIPING_DATA_DIR", "ZIPING_DATABASE_URL", "ZIPING_CHROMA_URL")})
    stores = open_stores(settings)
    try:
        files = [p for p in sorted(corpus.iterdir())
                 if not p.name.endswith(".json") and "scanned" not in p.name][:n_files]
        ingest_paths(files, stores, IngestOptions(defer_vectors=False))
        user_store = UserStore(stores.records.engine)
        tokens = [user_store.add(f"load{k}", "reviewer")[1] for k in range(users)]
        admin = user_store.add("load-admin", "admin")[1]
    finally:
        stores.close()
    return tokens, admin, time.perf_counter() - started


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """``ziping ARGS`` in its own process; SIGTERM (then SIGKILL) on the way out."""
    out = log.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, stdout=out,
                            stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        out.close()


def wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server not ready in {timeout} s: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)


def submission_ids(url: str, token: str) -> list[str]:
    import httpx

    r = httpx.get(f"{url}/api/v1/submissions", params={"size": 500}, headers={"Authorization": f"Bearer {token}"},
                  timeout=60)
    r.raise_for_status()
    return [item["id"] for item in r.json()["items"]]


def warm(url: str, token: str, ids: list[str]) -> None:
    """One of each request first: the first question loads the parser and the embedder."""
    import httpx

    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        for q in (STRUCTURED[0], DOCUMENT[0]):
            c.post("/api/v1/ask", json={"question": q})
        c.get(f"/api/v1/submissions/{ids[0]}")
        c.get("/api/v1/findings", params={"submission_id": ids[0]})


def jobs_state(url: str, token: str) -> dict[str, int]:
    """How many of the recent jobs are in each state (the admin sees all)."""
    import httpx

    r = httpx.get(f"{url}/api/v1/jobs", params={"limit": 200}, headers={"Authorization": f"Bearer {token}"},
                  timeout=60)
    counts: dict[str, int] = {}
    for job in r.json() if r.status_code == 200 else []:
        counts[job["state"]] = counts.get(job["state"], 0) + 1
    return counts


def run_topology(topology: str, work: Path, corpus: Path, args: argparse.Namespace) -> tuple[list[Level], dict]:
    from eval.services import temporary_chroma, temporary_postgres

    with ExitStack() as stack:
        data = work / topology
        data.mkdir()
        settings_env = {"ZIPING_DATA_DIR": str(data)}
        workers = 0
        if topology == "scaleout":
            settings_env["ZIPING_DATABASE_URL"] = stack.enter_context(temporary_postgres())
            settings_env["ZIPING_CHROMA_URL"] = stack.enter_context(temporary_chroma())
            settings_env["ZIPING_API_START_WORKER"] = "false"
            workers = 2
        tokens, admin, setup_s = prepare(settings_env, corpus, args.files, max(args.levels))
        env = _env({**settings_env, **RATE_OFF})
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = work / f"{topology}-serve.log"
        server = stack.enter_context(process(["serve", "--port", str(port)], env, log))
        for k in range(workers):
            stack.enter_context(process(["worker", "--poll", "0.2"], env, work / f"{topology}-worker{k}.log"))
        wait_ready(url, server, log)
        ids = submission_ids(url, tokens[0])
        warm(url, tokens[0], ids)
        levels: list[Level] = []
        for think in args.think:
            for clients in args.levels:
                for run in range(1, args.repeat + 1):
                    before = loadavg()
                    stats, wall = asyncio.run(_level(url, tokens, clients, args.duration, think, ids,
                                                     seed=clients * 10 + run, mix=mix_of(args.mix)))
                    level = Level(topology, clients, think, run, wall, before, loadavg(), stats)
                    levels.append(level)
                    print(level_lines(level), flush=True)
        uploads = sum(len(lv.ops["upload"].samples) for lv in levels)
        drained = drain(url, admin, uploads, args.drain)
        extra = {"topology": topology, "setup_s": round(setup_s, 1), "files": args.files, "workers": workers,
                 "uploads_accepted": uploads, "jobs": drained}
        return levels, extra


def drain(url: str, token: str, uploads: int, timeout: float) -> dict[str, int]:
    """Wait up to ``timeout`` s for the queued upload jobs to finish; the jobs' states at the end."""
    deadline = time.monotonic() + timeout
    while True:
        counts = jobs_state(url, token)
        unfinished = sum(n for state, n in counts.items() if state not in ("done", "failed"))  # queued, running, embedding
        if unfinished == 0 or time.monotonic() > deadline:
            return counts
        time.sleep(1)


# --- report -----------------------------------------------------------------------------------------

def _f(v: float | None) -> str:
    return "     —" if v is None else f"{v:6.0f}"


def level_lines(level: Level) -> str:
    d = level.to_dict()
    pause = f"思考 {level.think_s:g} s" if level.think_s else "无停顿"
    lines = [f"-- {level.topology} {level.clients} 个客户端（{pause}，第 {level.run} 轮） {d['requests']} 个请求 "
             f"{d['per_s']} 次/s，错误 {d['errors']}，负载 {level.load_before} → {level.load_after} --"]
    for op in level.ops.values():
        o = op.to_dict(level.wall_s)
        target = TARGETS_S.get(op.op)
        mark = ""
        if target is not None and o["p95_ms"] is not None:
            mark = "  达标" if o["p95_ms"] <= target * 1000 else f"  超出目标（p95 ≤ {target * 1000:.0f} ms）"
        lines.append(f"   {OP_NAMES[op.op]:<10} n={o['n']:5d} {o['per_s']:6.1f}/s  p50 {_f(o['p50_ms'])} ms  "
                     f"p95 {_f(o['p95_ms'])} ms  p99 {_f(o['p99_ms'])} ms  错误 {o['errors']}{mark}")
    return "\n".join(lines)


def verdict(levels: list[Level]) -> dict[str, object]:
    """The issue's targets on the embedded default at the highest level, with reviewers' pauses
    (the first ``--think`` that is not 0)."""
    embedded = [lv for lv in levels if lv.topology == "embedded" and lv.think_s > 0]
    if not embedded:
        return {}
    top = max(lv.clients for lv in embedded)
    at_top = [lv for lv in embedded if lv.clients == top]
    p95 = {op: max((pct(lv.ops[op].samples, 0.95) or 0.0) for lv in at_top) for op in TARGETS_S}
    return {"clients": top, "think_s": at_top[0].think_s, "no_errors": all(sum(o.errors for o in lv.ops.values()) == 0 for lv in at_top),
            **{f"{op}_p95_ok": p95[op] <= TARGETS_S[op] for op in TARGETS_S}}


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description="负载测试 / load test on loopback")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32], help="concurrent clients per level")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each level")
    parser.add_argument("--topology", nargs="+", choices=["embedded", "scaleout"], default=["embedded", "scaleout"])
    parser.add_argument("--files", type=int, default=30, help="synthetic files ingested before the load")
    parser.add_argument("--think", type=float, nargs="+", default=[1.0, 0.0],
                        help="mean seconds a client pauses between requests (0: closed loop), one run per value")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for upload jobs after the load")
    parser.add_argument("--quick", action="store_true", help="1 and 8 clients, 5 s, 12 files (a try-out)")
    parser.add_argument("--mix", nargs="+", metavar="OP=WEIGHT",
                        help="change weights of the mix, e.g. upload=0 (the targets are judged on the full mix)")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.levels, args.duration, args.files, args.think = [1, 8], 5.0, 12, args.think[:1]

    from eval.run import machine
    from eval.synth import generate_corpus

    print(f"== 负载测试（回环地址；机器 {machine()}；每级 {args.duration:.0f} s × {args.repeat} 轮） ==", flush=True)
    report: dict[str, object] = {"machine": machine(), "duration_s": args.duration, "levels": [], "topologies": []}
    all_levels: list[Level] = []
    with tempfile.TemporaryDirectory(prefix="ziping-load-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        generate_corpus(corpus, n=max(args.files, 12), seed=3)
        for topology in args.topology:
            levels, extra = run_topology(topology, work, corpus, args)
            all_levels += levels
            report["topologies"].append(extra)
            print(f"   {topology}：准备 {extra['setup_s']} s（{extra['files']} 份材料入库，含向量）；"
                  f"上传 {extra['uploads_accepted']} 个，任务状态 {extra['jobs']}", flush=True)
    report["levels"] = [lv.to_dict() for lv in all_levels]
    report["mix"] = mix_of(args.mix)
    # the targets are the for the full mix: a changed one is for diagnosis, not a verdict
    report["targets"] = verdict(all_levels) if not args.mix else {}
    if args.mix:
        print(f"（已改变请求组合 {' '.join(args.mix)}：不据此判断是否达标）", flush=True)
    if report["targets"]:
        t = report["targets"]
        ok = all(v for k, v in t.items() if k.endswith("_ok") or k == "no_errors")
        print(f"目标（嵌入式默认，{t['clients']} 个客户端，思考 {t['think_s']:g} s：0 错误，列表/打开 p95 ≤ 200 ms，"
              "问答 p95 ≤ 1.5 s）："
              f"{'全部达标' if ok else '未全部达标'} {t}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
