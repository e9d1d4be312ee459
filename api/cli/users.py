"""``ziping user add|list|revoke``: API users and their bearer tokens (printed once, stored hashed)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.output import table_text

if TYPE_CHECKING:
    from api.users import UserStore
    from assistant.stores.records import RecordStore

user_app = typer.Typer(help="管理网页与 API 的用户和访问令牌 / manage API users and tokens",
                       no_args_is_help=True, rich_markup_mode=None)


class RoleChoice(StrEnum):
    reviewer = "reviewer"
    admin = "admin"


def _store() -> tuple[RecordStore, UserStore]:
    from api.users import UserStore
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = RecordStore(settings.sqlalchemy_url)
    return records, UserStore(records.engine)


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[RoleChoice, typer.Option("--role", "-r", help="reviewer 审核人员 | admin 管理员")] = RoleChoice.reviewer,
    bureau: Annotated[str, typer.Option("--bureau", "-b", help="所属机构代码（ziping bureau list）；审核人员只能看到本机构的材料 "
                                                          "/ the user's bureau")] = "default",
) -> None:
    """新增用户并打印其访问令牌（只显示这一次） / add a user and print the token once."""
    from api.users import ROLE_TERMS, UserError

    records, users = _store()
    try:
        user, token = users.add(name, role.value, bureau=bureau)
    except UserError as err:
        typer.echo(f"错误 / error: {err}", err=True)
        sys.exit(2)
    finally:
        records.close()
    typer.echo(f"已添加{ROLE_TERMS[user.role]} {user.name}（机构 {user.bureau}）。访问令牌（只显示这一次，请妥善保存）：",
               err=True)
    typer.echo(token)


@user_app.command("list")
def list_users(as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """列出用户 / list users."""
    from api.users import ROLE_TERMS

    records, users = _store()
    try:
        rows = users.list()
    finally:
        records.close()
    if as_json:
        typer.echo(json.dumps([{"name": u.name, "role": u.role, "bureau": u.bureau, "active": u.active,
                                "created_at": u.created_at.isoformat(),
                                "revoked_at": u.revoked_at.isoformat() if u.revoked_at else None} for u in rows],
                              ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("还没有用户。用 ziping user add 用户名 --role admin 添加。")
        return
    typer.echo(table_text(("用户", "角色", "机构", "状态", "创建时间"),
                          [(u.name, ROLE_TERMS.get(u.role, u.role), u.bureau, "有效" if u.active else "已吊销",
                            f"{u.created_at:%Y-%m-%d %H:%M}") for u in rows]))


@user_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="用户名 / user name")]) -> None:
    """吊销用户的访问令牌 / revoke a user's token."""
    records, users = _store()
    try:
        done = users.revoke(name)
    finally:
        records.close()
    if not done:
        typer.echo(f"错误 / error: 没有这个有效用户 / no active user {name!r}", err=True)
        sys.exit(2)
    typer.echo(f"已吊销 {name} 的令牌 / revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
