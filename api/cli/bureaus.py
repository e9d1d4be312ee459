"""``ziping bureau add|list``: the bureaus (财政局 / 评价机构) whose data one installation keeps apart.

An installation starts with one, ``default`` (本机构); every user and every stored file belongs to
a bureau (``ziping user add NAME --bureau CODE``, ``ziping ingest … --bureau CODE``), and a
reviewer sees only their own bureau's data.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.output import table_text

if TYPE_CHECKING:
    from assistant.stores.bureaus import BureauStore
    from assistant.stores.records import RecordStore

bureau_app = typer.Typer(help="管理机构（财政局、评价机构）：各机构的材料互不可见 / manage bureaus",
                         no_args_is_help=True, rich_markup_mode=None)


def _store() -> tuple[RecordStore, BureauStore]:
    from assistant.settings import get_settings
    from assistant.stores.bureaus import BureauStore
    from assistant.stores.records import RecordStore

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = RecordStore(settings.sqlalchemy_url)
    return records, BureauStore(records.engine)


@bureau_app.command("add")
def add(
    code: Annotated[str, typer.Argument(help="机构代码：小写字母、数字、- 或 _，如 hz-czj / a short code")],
    name: Annotated[str, typer.Argument(help="机构名称，如 杭州市财政局 / the bureau's name")],
) -> None:
    """新增机构 / add a bureau."""
    from assistant.stores.bureaus import BureauError

    records, bureaus = _store()
    try:
        bureau = bureaus.add(code, name)
    except BureauError as err:
        typer.echo(f"错误 / error: {err}", err=True)
        sys.exit(2)
    finally:
        records.close()
    typer.echo(f"已添加机构 {bureau.code}（{bureau.name}）。用 ziping user add 用户名 --bureau {bureau.code} 添加其用户。")


@bureau_app.command("list")
def list_bureaus(as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """列出机构 / list bureaus."""
    records, bureaus = _store()
    try:
        rows = bureaus.list()
    finally:
        records.close()
    if as_json:
        typer.echo(json.dumps([{"code": b.code, "name": b.name, "created_at": b.created_at.isoformat()} for b in rows],
                              ensure_ascii=False, indent=2))
        return
    typer.echo(table_text(("代码", "名称", "创建时间"), [(b.code, b.name, f"{b.created_at:%Y-%m-%d %H:%M}") for b in rows]))


def register(app: typer.Typer) -> None:
    app.add_typer(bureau_app, name="bureau")
