"""``ziping extract FILE``: show what was recognised in one file, without storing anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.output import fail, table_text


def extract(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="自评表或报告文件")],
    as_json: Annotated[bool, typer.Option("--json", help="输出规范 JSON / print the canonical JSON")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="列出每个字段取自哪个单元格 / show the cell behind each field")] = False,
) -> None:
    """识别单个文件（不入库） / recognise one file without storing it."""
    from assistant.glossary import KIND_TERMS, STATUS_TERMS
    from ingest.errors import IngestError
    from ingest.extract import extract_file
    from ingest.provenance import field_sources

    try:
        sub = extract_file(file)
    except IngestError as err:
        fail(err)
    if as_json:
        typer.echo(json.dumps(sub.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"文件：{sub.file.name}（{sub.file.format}，{sub.file.pages or '—'}页{'，扫描件' if sub.file.scanned else ''}）")
    typer.echo(f"类型：{KIND_TERMS[sub.kind]}　状态：{STATUS_TERMS[sub.status]}"
               + (f"（{sub.status_reason}）" if sub.status_reason else ""))
    typer.echo(f"单位：{sub.unit or '—'}　年度：{sub.year or '—'}")
    for i, ev in enumerate(sub.evaluations):
        typer.echo(f"\n[{i + 1}] {ev.project_name or '（无项目名称）'}：指标 {len(ev.indicators)} 项，"
                   f"总分 {ev.total_score if ev.total_score is not None else '—'}，等级 {ev.grade or '—'}")
    for s in sub.sections:
        typer.echo(f"  {'  ' * max(s.level - 1, 0)}{' > '.join(s.path[-1:]) or '（正文）'}（{len(s.text)}字）")
    if debug:
        rows = [(f.path, f.location.describe(), f.value) for f in field_sources(sub)]
        typer.echo("\n" + table_text(("字段", "位置", "读取值"), rows))


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
