"""``ziping review list|decide|set|assign|log`` (issue 15 item 9) on real SQLite and PostgreSQL:
every command acts as ``--user`` (or ``ZIPING_USER``) with the role ``ziping user add`` gave them,
prints Chinese or stable JSON, and a refused action prints its Chinese reason, changes nothing
and exits with its own code (2 invalid, 3 not found, 4 conflict, 5 assigned to someone else)."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.model import Finding, Location
from assistant.settings import get_settings
from assistant.stores.review import ReviewStore
from assistant.stores.users import UserStore
from tests.support.samples import make_submission


@pytest.fixture
def cli(records, tmp_path, monkeypatch):
    """The records store the CLI will open (through ``ZIPING_DATABASE_URL``), two reviewers and an
    admin with names unique to the test, and a submission with two 错误 findings and one 警告."""
    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ZIPING_DATABASE_URL", records.engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("ZIPING_USER", raising=False)
    get_settings.cache_clear()
    run = uuid.uuid4().hex[:6]
    names = {"admin": f"admin{run}", "zhang": f"zhang{run}", "li": f"li{run}"}
    users = UserStore(records.engine)
    for key, name in names.items():
        users.add(name, "admin" if key == "admin" else "reviewer")
    sid = uuid.uuid4().hex[:16]
    records.save_submission(make_submission(sid, unit=f"单位{run}"), findings=[
        Finding(rule="CALC-IND-001", severity="error", message=f"第{n + 1}项得分超过分值", id=f"{sid}-e{n}",
                location=Location(table=0, row=9 + n, col=6, field=f"evaluations[0].indicators[{n}].score"),
                evidence=f"得分 {20 + n}") for n in range(2)] + [
        Finding(rule="WEAK-STR-001", severity="warning", message="指标值使用模糊用语", id=f"{sid}-w0",
                location=Location(table=0, row=12, col=3, field="evaluations[0].indicators[0].target"),
                evidence="较好")])
    yield names, sid, ReviewStore(records)
    get_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(app, ["review", *args])


def test_decide_with_json_and_the_log(cli):
    names, sid, review = cli
    r = run("decide", f"{sid}-e0", "--as", "false_positive", "--reason", "表头误读", "--user", names["zhang"], "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["decision"], out["decision_text"], out["decided_by"], out["version"]) == (
        "false_positive", "误报", names["zhang"], 2)
    r = run("decide", f"{sid}-e1", "--as", "confirmed", "--comment", "请单位更正", "--user", names["zhang"])
    assert r.exit_code == 0 and "标为“确认”" in r.stdout
    r = run("log", sid, "--json")
    log = json.loads(r.stdout)["events"]
    assert [(e["actor"], e["summary"], e["reason"]) for e in log] == [
        (names["zhang"], "审核决定：待定 → 误报", "表头误读"), (names["zhang"], "审核决定：待定 → 确认", None)]
    r = run("log", sid)
    assert r.exit_code == 0 and "审核决定：待定 → 误报" in r.stdout and names["zhang"] in r.stdout
    rows = list(csv.reader(io.StringIO(run("log", sid, "--csv").stdout)))
    assert rows[0][:3] == ["编号", "时间", "操作人"] and len(rows) == 3


def test_the_user_comes_from_the_environment(cli, monkeypatch):
    names, sid, review = cli
    monkeypatch.setenv("ZIPING_USER", names["li"])
    assert run("decide", f"{sid}-w0", "--as", "fixed").exit_code == 0
    assert review.finding(f"{sid}-w0").decided_by == names["li"]


def test_refused_decisions_exit_non_zero_and_change_nothing(cli):
    names, sid, review = cli
    r = run("decide", f"{sid}-e0", "--as", "false_positive", "--user", names["zhang"])
    assert r.exit_code == 2 and "须填写理由" in r.stderr
    r = run("decide", "no-such-finding", "--as", "confirmed", "--user", names["zhang"], "--json")
    assert r.exit_code == 3 and json.loads(r.stdout)["error"]["code"] == "not_found"
    assert run("decide", f"{sid}-e0", "--as", "confirmed", "--version", "1", "--user", names["zhang"]).exit_code == 0
    r = run("decide", f"{sid}-e0", "--as", "fixed", "--version", "1", "--user", names["li"])
    assert r.exit_code == 4 and "请刷新后重试" in r.stderr
    r = run("decide", f"{sid}-e0", "--as", "maybe", "--user", names["li"])
    assert r.exit_code == 2 and "confirmed" in r.output
    assert review.finding(f"{sid}-e0").decision == "confirmed" and len(review.events(sid)) == 1


def test_set_walks_the_graph_and_refuses_the_rest(cli):
    names, sid, review = cli
    me = ("--user", names["zhang"])
    r = run("set", sid, "--state", "approved", *me)
    assert r.exit_code == 4 and "不能从“待审”改为“通过”" in r.stderr
    assert run("set", sid, "--state", "in_review", *me).stdout.strip() == f"材料 {sid}：待审 → 审核中。"
    r = run("set", sid, "--state", "approved", *me)
    assert r.exit_code == 2 and "仍有2条错误类审核发现待定" in r.stderr
    r = run("set", sid, "--state", "returned", *me)
    assert r.exit_code == 2 and "须填写理由" in r.stderr
    r = run("set", sid, "--state", "returned", "--reason", "请补充佐证", *me, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["state"] == "returned"
    for state in ("resubmitted", "in_review"):
        assert run("set", sid, "--state", state, *me).exit_code == 0
    r = run("set", sid, "--state", "approved_with_changes", "--reason", "均已电话核实", *me, "--json")
    assert json.loads(r.stdout) == {"submission_id": sid, "state": "approved_with_changes", "state_text": "修改后通过",
                                    "assignee": None, "due_date": None, "version": 6}
    r = run("set", sid, "--state", "done", *me)
    assert r.exit_code == 2  # not a state: typer's choice check
    r = run("set", "nope", "--state", "in_review", *me)
    assert r.exit_code == 3 and "没有编号为“nope”的材料" in r.stderr
    assert [e.after["state"] for e in review.events(sid, kind="transition")] == [
        "in_review", "returned", "resubmitted", "in_review", "approved_with_changes"]


def test_assign_roles_and_list(cli):
    names, sid, review = cli
    r = run("assign", sid, names["li"], "--due", "2030-04-30", "--user", names["admin"], "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["assignee"] == names["li"] and json.loads(r.stdout)["due_date"] == "2030-04-30"
    r = run("set", sid, "--state", "in_review", "--user", names["zhang"])
    assert r.exit_code == 5 and f"已分派给“{names['li']}”" in r.stderr
    r = run("assign", sid, names["zhang"], "--user", names["zhang"])
    assert r.exit_code == 5
    r = run("assign", sid, "nobody", "--user", names["admin"])
    assert r.exit_code == 2 and "在用审核人员" in r.stderr
    r = run("assign", sid, names["zhang"], "--due", "下周", "--user", names["admin"])
    assert r.exit_code == 2 and "不是有效日期" in r.stderr
    assert run("set", sid, "--state", "in_review", "--user", names["li"]).exit_code == 0
    r = run("list", "--assignee", names["li"], "--json")
    items = json.loads(r.stdout)["items"]
    assert [(i["id"], i["state"], i["state_text"], i["due_date"]) for i in items] == [
        (sid, "in_review", "审核中", "2030-04-30")]
    assert items[0]["decisions"] == {"open": 3, "confirmed": 0, "false_positive": 0, "fixed": 0}
    assert items[0]["counts"] == {"error": 2, "warning": 1, "info": 0}
    r = run("list", "--state", "in_review", "--assignee", names["li"])
    assert r.exit_code == 0 and sid in r.stdout and "审核中" in r.stdout
    assert "没有符合条件的材料" in run("list", "--state", "returned", "--assignee", names["li"]).stdout
    assert [i["id"] for i in json.loads(run("list", "--queue", "mine", "--user", names["li"], "--json").stdout)[
        "items"]] == [sid]
    r = run("assign", sid, "-", "--user", names["admin"])  # unassign
    assert r.exit_code == 0 and review.review(sid).assignee is None
    assert [e.kind for e in review.events(sid)] == ["assignment", "transition", "assignment"]


def test_log_of_an_unknown_submission(cli):
    r = run("log", "nope")
    assert r.exit_code == 3 and "没有编号为“nope”的材料" in r.stderr


def test_batch(cli, records):
    names, sid, review = cli
    other = uuid.uuid4().hex[:16]
    records.save_submission(make_submission(other, unit=f"单位{other[:6]}"), findings=[
        Finding(rule="CALC-IND-001", severity="error", message="第1项得分超过分值", id=f"{other}-e0",
                location=Location(table=0, row=9, col=6, field="evaluations[0].indicators[0].score"), evidence="得分 20")])
    me = ("--user", names["zhang"])
    r = run("batch", sid, other, "--rule", "CALC-IND-001", "--as", "false_positive", *me)
    assert r.exit_code == 2 and "须填写理由" in r.stderr
    r = run("batch", sid, other, "--rule", "CALC-IND-001", "--as", "false_positive", "--reason", "表头误读", *me, "--json")
    assert r.exit_code == 0, r.output
    assert [(i["submission_id"], i["changed"]) for i in json.loads(r.stdout)["items"]] == [(sid, 2), (other, 1)]
    run("assign", other, names["li"], "--user", names["admin"])
    r = run("batch", sid, other, "--state", "in_review", *me)
    assert r.exit_code == 1 and "已办理 1 份，未办理 1 份" in r.stdout and "已分派给" in r.stdout
    assert (review.review(sid).state, review.review(other).state) == ("in_review", "pending")
    r = run("batch", other, "--state", "in_review", *me)
    assert r.exit_code == 4
    r = run("batch", sid, "--state", "in_review", "--assign", names["li"], *me)
    assert r.exit_code == 2 and "只指定一种" in r.stderr
    r = run("batch", sid, other, "--assign", names["zhang"], "--due", "2030-01-31", "--user", names["admin"])
    assert r.exit_code == 0 and {review.review(s).assignee for s in (sid, other)} == {names["zhang"]}
