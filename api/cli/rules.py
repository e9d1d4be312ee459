"""``ziping rules``: list the rules catalog (``--markdown`` regenerates ``docs/rules.md``; with
``--profile P`` it documents that pack instead: ``docs/packs/<P>.md``)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from api.cli.options import profile_help
from api.cli.output import table_text


def rules(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="输出 Markdown 文档（docs/rules.md） / print the Markdown docs")] = False,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help=profile_help())] = None,
) -> None:
    """列出审核规则 / list the checker rules."""
    from assistant.checker.catalog import catalog, catalog_markdown, severity_text
    from assistant.checker.packs import pack_entries, pack_markdown
    from assistant.checker.profiles import load_profile

    try:
        prof = load_profile(profile or "national")
    except (FileNotFoundError, ValueError) as err:
        typer.echo(f"错误 / error: 审核口径无效 / bad profile: {err}", err=True)
        sys.exit(2)
    if as_json and markdown:
        typer.echo("错误 / error: --json 与 --markdown 只能选一个 / choose one of --json, --markdown", err=True)
        sys.exit(2)
    if markdown:  # the whole catalog (docs/rules.md), or the pack named with --profile
        typer.echo(pack_markdown(prof) if profile else catalog_markdown(prof), nl=False)
        return
    data = catalog(prof)
    if as_json:
        data["profile_version"] = prof.version or None
        data["profiles"] = pack_entries()  # the bundled packs, with their versions and 依据
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = [(r["code"], r["title"], severity_text(r["severity"]), r["tag"], "是" if r["semantic"] else "")
            for r in data["rules"]]
    typer.echo(f"审核口径：{prof.title}（{prof.name} {prof.version or '未标版本'}）　共 {len(rows)} 条规则")
    typer.echo(table_text(("规则", "名称", "严重程度", "依据", "语义"), rows))
    typer.echo("\n未实现：" + "；".join(f"{n['code']}（{n['reason']}）" for n in data["not_implemented"]))


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)
