"""``ziping review list|decide|set|assign|log|batch``: the review season from the command line.

Thin shells over :class:`assistant.stores.review.ReviewStore`, acting as ``--user`` (default: the
``ZIPING_USER`` environment variable, else the login name). The user's role is the one
``ziping user add`` gave them: an admin acts on every submission, anyone else on those assigned
to them or to no one. Every change is written to the audit log under that name.

A refused action prints the Chinese reason and exits non-zero: 2 an incomplete or malformed
request (a reason missing, an unknown state), 3 no such finding or submission, 4 a conflict (a move
the state graph does not allow, a stale version), 5 assigned to someone else. ``--json`` prints
stable JSON for scripts (an error as ``{"error": {"code", "message"}}``).

Examples::

    ziping review list --state in_review --assignee zhang
    ziping review list --queue mine --json
    ziping review decide 3f2a9c0d1e2b4a5c:F2 --as false_positive --reason "合并单元格表头被读作指标行"
    ziping review set 3f2a9c0d1e2b4a5c --state returned --reason "指标值未量化，请修改后重报"
    ziping review assign 3f2a9c0d1e2b4a5c zhang --due 2027-04-30
    ziping review log 3f2a9c0d1e2b4a5c --json
    ziping review batch 3f2a9c0d1e2b4a5c 9e8d7c6b5a4f3e2d --rule WEAK-STR-001 --as false_positive --reason "模板示例文字"

``review batch`` acts on each submission on its own and exits 0 when all were done, 1 when some
were refused, 4 when none was done.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from api.cli import review_correct
from api.cli.output import table_text

if TYPE_CHECKING:
    from assistant.review.roles import Actor
    from assistant.stores.records import RecordStore
    from assistant.stores.review import ReviewStore

review_app = typer.Typer(help="审核流程：审核发现的决定、材料的审核状态与分派、审核日志、更正识别值、确认识别结果、"
                              "重报版本比较 / the review workflow",
                         no_args_is_help=True, rich_markup_mode=None)

USER_ENV = "ZIPING_USER"
EXIT_CODES = {"invalid": 2, "not_found": 3, "conflict": 4, "forbidden": 5}


class DecisionChoice(StrEnum):
    open = "open"
    confirmed = "confirmed"
    false_positive = "false_positive"
    fixed = "fixed"


class StateChoice(StrEnum):
    pending = "pending"
    in_review = "in_review"
    approved = "approved"
    approved_with_changes = "approved_with_changes"
    returned = "returned"
    resubmitted = "resubmitted"


class QueueChoice(StrEnum):
    mine = "mine"
    unassigned = "unassigned"
    overdue = "overdue"
    returned = "returned"


def _default_user() -> str:
    return os.environ.get(USER_ENV) or getpass.getuser()


UserOption = Annotated[str | None, typer.Option(
    "--user", "-u", help=f"操作人（默认取环境变量 {USER_ENV}，否则为当前登录名） / who acts")]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出 / print JSON")]


def _open() -> tuple[RecordStore, ReviewStore]:
    from assistant.settings import get_settings
    from assistant.stores.records import RecordStore
    from assistant.stores.review import ReviewStore

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = RecordStore(settings.sqlalchemy_url)
    return records, ReviewStore(records)


def _actor(records: RecordStore, name: str | None) -> Actor:
    """The acting user with the role ``ziping user add`` gave them (none: a reviewer's rights)."""
    from api.users import UserStore
    from assistant.review.roles import Actor

    name = (name or _default_user()).strip()
    user = UserStore(records.engine).get(name)
    return Actor(name, admin=bool(user and user.active and user.is_admin))


def _refuse(err: Exception, as_json: bool) -> NoReturn:
    from assistant.review.errors import Conflict, Forbidden, NotFound

    code = ("not_found" if isinstance(err, NotFound) else "forbidden" if isinstance(err, Forbidden)
            else "conflict" if isinstance(err, Conflict) else "invalid")
    if as_json:
        typer.echo(json.dumps({"error": {"code": code, "message": str(err)}}, ensure_ascii=False))
    else:
        typer.echo(f"错误 / error: {err}", err=True)
    sys.exit(EXIT_CODES[code])


def _run(as_json: bool, act: Any) -> Any:
    """Open the store, run ``act(records, review)``, turn a refused action into its exit code."""
    from assistant.review.errors import ReviewError

    records, review = _open()
    try:
        return act(records, review)
    except ReviewError as err:
        _refuse(err, as_json)
    finally:
        records.close()


def _review_json(r: Any) -> dict[str, Any]:
    from assistant.review.states import graph

    return {"submission_id": r.submission_id, "state": r.state, "state_text": graph().term(r.state),
            "assignee": r.assignee, "due_date": r.due_date.isoformat() if r.due_date else None, "version": r.version}


@review_app.command("list")
def list_submissions(
    state: Annotated[StateChoice | None, typer.Option("--state", "-s", help="审核状态 / review state")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", "-a", help="审核人 / reviewer")] = None,
    queue_name: Annotated[QueueChoice | None, typer.Option(
        "--queue", "-q", help="队列：mine 我的待办 / unassigned 未分派 / overdue 已逾期 / returned 退回待重报")] = None,
    limit: Annotated[int, typer.Option(min=1, max=5000, help="最多列出几份 / at most")] = 200,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出材料及其审核状态、审核人、期限与审核发现（按决定计数） / list submissions with their review state."""
    from assistant.review.queues import queue
    from assistant.review.states import graph
    from assistant.stores.browse import SubmissionQuery, submission_page

    def act(records, _review):
        kwargs: dict[str, Any] = {}
        if queue_name is not None:
            f = queue(queue_name.value, (user or _default_user()).strip(), date.today())
            kwargs = {"states": f.states, "assignee": f.assignee, "unassigned": f.unassigned,
                      "due_before": f.due_before}
        if state is not None:
            kwargs["states"] = (state.value,)
        if assignee:
            kwargs["assignee"] = assignee
        return submission_page(records, SubmissionQuery(**kwargs, sort="-updated"), offset=0, limit=limit)

    total, rows = _run(as_json, act)
    g = graph()
    if as_json:
        typer.echo(json.dumps({"total": total, "items": [{
            "id": r.id, "file_name": r.file_name, "unit": r.unit, "year": r.year, "state": r.state,
            "state_text": g.term(r.state), "assignee": r.assignee,
            "due_date": r.due_date.isoformat() if r.due_date else None, "version": r.review_version,
            "certainty": r.certainty, "counts": {"error": r.errors, "warning": r.warnings, "info": r.infos},
            "decisions": {"open": r.open, "confirmed": r.confirmed, "false_positive": r.false_positive,
                          "fixed": r.fixed}} for r in rows]}, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("没有符合条件的材料。")
        return
    typer.echo(table_text(
        ["编号", "文件", "单位", "状态", "审核人", "期限", "错误", "待定", "误报"],
        [[r.id, r.file_name or "", r.unit or "", g.term(r.state), r.assignee or "—",
          r.due_date.isoformat() if r.due_date else "—", r.errors, r.open, r.false_positive] for r in rows],
        max_width=30))
    if total > len(rows):
        typer.echo(f"（共 {total} 份，只列出前 {len(rows)} 份；用 --limit 列出更多）")


@review_app.command("decide")
def decide(
    finding_id: Annotated[str, typer.Argument(help="审核发现编号 / finding id")],
    decision: Annotated[DecisionChoice, typer.Option(
        "--as", help="confirmed 确认 / false_positive 误报（须填理由） / fixed 已整改 / open 改回待定")],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="理由（误报必填） / reason")] = None,
    comment: Annotated[str | None, typer.Option("--comment", "-c", help="审核备注 / comment")] = None,
    version: Annotated[int | None, typer.Option(help="所见的版本；已被他人修改则拒绝 / expected version")] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """对一条审核发现作出决定 / decide a finding."""
    from assistant.glossary import DECISION_TERMS
    from assistant.review.decisions import DecisionRequest

    def act(records, review):
        actor = _actor(records, user)
        return review.decide(DecisionRequest(finding_id, decision.value, actor.name, reason, comment, version),
                             admin=actor.admin)

    f = _run(as_json, act)
    if as_json:
        typer.echo(json.dumps({"id": f.id, "submission_id": f.submission_id, "rule": f.rule, "decision": f.decision,
                               "decision_text": DECISION_TERMS[f.decision], "reason": f.decision_reason,
                               "comment": f.decision_comment, "decided_by": f.decided_by, "decided_at": f.decided_at,
                               "version": f.version}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"已将审核发现 {f.id}（{f.rule}）标为“{DECISION_TERMS[f.decision]}”（{f.decided_by}，第{f.version}版）。")


@review_app.command("set")
def set_state(
    submission_id: Annotated[str, typer.Argument(help="材料编号 / submission id")],
    state: Annotated[StateChoice, typer.Option("--state", "-s", help="目标状态 / target state")],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="理由 / reason")] = None,
    version: Annotated[int | None, typer.Option(help="所见的版本 / expected version")] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """变更材料的审核状态（只允许状态图中的变更） / move a submission to another review state."""
    from assistant.review.states import graph

    def act(records, review):
        before = review.review(submission_id)
        after = review.transition(submission_id, state.value, _actor(records, user), reason=reason,
                                  expected_version=version)
        return before, after

    before, after = _run(as_json, act)
    if as_json:
        typer.echo(json.dumps(_review_json(after), ensure_ascii=False, indent=2))
        return
    g = graph()
    typer.echo(f"材料 {submission_id}：{g.term(before.state)} → {g.term(after.state)}。")


@review_app.command("assign")
def assign(
    submission_id: Annotated[str, typer.Argument(help="材料编号 / submission id")],
    assignee: Annotated[str, typer.Argument(help="审核人用户名；写 - 取消分派 / reviewer, or - for no one")],
    due: Annotated[str | None, typer.Option("--due", help="办结期限 YYYY-MM-DD / due date")] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """把材料分派给审核人，可设办结期限 / assign a submission to a reviewer."""
    from assistant.review.errors import Invalid

    try:
        due_date = date.fromisoformat(due) if due else None
    except ValueError:
        _refuse(Invalid(f"期限“{due}”不是有效日期，请写成 YYYY-MM-DD"), as_json)

    def act(records, review):
        return review.assign(submission_id, None if assignee == "-" else assignee, _actor(records, user),
                             due_date=due_date)

    after = _run(as_json, act)
    if as_json:
        typer.echo(json.dumps(_review_json(after), ensure_ascii=False, indent=2))
        return
    who = after.assignee or "（无人）"
    typer.echo(f"材料 {submission_id} 已分派给 {who}" + (f"，期限 {after.due_date}" if after.due_date else "") + "。")


@review_app.command("log")
def log(
    submission_id: Annotated[str, typer.Argument(help="材料编号 / submission id")],
    csv_out: Annotated[bool, typer.Option("--csv", help="以 CSV 输出 / print CSV")] = False,
    as_json: JsonOption = False,
) -> None:
    """材料的审核日志：谁在何时做了什么、由什么改为什么、理由 / the audit log of a submission."""
    from assistant.glossary import EVENT_TERMS
    from assistant.review.errors import NotFound
    from assistant.review.events import describe, to_csv

    def act(records, review):
        events = review.events(submission_id)
        if not events and records.get_summary(submission_id) is None:
            raise NotFound(f"没有编号为“{submission_id}”的材料")
        return events

    events = _run(as_json, act)
    if csv_out:
        typer.echo(to_csv(events).lstrip("\ufeff"), nl=False)
    elif as_json:
        typer.echo(json.dumps({"submission_id": submission_id, "events": [
            {"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "kind": e.kind,
             "kind_text": EVENT_TERMS.get(e.kind, e.kind), "finding_id": e.finding_id, "before": e.before,
             "after": e.after, "reason": e.reason, "summary": describe(e)} for e in events]},
            ensure_ascii=False, indent=2))
    elif not events:
        typer.echo("这份材料还没有审核记录。")
    else:
        typer.echo(table_text(["时间", "操作人", "变更", "理由", "审核发现"],
                              [[f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, describe(e), e.reason or "", e.finding_id or ""]
                               for e in events], max_width=40))


@review_app.command("batch")
def batch(
    submission_ids: Annotated[list[str], typer.Argument(help="材料编号（可多个） / submission ids")],
    state: Annotated[StateChoice | None, typer.Option("--state", "-s", help="批量改为该状态 / set this state")] = None,
    assign_to: Annotated[str | None, typer.Option("--assign", help="批量分派给该审核人（- 为取消） / assign")] = None,
    due: Annotated[str | None, typer.Option("--due", help="与 --assign 一起：办结期限 YYYY-MM-DD")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="与 --as 一起：对该规则的全部审核发现作出同一决定")] = None,
    decision: Annotated[DecisionChoice | None, typer.Option("--as", help="与 --rule 一起：审核决定")] = None,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="理由 / reason")] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """批量办理：改状态、分派，或对同一规则批量决定；逐份办理，互不影响 / batch actions over submissions."""
    from assistant.review.errors import Invalid

    chosen = [name for name, on in (("--state", state is not None), ("--assign", assign_to is not None),
                                     ("--rule/--as", rule is not None or decision is not None)) if on]
    if len(chosen) != 1:
        _refuse(Invalid("请指定且只指定一种批量操作：--state、--assign 或 --rule 与 --as"), as_json)
    if (rule is None) != (decision is None):
        _refuse(Invalid("批量决定须同时指定 --rule 与 --as"), as_json)
    try:
        due_date = date.fromisoformat(due) if due else None
    except ValueError:
        _refuse(Invalid(f"期限“{due}”不是有效日期，请写成 YYYY-MM-DD"), as_json)

    def act(records, review):
        actor = _actor(records, user)
        if state is not None:
            return review.batch_transition(submission_ids, state.value, actor, reason=reason)
        if assign_to is not None:
            return review.batch_assign(submission_ids, None if assign_to == "-" else assign_to, actor,
                                       due_date=due_date)
        return review.batch_decide(submission_ids, rule, decision.value, actor, reason=reason)

    outcomes = _run(as_json, act)
    done = sum(1 for o in outcomes if o.ok)
    if as_json:
        typer.echo(json.dumps({"done": done, "refused": len(outcomes) - done, "items": [
            {"submission_id": o.submission_id, "ok": o.ok, "message": o.message, "changed": o.changed}
            for o in outcomes]}, ensure_ascii=False, indent=2))
    else:
        for o in outcomes:
            note = (f"改了 {o.changed} 条审核发现" if rule else "已办理") if o.ok else f"未办理：{o.message}"
            typer.echo(f"{o.submission_id}  {note}")
        typer.echo(f"共 {len(outcomes)} 份：已办理 {done} 份，未办理 {len(outcomes) - done} 份。")
    if done < len(outcomes):
        sys.exit(EXIT_CODES["conflict"] if done == 0 else 1)


# corrections, confirming an uncertain read, versions and diff live in their own module
review_correct.register_commands(review_app)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
