"""``ziping ingest`` and ``ziping embed``: store files (records, full text, vectors)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.output import table_text
from api.cli.progress import ProgressBar

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

_STATUS = {"ok": "成功", "needs_review": "待人工核对", "failed": "失败", "skipped": "已跳过"}


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="文件、文件夹或 .zip 压缩包")],
    year: Annotated[int | None, typer.Option(help="文件未注明年度时使用 / year when the file has none")] = None,
    unit: Annotated[str | None, typer.Option(help="文件未注明单位时使用 / unit when the file has none")] = None,
    force: Annotated[bool, typer.Option("--force", help="重新入库已存在的文件 / re-ingest stored files")] = False,
    defer_vectors: Annotated[bool, typer.Option("--defer-vectors", help="稍后用 ziping embed 生成向量")] = False,
    profile: Annotated[str, typer.Option(help="审核口径（auto 按版式选择） / rules profile")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    bureau: Annotated[str, typer.Option("--bureau", "-b", help="材料所属机构代码（ziping bureau list） / the files' bureau")]
    = "default",
) -> None:
    """读取、识别、预审并入库 / read, recognise, check and store files.

    退出码：0 = 至少一个文件已入库（或内容相同已跳过），部分失败时在最后一行说明失败几个；
    1 = 一个文件也没有入库（全部失败，或没有找到任何文件）。
    """
    from assistant.glossary import KIND_TERMS
    from assistant.settings import get_settings
    from assistant.stores import open_stores
    from assistant.stores.bureaus import BureauError, BureauStore
    from ingest.pipeline import IngestOptions, ingest_paths

    settings = get_settings()
    stores = open_stores(settings)
    try:
        BureauStore(stores.records.engine).require(bureau)
    except BureauError as err:
        stores.close()
        typer.echo(f"错误 / error: {err}", err=True)
        raise typer.Exit(2) from err
    options = IngestOptions(year=year, unit=unit, force=force, defer_vectors=defer_vectors, profile=profile,
                            max_bytes=settings.max_upload_mb * 2**20,
                            max_archive_bytes=settings.max_archive_mb * 2**20, bureau=bureau)
    with ProgressBar(total=1, label="入库", enabled=not as_json) as bar:
        report = ingest_paths(paths, stores, options,
                              progress=lambda stage, name, done, total: bar.update(done, total, Path(name).name))
    stores.close()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        _exit_status(report, as_json=True)
        return
    rows = [(f.name, _STATUS[f.status], KIND_TERMS.get(f.kind or "", "—"), f.evaluations, f.findings,
             f.reason or "") for f in report.files]
    typer.echo(table_text(("文件", "结果", "类型", "自评表", "审核发现", "说明"), rows))
    counts = report.to_dict()["counts"]
    typer.echo(f"\n成功 {counts['ok']}，待人工核对 {counts['needs_review']}，失败 {counts['failed']}，"
               f"已跳过 {counts['skipped']}；向量 {report.embedded} 条"
               + ("（已推迟，请运行 ziping embed）" if defer_vectors else ""))
    if report.vectors_error:
        typer.echo(f"注意：向量未能全部生成，文件已入库，其片段等待向量：{report.vectors_error}；"
                   "向量库恢复后运行 ziping embed 或重新运行本命令", err=True)
    _exit_status(report, as_json=False)


def _exit_status(report: IngestReport, *, as_json: bool) -> None:
    """Exit 1 when nothing was stored (see ``ingest --help``); say so, and name partial failures."""
    failed, total = report.count("failed"), len(report.files)
    if total and failed < total:
        if failed:
            typer.echo(f"注意：{total} 个文件中有 {failed} 个失败，其余已入库，失败原因见上表", err=as_json)
        return
    if total == 0:
        typer.echo("入库失败：没有找到任何文件 / nothing to ingest", err=True)
    else:
        typer.echo(f"入库失败：全部 {total} 个文件都未能入库 / every file failed", err=True)
    raise typer.Exit(1)


def embed(
    queue: Annotated[bool, typer.Option("--queue", help="不在此执行，加入任务队列由 ziping worker 或服务执行 / queue a job for the workers")] = False,
) -> None:
    """为尚未向量化的片段生成向量 / embed chunks not yet in the vector store."""
    from assistant.settings import get_settings
    from assistant.stores import VectorStoreUnavailable, open_stores

    if queue:
        from api.cli.jobs import queue_job
        from assistant.stores.records import RecordStore

        records = RecordStore(get_settings().sqlalchemy_url)
        try:
            queue_job(records, "embed", {"submission_ids": None})
        finally:
            records.close()
        return

    stores = open_stores(get_settings())
    pending = len(stores.records.chunks_pending_embedding())
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done = n
        bar.update(n, pending)

    try:
        with ProgressBar(total=pending, label="生成向量") as bar:
            stores.sync_vectors(progress=advance)
    except VectorStoreUnavailable as err:
        typer.echo(f"已生成向量 {done} 条，其余 {pending - done} 条未生成：{err}", err=True)
        raise typer.Exit(1) from None
    finally:
        stores.close()
    typer.echo(f"已生成向量 {done} 条")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("embed")(embed)
