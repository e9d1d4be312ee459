"""``ziping review correct|confirm|versions|diff``: corrections of read values, confirming an
uncertain read, and the versions of a resubmitted file (issue 15 items 2, 3, 5).

Registered on the ``ziping review`` group (:mod:`api.cli.review`). The work is in
:mod:`assistant.review`; this module parses options and prints. A refused action prints its
Chinese reason and exits 2 (unknown submission, bad field path or value) or 3 (stale or not
applicable), having changed nothing.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.output import table_text

if TYPE_CHECKING:
    from assistant.review.errors import ReviewError
    from assistant.stores.records import RecordStore

USER_HELP = "操作人（记入审核日志），默认为当前系统用户 / who acts (audit log)"


def _records() -> RecordStore:
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return RecordStore(settings.sqlalchemy_url)


def _refused(err: ReviewError) -> None:
    from assistant.review.errors import Conflict

    typer.echo(f"错误 / error: {err}", err=True)
    sys.exit(3 if isinstance(err, Conflict) else 2)


def correct(
    submission_id: Annotated[str, typer.Argument(help="材料编号 / submission id")],
    field_path: Annotated[str, typer.Argument(help="字段路径，如 evaluations[0].indicators[3].score；"
                                                   "…indicators[3].row_kind 标记表头行/上级行")],
    value: Annotated[str, typer.Argument(help="更正后的值，如 ≥95%、18、98.5万元、上级行")],
    user: Annotated[str | None, typer.Option("--user", "-u", help=USER_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """更正一个识别值（原值保留），随即按规则重新预审 / correct a read value and re-check."""
    from assistant.review.corrections import CorrectionRequest
    from assistant.review.corrections import correct as do_correct
    from assistant.review.errors import ReviewError
    from assistant.review.fields import display
    from assistant.settings import get_settings

    records = _records()
    try:
        done = do_correct(records, CorrectionRequest(submission_id, field_path, value, user or getpass.getuser()),
                          get_settings().profile)
    except ReviewError as err:
        _refused(err)
        return
    finally:
        records.close()
    c = done.correction
    if as_json:
        typer.echo(json.dumps({"correction": {"id": c.id, "field_path": c.field_path, "typed": c.typed,
                                              "parsed": c.parsed, "original": c.original, "actor": c.actor},
                               "findings_added": done.added, "findings_resolved": done.removed,
                               "findings": len(done.findings)}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"已更正 {c.field_path}：{display(c.original)} → {display(c.parsed)}（{c.actor}）")
    typer.echo(f"已重新预审：现有审核发现 {len(done.findings)} 条；新增 {'、'.join(done.added) or '无'}；"
               f"消除 {'、'.join(done.removed) or '无'}。")


def confirm(
    submission_id: Annotated[str, typer.Argument(help="材料编号 / submission id")],
    user: Annotated[str | None, typer.Option("--user", "-u", help=USER_HELP)] = None,
) -> None:
    """核对原件后确认待核实的识别结果（待核实 → 已识别） / confirm an uncertain read."""
    from assistant.review.errors import ReviewError
    from assistant.stores.corrections import CorrectionStore

    records = _records()
    try:
        state = CorrectionStore(records).confirm(submission_id, user or getpass.getuser())
    except ReviewError as err:
        _refused(err)
        return
    finally:
        records.close()
    typer.echo(f"已确认材料 {submission_id} 的识别结果：待核实 → 已识别（{state.confirmed_by}）")


def versions(
    submission_id: Annotated[str, typer.Argument(help="材料编号 / submission id")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """列出一份材料的各重报版本 / list the versions of a resubmitted file."""
    from assistant.review.certainty import CERTAINTY_TERMS
    from assistant.stores.versions import VersionStore

    records = _records()
    try:
        known = records.get_summary(submission_id) is not None
        series = VersionStore(records).series(submission_id)
    finally:
        records.close()
    if not known:
        typer.echo(f"错误 / error: 没有编号为“{submission_id}”的材料", err=True)
        sys.exit(2)
    if as_json:
        typer.echo(json.dumps([{"submission_id": v.submission_id, "number": v.number, "previous_id": v.previous_id,
                                "linked_by": v.linked_by, "file_name": v.file_name,
                                "stored_at": v.stored_at.isoformat(), "state": v.state, "certainty": v.certainty}
                               for v in series], ensure_ascii=False, indent=2))
        return
    if not series:
        typer.echo("这份材料没有其他版本。")
        return
    typer.echo(table_text(("版本", "编号", "文件", "入库时间", "识别"),
                          [(f"第{v.number}版", v.submission_id, v.file_name or "—", f"{v.stored_at:%Y-%m-%d %H:%M}",
                            CERTAINTY_TERMS.get(v.certainty or "", "—")) for v in series]))


def diff(
    submission_id: Annotated[str, typer.Argument(help="材料编号（新版本） / submission id (newer version)")],
    against: Annotated[str | None, typer.Option("--against", help="与哪份材料比较，默认为上一版本 / compare with")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """比较两个版本：改动的字段与单元格、审核发现的消除/新增/仍存在 / diff two versions."""
    from assistant.review.errors import ReviewError
    from assistant.review.versions import diff_versions

    records = _records()
    try:
        d = diff_versions(records, submission_id, against)
    except ReviewError as err:
        _refused(err)
        return
    finally:
        records.close()

    def brief(fs: list) -> list[dict[str, str | None]]:
        return [{"id": f.id, "rule": f.rule, "severity": f.severity, "field": f.location.field, "message": f.message,
                 "decision": f.decision} for f in fs]

    if as_json:
        typer.echo(json.dumps({"old_id": d.old_id, "new_id": d.new_id,
                               "changes": [{"field_path": c.field_path, "old": c.old, "new": c.new} for c in d.changes],
                               "resolved": brief(d.resolved), "new": brief(d.new),
                               "still_present": brief(d.still_present)}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"比较 {d.old_id}（旧）→ {d.new_id}（新）")
    if d.changes:
        typer.echo(table_text(("字段", "旧", "新"), [(c.field_path, c.old if c.old is not None else "（无）",
                                                      c.new if c.new is not None else "（无）") for c in d.changes]))
    else:
        typer.echo("填报内容没有改动。")
    for title, fs in (("已消除", d.resolved), ("新出现", d.new), ("仍存在", d.still_present)):
        typer.echo(f"{title}的审核发现 {len(fs)} 条" + ("：" + "；".join(f"{f.rule} {f.message}" for f in fs[:20])
                                                       if fs else ""))


def register_commands(group: typer.Typer) -> None:
    """Add these commands to the ``ziping review`` group."""
    group.command("correct")(correct)
    group.command("confirm")(confirm)
    group.command("versions")(versions)
    group.command("diff")(diff)
