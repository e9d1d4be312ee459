"""``ziping doctor``: check that the records, full text and vectors agree (and repair them)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ingest.doctor import DoctorReport


def doctor(
    repair: Annotated[bool, typer.Option("--repair", help="修复发现的问题并报告做了什么 / repair the drift found")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """检查记录库、全文索引、向量库和数据目录是否一致 / find drift between the stores.

    找出只在一个库中存在的材料或片段、没有向量的片段、没有片段的向量、缺失的全文索引、
    遗留的临时文件夹；--repair 重建缺失的全文索引和向量、删除多余的部分和遗留文件夹。
    退出码：0 = 一致（或已全部修复）；1 = 有不一致（修复后仍有）。
    """
    from assistant.settings import get_settings
    from assistant.stores import open_stores
    from ingest.doctor import diagnose
    from ingest.doctor import repair as repair_drift

    settings = get_settings()
    stores = open_stores(settings)
    try:
        report = diagnose(stores)
        if repair and report.drift:
            repair_drift(stores, report)
    finally:
        stores.close()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(_text(report, str(settings.data_dir), repair))
    if not report.clean:
        raise typer.Exit(1)


def _text(report: DoctorReport, data_dir: str, repaired: bool) -> str:
    t = report.totals
    lines = [f"数据目录 {data_dir}：材料 {t.submissions} 份，片段 {t.chunks} 个，全文索引 {t.fulltext} 个，"
             f"向量 {t.vectors} 个"]
    if report.busy:
        lines.append("注意：有进程正在使用数据目录（入库或服务运行中），其中途状态也会被列出：")
        lines += [f"  · {path}" for path in report.busy]
    if report.vectors_error:
        lines.append(f"向量库无法读取，未能与它比对：{report.vectors_error}")
    if not report.drift:
        if not report.vectors_error:
            lines.append("记录库、全文索引和向量库一致，没有发现问题。")
        return "\n".join(lines)
    lines.append(f"发现 {len(report.drift)} 处不一致：")
    lines += [f"  - {item.message}" for item in report.drift]
    if not repaired:
        lines.append("运行 ziping doctor --repair 修复。")
        return "\n".join(lines)
    lines.append("已修复：")
    lines += [f"  {'✓' if r.done else '✗'} {r.message}" for r in report.repaired]
    if report.remaining:
        lines.append(f"修复后仍有 {len(report.remaining)} 处不一致：")
        lines += [f"  - {item.message}" for item in report.remaining]
    else:
        lines.append("修复后复查：三个库一致。")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
