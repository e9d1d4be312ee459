"""``ziping demo``: a synthetic corpus, ingested and checked with vectors, an admin token, the page.

This is what ``make run`` calls. It is idempotent: the corpus is generated once under
``<data dir>/demo-corpus``, files already stored are skipped, and each run prints a fresh admin
token (the previous demo token is revoked). The corpus comes from ``eval.synth``, imported
lazily (the product does not depend on ``eval``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.serve import is_loopback, run_server, url_for

if TYPE_CHECKING:
    from assistant.settings import Settings

DEMO_USER = "demo-admin"


def build_demo(settings: Settings, n: int, seed: int, *, echo=typer.echo) -> tuple[str, dict[str, int]]:
    """Generate (once) and ingest the demo corpus, embed it, and return (admin token, counts)."""
    from api.users import UserStore
    from assistant.stores import open_stores
    from ingest.pipeline import IngestOptions, ingest_paths

    corpus = settings.data_dir / "demo-corpus"
    existing = [p for p in corpus.glob("*") if not p.name.endswith(".labels.json")] if corpus.exists() else []
    if not existing:
        from api.cli.synth import corpus_generator

        generate_corpus = corpus_generator()

        echo(f"生成演示材料 {n} 份 / generating {n} synthetic submissions → {corpus}")
        generate_corpus(corpus, n=n, seed=seed)
    stores = open_stores(settings)
    try:
        started = time.perf_counter()

        def progress(stage: str, name: str, done: int, total: int) -> None:
            if stage in ("indexed", "failed"):
                echo(f"  [{done}/{total}] {'失败' if stage == 'failed' else '已入库'} {Path(name).name}")

        options = IngestOptions(profile=settings.profile, defer_vectors=True,
                                max_bytes=settings.max_upload_mb * 2**20,
                                max_archive_bytes=settings.max_archive_mb * 2**20)
        echo("读取、识别、预审 / reading, recognising, checking …")
        report = ingest_paths([corpus], stores, options, progress=progress)
        pending = len(stores.records.chunks_pending_embedding())
        if pending:
            echo(f"建立向量索引 {pending} 段（约 {max(1, pending // 5)} 秒） / embedding {pending} chunks …")
            stores.sync_vectors(progress=lambda k: echo(f"  已向量化 {k}/{pending}") if k % 128 == 0 else None)
        counts = {s: report.count(s) for s in ("ok", "needs_review", "failed", "skipped")}
        echo(f"完成 / done in {time.perf_counter() - started:.0f} s：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        users = UserStore(stores.records.engine)
        users.revoke(DEMO_USER)
        _, token = users.add(DEMO_USER, "admin")
    finally:
        stores.close()
    return token, counts


def demo(
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="数据目录（默认 ZIPING_DATA_DIR 或 data）")] = None,
    n: Annotated[int, typer.Option("--n", min=1, max=500, help="演示材料份数 / number of synthetic files")] = 24,
    seed: Annotated[int, typer.Option(help="随机种子 / corpus seed")] = 1,
    host: Annotated[str, typer.Option(help="监听地址 / address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="完成后启动网页 / start the page afterwards")] = True,
) -> None:
    """生成演示数据、入库预审、创建管理员令牌并启动网页 / demo data, an admin token and the page."""
    from assistant.settings import get_settings

    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    if serve and not is_loopback(host):
        typer.echo("错误 / error: 演示模式只在本机地址上启动 / the demo only listens on loopback", err=True)
        sys.exit(2)
    token, _ = build_demo(settings, n, seed)
    typer.echo("")
    typer.echo(f"网页 / page: {url_for(host, port)}")
    typer.echo(f"管理员令牌 / admin token: {token}")
    if serve:
        run_server(settings, host, port)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
