"""``ziping serve [--host 127.0.0.1] [--port 8000]``: the API and the reviewer web page.

Every API route needs a bearer token, so a server without users is useless to anyone else:
on an address other than loopback the server refuses to start until ``ziping user add`` has
created one.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from assistant.settings import Settings


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def store_state(settings: Settings) -> tuple[int, int]:
    """(active users, submissions whose findings were made by other rules than today's)."""
    from api.users import UserStore
    from assistant.checker.recheck import stale_ids
    from assistant.stores.records import RecordStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = RecordStore(settings.sqlalchemy_url)
    try:
        return UserStore(records.engine).active_count(), len(stale_ids(records, settings.profile))
    finally:
        records.close()


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def run_server(settings: Settings, host: str, port: int, *, token: str | None = None) -> None:
    import uvicorn

    from api.app import create_app

    typer.echo(f"ziping 已启动 / serving on {url_for(host, port)}")
    if token:
        typer.echo(f"登录令牌 / login token: {token}")
    typer.echo("按 Ctrl+C 停止 / press Ctrl+C to stop")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", proxy_headers=False,
                server_header=False)


def serve(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
) -> None:
    """启动网页与 API / start the web page and the API."""
    from assistant.settings import get_settings

    settings = get_settings()
    users, stale = store_state(settings)
    if stale:
        typer.echo(f"提示：{stale} 份材料的审核发现由旧版规则或口径生成，请运行 ziping recheck 更新。", err=True)
    if users == 0:
        if not is_loopback(host):
            typer.echo(f"错误 / error: 尚无用户，拒绝在非本机地址 {host} 上启动。请先运行 "
                       "ziping user add 用户名 --role admin / refusing to listen on a non-loopback address "
                       "without users: run `ziping user add NAME --role admin` first", err=True)
            sys.exit(2)
        typer.echo("提示：尚无用户，网页无法登录。请运行 ziping user add 用户名 --role admin 生成令牌。", err=True)
    run_server(settings, host, port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
