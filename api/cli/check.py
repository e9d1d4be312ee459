"""``ziping check PATH_OR_ID...``: pre-screen files or stored submissions, storing nothing.

Each argument is resolved to submissions by the first resolver that knows it: a path is taken
the way ``ziping ingest`` takes it (:func:`ingest.collect.collect_inputs`: a file, every file
under a folder, every member of a .zip) and each file read with :func:`ingest.extract.extract_file`;
anything else is looked up as a stored submission id (``ziping recheck`` is the command that
stores new findings). An input that cannot be read is reported with its reason and the others are
still checked; the exit code is 2 only when nothing could be read (or the options are wrong).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.options import profile_help
from api.cli.output import table_text

if TYPE_CHECKING:
    from assistant.checker.export import CheckedFile
    from assistant.checker.profiles import Profile
    from ingest.collect import InputFile, Rejected


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"
    markdown = "markdown"


class MinSeverity(StrEnum):
    info = "info"
    warning = "warning"
    error = "error"


Resolver = Callable[[str], "Iterator[CheckedFile] | None"]


def resolve_file(ref: str) -> Iterator[CheckedFile] | None:
    """A path: one file, every file under a folder, every member of a zip (as ``ingest`` takes
    them). None when ``ref`` is no path."""
    path = Path(ref)
    return _read_path(path) if path.exists() else None


def _read_path(path: Path) -> Iterator[CheckedFile]:
    from assistant.settings import get_settings
    from ingest.collect import collect_inputs
    from ingest.scratch import scratch_dir, scratch_root

    settings = get_settings()
    # zip members are unpacked here and read before the folder goes away; a folder a killed
    # check leaves behind is swept by the next ingest or server start (ingest/scratch.py)
    with scratch_dir(scratch_root(settings.data_dir)) as tmp:
        for item in collect_inputs([path], Path(tmp), max_archive_bytes=settings.max_archive_mb * 2**20):
            yield _read(item, max_bytes=settings.max_upload_mb * 2**20)


def _read(item: InputFile | Rejected, *, max_bytes: int) -> CheckedFile:
    from assistant.checker.export import CheckedFile
    from ingest.collect import Rejected
    from ingest.errors import IngestError
    from ingest.extract import extract_file

    if isinstance(item, Rejected):
        return CheckedFile(source=item.name, error=str(item.error))
    try:
        return CheckedFile(source=item.name,
                           submission=extract_file(item.path, name=Path(item.name).name, max_bytes=max_bytes))
    except IngestError as err:
        return CheckedFile(source=item.name, error=str(err))


def resolve_stored(ref: str) -> Iterator[CheckedFile] | None:
    """A stored submission id. None when no such submission is stored."""
    from assistant.checker.export import CheckedFile
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore

    settings = get_settings()
    if settings.database_url is None and not (settings.data_dir / "ziping.db").exists():
        return None  # nothing stored yet: do not create an empty database as a side effect
    records = RecordStore(settings.sqlalchemy_url)
    try:
        sub = records.get_submission(ref)
    finally:
        records.close()
    return None if sub is None else iter([CheckedFile(source=ref, submission=sub)])


# Tried in order: a path that exists wins over an id that happens to look the same.
RESOLVERS: list[Resolver] = [resolve_file, resolve_stored]


def resolve(refs: list[str]) -> list[CheckedFile]:
    from assistant.checker.export import CheckedFile

    out: list[CheckedFile] = []
    for ref in refs:
        found = next((r for r in (resolver(ref) for resolver in RESOLVERS) if r is not None), None)
        out.extend(found if found is not None else [CheckedFile(
            source=ref, error="既不是文件，也不是已入库材料的编号 / neither a file nor a stored submission id")])
    return out


def run_checks(items: list[CheckedFile], profile: Profile | str, min_severity: str) -> list[CheckedFile]:
    from assistant.checker import check_submissions, filter_severity

    readable = [i for i in items if i.submission is not None]
    results = check_submissions([i.submission for i in readable], profile=profile)  # type: ignore[misc]
    for item, findings in zip(readable, results, strict=True):
        item.findings = filter_severity(findings, min_severity)
    return items


def render_table(items: list[CheckedFile]) -> str:
    from assistant.checker.export import SEVERITIES, occurrence_lines, table_rows, title_line
    from assistant.glossary import SEVERITY_TERMS

    blocks = []
    for item in items:
        lines = [("■ " if item.submission else "✗ ") + title_line(item)]
        if item.submission is not None:
            if item.submission.status_reason:
                lines.append(f"  说明：{item.submission.status_reason}")
            for sev in SEVERITIES:
                rows = table_rows(item, sev)
                if rows:
                    lines += [f"【{SEVERITY_TERMS[sev]}】{len(rows)} 项",
                              table_text(("规则", "项目", "位置", "问题说明", "修改建议"), rows, max_width=80)]
                    lines += occurrence_lines(item, sev)
            if not item.findings:
                lines.append("  未发现问题。")
        blocks.append("\n".join(lines))
    totals = {s: sum(i.counts()[s] for i in items) for s in SEVERITIES}
    failed = sum(1 for i in items if i.submission is None)
    blocks.append(f"共检查 {len(items)} 个文件" + (f"（{failed} 个无法读取）" if failed else "") + "："
                  + "，".join(f"{SEVERITY_TERMS[s]} {totals[s]}" for s in SEVERITIES))
    return "\n\n".join(blocks)


def check(
    paths: Annotated[list[str], typer.Argument(help="自评表/报告文件、文件夹或已入库材料编号 / files, folders or stored submission ids")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="输出格式 / output format")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入文件（xlsx 必填） / write to this file")] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help=profile_help("；auto 按版式选择"))] = "auto",
    min_severity: Annotated[MinSeverity, typer.Option("--min-severity", help="最低严重程度 / lowest severity shown")] = MinSeverity.info,
) -> None:
    """按规则库预审自评材料或已入库材料（不保存结果） / pre-screen files or stored submissions."""
    from assistant.checker import load_profile
    from assistant.checker.export import to_json, to_markdown, to_xlsx

    try:
        load_profile(profile)  # validate early: a bad name is a usage error
    except (FileNotFoundError, ValueError) as err:
        _usage(f"审核口径无效 / bad profile: {err}")
    if fmt is Format.xlsx and out is None:
        _usage("xlsx 格式需要 --out 指定输出文件 / --format xlsx needs --out FILE")
    items = run_checks(resolve(paths), profile, min_severity.value)
    if fmt is Format.xlsx:
        assert out is not None
        out.write_bytes(to_xlsx(items))
        typer.echo(f"已写入 {out}（{sum(len(i.findings) for i in items)} 项审核发现）")
    else:
        text = {Format.table: render_table, Format.markdown: to_markdown,
                Format.json: lambda it: json.dumps(to_json(it), ensure_ascii=False, indent=2)}[fmt](items)
        if out is not None:
            out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            typer.echo(f"已写入 {out}")
        else:
            typer.echo(text)
    for item in items:
        if item.submission is None:
            typer.echo(f"无法读取 / could not read: {item.source}：{item.error}", err=True)
    if items and all(i.submission is None for i in items):
        sys.exit(2)


def _usage(message: str) -> None:
    typer.echo(f"错误 / error: {message}", err=True)
    sys.exit(2)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
