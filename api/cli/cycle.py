"""``ziping cycle list|link|unlink``: the 绩效目标申报表 and 绩效监控表 stored beside the
self-evaluations, and the link a reviewer makes or undoes by hand (issue 19).

A form is linked when it is ingested to the one self-evaluation of the same unit + project +
year; one that matched none or several waits, unlinked, with its note (``ziping cycle list
--state unmatched``). Linking by hand re-checks the self-evaluations concerned with the new link
and is written to the audit log under ``--user``.

Examples::

    ziping cycle list --state ambiguous
    ziping cycle link 5d41402abc4b2a76 3f2a9c0d1e2b4a5c --user zhang
    ziping cycle unlink 5d41402abc4b2a76 --json

Exits 3 when the form is not stored, 2 when the link cannot be made (the target is no
self-evaluation or not stored).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from enum import StrEnum
from typing import Annotated

import typer

from api.cli.output import table_text

cycle_app = typer.Typer(help="申报表、监控表与自评表的关联 / declaration and monitoring forms and their links",
                        no_args_is_help=True, rich_markup_mode=None)
STATES = {"linked": "自动关联", "manual": "手动关联", "unmatched": "无匹配", "ambiguous": "多份匹配", "unlinked": "已取消关联"}


class LinkState(StrEnum):
    linked = "linked"
    manual = "manual"
    unmatched = "unmatched"
    ambiguous = "ambiguous"
    unlinked = "unlinked"


UserOption = Annotated[str | None, typer.Option("--user", help="操作人（默认 ZIPING_USER 或登录名） / acting user")]


def _records():
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore

    return RecordStore(get_settings().sqlalchemy_url)


@cycle_app.command("list")
def list_forms(
    state: Annotated[LinkState | None, typer.Option(help="只列某种关联状态（自动关联、手动关联、无匹配、多份匹配、已取消关联）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """列出已入库的申报表、监控表及其关联 / list the stored forms and their links."""
    from assistant.stores.cycle import CycleStore

    records = _records()
    try:
        links = CycleStore(records).forms(state=state.value if state else None)
    finally:
        records.close()
    if as_json:
        typer.echo(json.dumps([link.to_dict() for link in links], ensure_ascii=False, indent=2))
        return
    if not links:
        typer.echo("没有申报表或监控表")
        return
    typer.echo(table_text(["材料编号", "类型", "单位", "项目", "年度", "关联自评表", "状态", "说明"],
                          [[k.submission_id, k.kind_name + (f"（1-{k.months}月）" if k.months else ""), k.unit or "",
                            k.project_name or "", k.year or "", k.evaluation_id or "—", STATES.get(k.state, k.state),
                            k.note or ""] for k in links]))


def _relink(form_id: str, evaluation_id: str | None, user: str | None, as_json: bool) -> None:
    from assistant.checker.recheck import recheck
    from assistant.settings import get_settings
    from assistant.stores.cycle import CycleError, CycleStore

    actor = user or os.environ.get("ZIPING_USER") or getpass.getuser()
    records = _records()
    try:
        store = CycleStore(records)
        before = store.link(form_id)
        if before is None:
            _fail(3, f"没有编号为 {form_id} 的申报表或监控表", as_json)
        try:
            link = store.relink(form_id, evaluation_id, actor=actor)
        except CycleError as err:
            _fail(2, str(err), as_json)
        for sid in {before.evaluation_id, link.evaluation_id} - {None}:
            recheck(records, [sid], get_settings().profile)
    finally:
        records.close()
    if as_json:
        typer.echo(json.dumps(link.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{link.kind_name} {link.submission_id}：{link.note}"
                   + (f"（自评表 {link.evaluation_id}，已按新关联重新预审）" if link.evaluation_id else ""))


def _fail(code: int, message: str, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    else:
        typer.echo(f"错误：{message}", err=True)
    sys.exit(code)


@cycle_app.command("link")
def link(form_id: Annotated[str, typer.Argument(help="申报表或监控表的材料编号")],
         evaluation_id: Annotated[str, typer.Argument(help="自评表的材料编号")],
         user: UserOption = None,
         as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """把申报表或监控表关联到自评表 / link a form to a self-evaluation."""
    _relink(form_id, evaluation_id, user, as_json)


@cycle_app.command("unlink")
def unlink(form_id: Annotated[str, typer.Argument(help="申报表或监控表的材料编号")],
           user: UserOption = None,
           as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """取消申报表或监控表的关联 / unlink a form."""
    _relink(form_id, None, user, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(cycle_app, name="cycle")
