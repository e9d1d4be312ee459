"""``ziping serve [--host 127.0.0.1] [--port 8000] [--workers N]``: the API and the reviewer web page.

Every API route needs a bearer token, so a server without users is useless to anyone else:
on an address other than loopback the server refuses to start until ``ziping user add`` has
created one.
"""

from __future__ import annotations

import ipaddress
import os
import signal
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


def default_workers(settings: Settings) -> int:
    """Serving processes: 2 on the embedded default with its Chroma child when the machine has two
    cores or more (one interpreter serves ~25 requests/s on one core: ~37 ms of CPU each), else 1."""
    if settings.chroma_url or not settings.embedded_chroma_server:
        return 1
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def run_server(settings: Settings, host: str, port: int, *, token: str | None = None, workers: int = 1) -> None:
    """Serve until Ctrl+C. On the embedded default a Chroma server child runs on the data directory
    first and every serving process talks to it (see :mod:`assistant.stores.chroma_server`)."""
    import uvicorn

    from assistant.stores.chroma_server import ChromaServerError, serving

    def run() -> None:
        typer.echo(f"ziping 已启动 / serving on {url_for(host, port)}" + (f"（{workers} 个服务进程）" if workers > 1 else ""))
        if token:
            typer.echo(f"登录令牌 / login token: {token}")
        typer.echo("按 Ctrl+C 停止 / press Ctrl+C to stop")
        # an import string: uvicorn starts ``workers`` processes that each build the app from the environment
        uvicorn.run("api.app:serve_app", factory=True, workers=workers, host=host, port=port, log_level="warning",
                    proxy_headers=False, server_header=False)

    from api.app import SERVE_PARENT_ENV

    # the serving processes read their settings from the environment
    os.environ["ZIPING_DATA_DIR"] = str(settings.data_dir.resolve())
    os.environ[SERVE_PARENT_ENV] = str(os.getpid())
    if settings.chroma_url or not settings.embedded_chroma_server:
        run()
        return
    # uvicorn ends a SIGTERM'd server by raising the signal again once it has shut down: with the
    # default action that would kill this process before the block below stops the Chroma child
    previous = signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        with serving(settings) as url:
            os.environ["ZIPING_CHROMA_URL"] = url
            try:
                run()
            finally:
                os.environ.pop("ZIPING_CHROMA_URL", None)
    except ChromaServerError as err:
        typer.echo(f"错误 / error: {err}", err=True)
        sys.exit(2)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_cleanly(_sig: int, _frame: object) -> None:
    raise SystemExit(0)


def serve(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
    workers: Annotated[int | None, typer.Option(
        min=1, help="服务进程数（默认：本机向量库时两核及以上为 2，否则 1） / serving processes "
        "(default: 2 on the embedded default with 2+ cores, else 1)")] = None,
) -> None:
    """启动网页与 API / start the web page and the API."""
    from assistant.settings import get_settings

    settings = get_settings()
    if workers is None:
        workers = default_workers(settings)
    elif workers > 1 and not settings.chroma_url and not settings.embedded_chroma_server:
        typer.echo("错误 / error: 进程内向量库（ZIPING_EMBEDDED_CHROMA_SERVER=false）只能由一个服务进程打开，"
                   "请去掉 --workers / an in-process Chroma allows one serving process only", err=True)
        sys.exit(2)
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
    run_server(settings, host, port, workers=workers)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
