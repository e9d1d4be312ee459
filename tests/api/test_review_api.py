"""The review season over HTTP (issue 15 items 1, 4, 6, 7, 9), on the real app with SQLite and, in
the postgres lane, PostgreSQL: decisions on findings (404 / 409 stale / 422 missing reason, each in
Chinese and changing nothing), every transition of the state graph and the refused ones (409),
approving over 待定 errors, assignment and roles (403), batches, the queues, the list and detail
carrying state, reviewer, due date and counts by decision, and the audit log as JSON and CSV that
no route can change."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.model import Finding, Location
from assistant.settings import Settings
from tests.support.samples import make_submission

ERROR_KEYS = {"code", "message", "message_en"}


@dataclass
class Site:
    client: TestClient
    app: object
    admin: dict[str, str]
    zhang: dict[str, str]
    li: dict[str, str]
    names: dict[str, str]  # role → the user name (unique per run: the PostgreSQL database is shared)

    def store(self, *, errors: int = 1, warnings: int = 1) -> str:
        """A stored submission with ``errors`` 错误 findings of one rule and ``warnings`` 警告 ones."""
        sid = uuid.uuid4().hex[:16]
        found = [Finding(rule="CALC-IND-001", severity="error", message=f"第{n + 1}项得分超过分值", id=f"{sid}-e{n}",
                         location=Location(table=0, row=9 + n, col=6, field=f"evaluations[0].indicators[{n}].score"),
                         evidence=f"得分 {20 + n}") for n in range(errors)]
        found += [Finding(rule="WEAK-STR-001", severity="warning", message="指标值使用模糊用语", id=f"{sid}-w{n}",
                          location=Location(table=0, row=12 + n, col=3, field=f"evaluations[0].indicators[{n}].target"),
                          evidence="较好") for n in range(warnings)]
        self.app.state.stores.records.save_submission(make_submission(sid, unit=f"单位{sid[:6]}"), findings=found)
        return sid


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request, tmp_path_factory) -> Site:
    data_dir = tmp_path_factory.mktemp("review-api")
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    app = create_app(Settings(data_dir=data_dir, database_url=url), ApiSettings(start_worker=False))
    run = uuid.uuid4().hex[:6]
    names = {"admin": f"admin{run}", "zhang": f"zhang{run}", "li": f"li{run}"}
    with TestClient(app) as client:
        tokens = {key: app.state.users.add(name, "admin" if key == "admin" else "reviewer")[1]
                  for key, name in names.items()}
        yield Site(client, app, _auth(tokens["admin"]), _auth(tokens["zhang"]), _auth(tokens["li"]), names)


def assert_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) >= ERROR_KEYS, body
    assert body["error"]["code"] == code
    message = body["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), "message must be Chinese"
    return message


def decide(site: Site, fid: str, headers=None, **body):
    return site.client.post(f"/api/v1/findings/{fid}/decision", json=body, headers=headers or site.zhang)


def set_state(site: Site, sid: str, state: str, headers=None, **body):
    return site.client.post(f"/api/v1/submissions/{sid}/state", json={"state": state, **body},
                            headers=headers or site.zhang)


def summary(site: Site, sid: str) -> dict:
    r = site.client.get(f"/api/v1/submissions/{sid}", headers=site.zhang)
    assert r.status_code == 200, r.text
    return r.json()


def events(site: Site, sid: str) -> list[dict]:
    r = site.client.get(f"/api/v1/submissions/{sid}/events", headers=site.zhang)
    assert r.status_code == 200, r.text
    return r.json()["events"]


# --- decisions -----------------------------------------------------------------------------------

def test_each_decision_is_stored_counted_and_logged(site):
    sid = site.store(errors=2, warnings=1)
    r = decide(site, f"{sid}-e0", decision="false_positive", reason="合并单元格表头误读为指标行", version=1)
    assert r.status_code == 200, r.text
    f = r.json()
    assert (f["decision"], f["decision_text"], f["decided_by"], f["version"]) == (
        "false_positive", "误报", site.names["zhang"], 2)
    for fid, decision in ((f"{sid}-e1", "confirmed"), (f"{sid}-w0", "fixed")):
        assert decide(site, fid, decision=decision, comment="已与单位核实").json()["decision"] == decision
    s = summary(site, sid)["summary"]
    assert s["counts"] == {"error": 1, "warning": 1, "info": 0}  # the 误报 left the counts
    assert s["decisions"] == {"open": 0, "confirmed": 1, "false_positive": 1, "fixed": 1}
    assert (s["certainty"], s["certainty_text"], s["state"], s["assignee"]) == ("recognised", "已识别", "pending", None)
    listed = site.client.get("/api/v1/submissions", params={"unit": f"单位{sid[:6]}"}, headers=site.zhang).json()
    assert [(r["id"], r["decisions"], r["counts"]) for r in listed["items"]] == [(sid, s["decisions"], s["counts"])]
    assert decide(site, f"{sid}-w0", decision="open").json()["decision"] == "open"  # back to 待定
    log = events(site, sid)
    assert [e["summary"] for e in log] == ["审核决定：待定 → 误报", "审核决定：待定 → 确认", "审核决定：待定 → 已整改",
                                           "审核决定：已整改 → 待定"]
    assert {e["actor"] for e in log} == {site.names["zhang"]}
    assert log[0]["reason"] == "合并单元格表头误读为指标行" and log[0]["finding_id"] == f"{sid}-e0"


def test_the_detail_lists_every_decision_and_the_findings_list_filters_by_it(site):
    sid = site.store(errors=2, warnings=0)
    decide(site, f"{sid}-e0", decision="false_positive", reason="误读")
    detail = summary(site, sid)
    assert {f["id"]: f["decision"] for f in detail["findings"]} == {f"{sid}-e0": "false_positive", f"{sid}-e1": "open"}
    listed = site.client.get("/api/v1/findings", params={"submission_id": sid}, headers=site.zhang).json()
    assert [f["id"] for f in listed["items"]] == [f"{sid}-e1"]  # 误报 left out by default
    for decision, expected in (("false_positive", [f"{sid}-e0"]), ("open", [f"{sid}-e1"]), ("confirmed", [])):
        listed = site.client.get("/api/v1/findings", params={"submission_id": sid, "decision": decision},
                                 headers=site.zhang).json()
        assert [f["id"] for f in listed["items"]] == expected
    listed = site.client.get("/api/v1/findings", params={"submission_id": sid, "with_false_positives": True},
                             headers=site.zhang).json()
    assert listed["total"] == 2
    r = site.client.get("/api/v1/findings", params={"decision": "maybe"}, headers=site.zhang)
    assert_error(r, 422, "invalid_request")


def test_refused_decisions_say_why_in_chinese_and_change_nothing(site):
    sid = site.store(errors=1, warnings=0)
    fid = f"{sid}-e0"
    assert "没有编号为" in assert_error(decide(site, "no-such-finding", decision="confirmed"), 404, "not_found")
    assert "须填写理由" in assert_error(decide(site, fid, decision="false_positive", reason=" "), 422,
                                        "invalid_review_action")
    assert_error(decide(site, fid, decision="maybe"), 422, "invalid_request")
    assert decide(site, fid, decision="confirmed", version=1).status_code == 200
    stale = assert_error(decide(site, fid, decision="fixed", version=1, headers=site.li), 409, "conflict")
    assert "请刷新后重试" in stale and site.names["zhang"] in stale
    found = summary(site, sid)["findings"][0]
    assert (found["decision"], found["version"]) == ("confirmed", 2)
    assert len(events(site, sid)) == 1


# --- states --------------------------------------------------------------------------------------

def test_every_allowed_transition_and_its_event(site):
    sid = site.store(errors=0, warnings=1)
    detail = summary(site, sid)
    assert detail["summary"]["state"] == "pending" and detail["summary"]["state_text"] == "待审"
    assert [m["to"] for m in detail["moves"]] == ["in_review"]
    path = [("in_review", None), ("pending", None), ("in_review", None), ("returned", "请补充佐证材料"),
            ("resubmitted", None), ("in_review", None), ("approved_with_changes", None), ("in_review", "复核时发现漏项"),
            ("approved", None), ("in_review", "重新打开")]
    version = 1
    for state, reason in path:
        r = set_state(site, sid, state, reason=reason, version=version)
        assert r.status_code == 200, (state, r.text)
        body = r.json()
        assert body["state"] == state and body["version"] == version + 1
        version = body["version"]
    assert [e["after"]["state"] for e in events(site, sid)] == [s for s, _ in path]
    assert events(site, sid)[3]["summary"] == "状态变更：审核中 → 退回重报"
    assert summary(site, sid)["summary"]["review_version"] == version


@pytest.mark.parametrize("before,target", [
    ([], "approved"), ([], "approved_with_changes"), ([], "returned"), ([], "resubmitted"), ([], "pending"),
    (["in_review"], "resubmitted"), (["in_review"], "in_review"),
    (["in_review", "returned"], "approved"), (["in_review", "returned"], "in_review"),
    (["in_review", "returned"], "pending"), (["in_review", "approved"], "returned"),
    (["in_review", "approved"], "approved_with_changes"),
])
def test_every_move_off_the_graph_is_a_409_in_chinese(site, before, target):
    sid = site.store(errors=0, warnings=0)
    for state in before:
        assert set_state(site, sid, state, reason="理由").status_code == 200
    message = assert_error(set_state(site, sid, target, reason="理由"), 409, "conflict")
    assert "不能从" in message or "已处于" in message
    assert summary(site, sid)["summary"]["state"] == (before[-1] if before else "pending")
    assert len(events(site, sid)) == len(before)


def test_approving_over_open_errors_needs_a_reason(site):
    sid = site.store(errors=2, warnings=0)
    set_state(site, sid, "in_review")
    message = assert_error(set_state(site, sid, "approved"), 422, "invalid_review_action")
    assert "仍有2条错误类审核发现待定" in message
    assert summary(site, sid)["summary"]["state"] == "in_review"
    r = set_state(site, sid, "approved", reason="两项均为计算口径差异，不影响结论")
    assert r.status_code == 200 and r.json()["state"] == "approved"


def test_bad_state_requests(site):
    sid = site.store()
    assert_error(set_state(site, sid, "done"), 422, "invalid_request")
    assert_error(set_state(site, "nope", "in_review"), 404, "not_found")
    set_state(site, sid, "in_review", version=1)
    assert "已被他人修改" in assert_error(set_state(site, sid, "pending", version=1), 409, "conflict")
    assert "须填写理由" in assert_error(set_state(site, sid, "returned"), 422, "invalid_review_action")


# --- assignment, roles, batches, queues -------------------------------------------------------------

def test_assignment_and_roles(site):
    sid = site.store(errors=1, warnings=0)
    due = (date.today() + timedelta(days=10)).isoformat()
    r = site.client.post(f"/api/v1/submissions/{sid}/assign", json={"assignee": site.names["li"], "due_date": due},
                         headers=site.admin)
    assert r.status_code == 200, r.text
    assert (r.json()["assignee"], r.json()["due_date"]) == (site.names["li"], due)
    s = summary(site, sid)["summary"]
    assert (s["assignee"], s["due_date"]) == (site.names["li"], due)
    # a reviewer acts only on their own or unassigned submissions
    assert "已分派给" in assert_error(set_state(site, sid, "in_review"), 403, "forbidden")
    assert_error(decide(site, f"{sid}-e0", decision="confirmed"), 403, "forbidden")
    assert_error(site.client.post(f"/api/v1/submissions/{sid}/assign", json={"assignee": site.names["zhang"]},
                                  headers=site.zhang), 403, "forbidden")
    assert set_state(site, sid, "in_review", headers=site.li).status_code == 200
    assert decide(site, f"{sid}-e0", decision="confirmed", headers=site.li).status_code == 200
    # an unknown assignee is refused
    assert "在用审核人员" in assert_error(site.client.post(
        f"/api/v1/submissions/{sid}/assign", json={"assignee": "nobody"}, headers=site.admin), 422,
        "invalid_review_action")
    log = events(site, sid)
    assert log[0]["kind"] == "assignment" and log[0]["actor"] == site.names["admin"]
    assert log[0]["summary"] == f"分派审核人：（无） → {site.names['li']}（期限 {due}）"


def test_batch_actions(site):
    a, b, c = site.store(errors=2), site.store(errors=1), site.store(errors=1)
    site.client.post(f"/api/v1/submissions/{c}/assign", json={"assignee": site.names["li"]}, headers=site.admin)
    r = site.client.post("/api/v1/review/batch", headers=site.zhang, json={
        "submission_ids": [a, b, c], "action": "assign", "assignee": site.names["zhang"], "due_date": "2030-01-31"})
    assert r.status_code == 200, r.text
    assert (r.json()["done"], r.json()["refused"]) == (2, 1)
    assert [i["ok"] for i in r.json()["items"]] == [True, True, False] and "已分派给" in r.json()["items"][2]["message"]
    r = site.client.post("/api/v1/review/batch", headers=site.zhang, json={
        "submission_ids": [a, b], "action": "decide", "rule": "CALC-IND-001", "decision": "false_positive",
        "reason": "模板合并单元格误读"})
    assert [i["changed"] for i in r.json()["items"]] == [2, 1]
    assert summary(site, a)["summary"]["counts"]["error"] == 0
    r = site.client.post("/api/v1/review/batch", headers=site.zhang, json={
        "submission_ids": [a, b], "action": "state", "state": "in_review"})
    assert [i["state"] for i in r.json()["items"]] == ["in_review", "in_review"]
    assert "须填写理由" in assert_error(site.client.post("/api/v1/review/batch", headers=site.zhang, json={
        "submission_ids": [a], "action": "decide", "rule": "CALC-IND-001", "decision": "false_positive"}), 422,
        "invalid_review_action")
    assert_error(site.client.post("/api/v1/review/batch", headers=site.zhang, json={
        "submission_ids": [a], "action": "state"}), 422, "invalid_review_action")
    assert_error(site.client.post("/api/v1/review/batch", headers=site.zhang, json={
        "submission_ids": [], "action": "state", "state": "in_review"}), 422, "invalid_request")


def test_queues(site):
    wang = f"wang{uuid.uuid4().hex[:6]}"  # a reviewer of this test alone: "mine" is exactly theirs
    headers = _auth(site.app.state.users.add(wang, "reviewer")[1])
    mine, late, free, back = (site.store(errors=0) for _ in range(4))
    today = date.today()
    for sid, due in ((mine, today + timedelta(days=5)), (late, today - timedelta(days=2)),
                     (back, today - timedelta(days=2))):
        site.client.post(f"/api/v1/submissions/{sid}/assign", json={"assignee": wang,
                                                                     "due_date": due.isoformat()}, headers=site.admin)
    set_state(site, back, "in_review", headers=headers)
    set_state(site, back, "returned", reason="缺少佐证", headers=headers)

    def ids(name: str) -> list[str]:
        r = site.client.get("/api/v1/review/queue", params={"name": name, "size": 500}, headers=headers)
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()["items"]]

    assert set(ids("mine")) == {mine, late}
    assert free in ids("unassigned") and not {mine, late, back} & set(ids("unassigned"))
    assert late in ids("overdue") and not {mine, back, free} & set(ids("overdue"))
    assert back in ids("returned") and not {mine, late, free} & set(ids("returned"))
    assert_error(site.client.get("/api/v1/review/queue", params={"name": "later"}, headers=site.zhang), 422,
                 "invalid_request")
    listed = site.client.get("/api/v1/submissions", params={"state": "returned", "assignee": wang},
                             headers=site.zhang).json()
    assert [s["id"] for s in listed["items"]] == [back]
    assert listed["items"][0]["state_text"] == "退回重报"


# --- the audit log ---------------------------------------------------------------------------------

def test_the_audit_log_exports_and_cannot_be_changed(site):
    sid = site.store(errors=1)
    set_state(site, sid, "in_review")
    decide(site, f"{sid}-e0", decision="false_positive", reason="表头误读，含“引号”,逗号")
    r = site.client.get(f"/api/v1/submissions/{sid}/events", params={"format": "csv"}, headers=site.zhang)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["编号", "时间", "操作人", "类型"]
    assert [(row[2], row[3], row[6], row[7]) for row in rows[1:]] == [
        (site.names["zhang"], "状态变更", "状态变更：待审 → 审核中", ""),
        (site.names["zhang"], "审核决定", "审核决定：待定 → 误报", "表头误读，含“引号”,逗号")]
    event_id = events(site, sid)[0]["id"]
    for method in ("PUT", "PATCH", "DELETE"):
        for url in (f"/api/v1/submissions/{sid}/events", f"/api/v1/submissions/{sid}/events/{event_id}"):
            assert site.client.request(method, url, headers=site.admin).status_code in (404, 405)
    assert len(events(site, sid)) == 2
    assert_error(site.client.get("/api/v1/submissions/nope/events", headers=site.zhang), 404, "not_found")


def test_review_routes_are_in_openapi_with_chinese_summaries(site):
    paths = site.client.get("/api/v1/openapi.json").json()["paths"]
    for path, method in (("/api/v1/findings/{fid}/decision", "post"), ("/api/v1/submissions/{sid}/state", "post"),
                         ("/api/v1/submissions/{sid}/assign", "post"), ("/api/v1/review/batch", "post"),
                         ("/api/v1/review/queue", "get"), ("/api/v1/submissions/{sid}/events", "get")):
        op = paths[path][method]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), path
        assert "review" in op["tags"]
    assert {"403", "404", "409", "422"} <= set(paths["/api/v1/submissions/{sid}/state"]["post"]["responses"])


def test_pages_show_the_review_controls(site):
    sid = site.store()
    html = site.client.get(f"/submissions/{sid}").text
    for anchor in ('id="state-badge"', 'id="finding-filter"', 'id="event-list"', 'id="assignee"'):
        assert anchor in html
    assert 'id="f-queue"' in site.client.get("/").text
