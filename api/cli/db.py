"""``ziping db upgrade|status``: the records database's schema migrations.

A store upgrades its database when it opens, so ``upgrade`` is for doing it ahead of time (say
before starting several API workers) and for seeing what it did; ``status`` changes nothing.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

db_app = typer.Typer(help="数据库结构迁移 / database schema migrations", no_args_is_help=True,
                     rich_markup_mode=None)

_STATES = {"fresh": "新建", "legacy": "迁移机制之前创建（已接管）", "versioned": "已受迁移管理"}


@db_app.command("upgrade")
def upgrade(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """把数据目录的数据库升级到最新结构 / upgrade the database to the newest schema."""
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = RecordStore(settings.sqlalchemy_url)
    report = records.migration
    records.close()
    assert report is not None
    if as_json:
        typer.echo(json.dumps({"state": report.state, "before": report.before, "after": report.after,
                               "applied": list(report.applied)}, ensure_ascii=False, indent=2))
        return
    if not report.applied:
        typer.echo(f"数据库已是最新结构（{report.after}），无需升级。")
        return
    typer.echo(f"数据库：{_STATES[report.state]}；{report.before or '无版本'} → {report.after}")
    typer.echo("执行的迁移：" + "、".join(report.applied))


@db_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """查看数据库结构版本，不做修改 / show the schema revision without changing anything."""
    from assistant.settings import get_settings
    from assistant.stores.migrate import status as schema_status
    from assistant.stores.records import RecordStore

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = RecordStore(settings.sqlalchemy_url, migrate=False)
    try:
        found = schema_status(records.engine)
    finally:
        records.close()
    if as_json:
        typer.echo(json.dumps({"state": found.state, "current": found.current, "head": found.head,
                               "differences": list(found.differences), "up_to_date": found.up_to_date},
                              ensure_ascii=False, indent=2))
    else:
        typer.echo(f"数据库：{_STATES[found.state]}；当前版本 {found.current or '无'}，最新版本 {found.head}")
        if found.differences:
            typer.echo(f"与代码中的表结构有 {len(found.differences)} 处不同（运行 ziping db upgrade）：")
            for d in found.differences:
                typer.echo(f"  {d}")
        elif found.up_to_date:
            typer.echo("表结构与代码一致。")
    if not found.up_to_date:
        sys.exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
