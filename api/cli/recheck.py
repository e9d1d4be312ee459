"""``ziping recheck [ID...] [--all]``: re-run the rules on stored submissions, store the findings.

Findings are stored with their submission, stamped with the version of the rules that made them
(:func:`assistant.checker.version.rules_version`). After the rules or a profile change (a new
release, a province's own YAML) ``recheck`` recomputes the stale ones from the stored records —
nothing is read again — and says, per submission, which findings appeared and which went away.
Without ids it takes every submission (of ``--year``) whose stamp differs from the current
rules; ``--all`` takes them all. The work is :mod:`assistant.checker.recheck` (the API's
re-check route calls the same service); this module only parses options and prints.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from api.cli.options import profile_help
from api.cli.output import table_text
from api.cli.progress import ProgressBar


def recheck(
    ids: Annotated[list[str] | None, typer.Argument(help="材料编号；省略则重查规则已变的材料 / submission ids (default: stale ones)")] = None,
    every: Annotated[bool, typer.Option("--all", help="重查全部已入库材料 / recheck every stored submission")] = False,
    year: Annotated[int | None, typer.Option(help="只重查该年度 / only this year")] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help=profile_help("；auto 按版式选择"))] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    queue: Annotated[bool, typer.Option("--queue", help="不在此执行，加入任务队列由 ziping worker 或服务执行 / queue a job for the workers")] = False,
) -> None:
    """按当前规则重新预审已入库材料并保存结果 / re-check stored submissions with the current rules."""
    from assistant.checker import load_profile
    from assistant.checker.recheck import recheck as recheck_stored
    from assistant.checker.recheck import targets
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore

    try:
        load_profile(profile)
    except (FileNotFoundError, ValueError) as err:
        typer.echo(f"错误 / error: 审核口径无效 / bad profile: {err}", err=True)
        sys.exit(2)
    records = RecordStore(get_settings().sqlalchemy_url)
    if queue:
        try:
            _queue_recheck(records, ids or [], every, year, profile, as_json)
        finally:
            records.close()
        return
    try:
        wanted, unknown = targets(records, profile, ids or [], every=every, year=year)
        with ProgressBar(total=len(wanted), label="重新预审", enabled=not as_json) as bar:
            results = recheck_stored(records, wanted, profile, bar.update)
    finally:
        records.close()
    if as_json:
        typer.echo(json.dumps({"rechecked": [asdict(r) for r in results], "unknown": unknown},
                              ensure_ascii=False, indent=2))
    else:
        changed = [r for r in results if r.added or r.removed]
        rows = [(r.submission_id, r.file_name, f"{r.profile} {r.version or '未标版本'}", r.before, r.after,
                 "、".join(r.added) or "—", "、".join(r.removed) or "—") for r in changed]
        if rows:
            typer.echo(table_text(("编号", "文件", "口径", "原发现", "现发现", "新增", "消除"), rows))
        typer.echo(f"已重新预审 {len(results)} 份材料，其中 {len(changed)} 份的审核发现有变化。"
                   + ("（审核发现均由当前规则生成，无需重查；--all 可强制全部重查）" if not (ids or every or results) else ""))
    for sid in unknown:
        typer.echo(f"未找到已入库材料 / no stored submission: {sid}", err=True)
    if unknown and not results:
        sys.exit(2)


def _queue_recheck(records, ids: list[str], every: bool, year: int | None, profile: str, as_json: bool) -> None:
    """Queue the re-check as a job: a worker picks the submissions (``ids``, or the stale ones, or
    all with ``every``) when it runs it."""
    from api.cli.jobs import queue_job

    unknown = [i for i in ids if records.get_summary(i) is None]
    for sid in unknown:
        typer.echo(f"未找到已入库材料 / no stored submission: {sid}", err=True)
    known = [i for i in ids if i not in unknown]
    if ids and not known:
        sys.exit(2)
    queue_job(records, "recheck", {"submission_ids": known, "every": every, "year": year, "profile": profile},
              as_json=as_json)


def register(app: typer.Typer) -> None:
    app.command("recheck")(recheck)
