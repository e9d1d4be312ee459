"""Who may reach what: every ``/api/v1`` operation refuses a missing, a wrong and a revoked token
(401); a reviewer cannot delete, reach another user's jobs, conversations or letterhead, or act on a
submission assigned to someone else (403/404); an admin can. The operations are read from the app's
own OpenAPI document, so a route added later is covered without editing this file."""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import Site

# the page's login takes a token in its body instead of the header (its refusals are tested below)
NOT_BEHIND_TOKEN = {("post", "/api/v1/session"), ("delete", "/api/v1/session")}


def operations(site: Site) -> list[tuple[str, str]]:
    paths = site.client.get("/api/v1/openapi.json").json()["paths"]
    return [(method, path) for path, ops in paths.items() if path.startswith("/api/v1/")
            for method in ops if (method, path) not in NOT_BEHIND_TOKEN]


def concrete(path: str) -> str:
    """A path with every parameter filled (any value: the token is checked before anything else)."""
    return re.sub(r"\{(\w+)\}", lambda m: "2023" if m.group(1) == "year" else "x1", path)


def assert_chinese_error(response, status: int, code: str) -> None:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    error = response.json()["error"]
    assert error["code"] == code and re.search(r"[\u4e00-\u9fff]", error["message"]), error


@pytest.mark.parametrize("token", ["none", "wrong", "revoked", "not bearer"])
def test_every_api_operation_refuses_a_missing_wrong_or_revoked_token(site, token):
    headers = {"none": {}, "wrong": {"Authorization": "Bearer zp_" + "0" * 40},
               "revoked": site.auth("gone"),
               "not bearer": {"Authorization": f"Basic {site.tokens['admin']}"}}[token]
    ops = operations(site)
    assert len(ops) >= 40
    for method, path in ops:
        r = site.client.request(method.upper(), concrete(path), headers=headers)
        assert_chinese_error(r, 401, "invalid_token" if token in ("wrong", "revoked") else "unauthorized")
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused_as_a_page_login_and_as_a_cookie(site):
    assert_chinese_error(site.client.post("/api/v1/session", json={"token": site.tokens["gone"]}), 401, "invalid_token")
    site.client.cookies.set("ziping_session", site.tokens["gone"], path="/api")
    try:
        assert_chinese_error(site.client.get("/api/v1/me"), 401, "invalid_token")
    finally:
        site.client.cookies.clear()


def test_a_reviewer_cannot_delete_a_submission_and_an_admin_route_says_so_in_chinese(site):
    sid = site.sids["clean"]
    assert_chinese_error(site.client.delete(f"/api/v1/submissions/{sid}", headers=site.auth("li")), 403, "forbidden")
    assert site.client.get(f"/api/v1/submissions/{sid}", headers=site.auth("li")).status_code == 200


def test_a_reviewer_sees_only_their_own_jobs(site, tmp_path):
    from tests.api.support import wait_job

    note = tmp_path / "说明.txt"
    note.write_text("项目名称：测试\n", encoding="utf-8")
    r = site.client.post("/api/v1/submissions", headers=site.auth("li"),
                         files=[("files", (note.name, note.read_bytes()))], data={"defer_vectors": "true"})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    wait_job(site.client, site.auth("li"), job_id)
    for path in (f"/api/v1/jobs/{job_id}", f"/api/v1/jobs/{job_id}/events"):
        assert_chinese_error(site.client.get(path, headers=site.auth("wang")), 404, "not_found")
    assert job_id not in {j["id"] for j in site.client.get("/api/v1/jobs", headers=site.auth("wang")).json()}
    assert site.client.get(f"/api/v1/jobs/{job_id}", headers=site.auth("admin")).status_code == 200
    assert job_id in {j["id"] for j in site.client.get("/api/v1/jobs", headers=site.auth("admin")).json()}


def test_a_reviewer_cannot_open_or_continue_another_users_conversation(site):
    r = site.client.post("/api/v1/ask", headers=site.auth("li"), json={"question": "有哪些项目？"})
    assert r.status_code == 200, r.text
    cid = r.json()["conversation_id"]
    assert cid
    for method, path, body in (("GET", f"/api/v1/ask/conversations/{cid}", None),
                               ("GET", f"/api/v1/ask/conversations/{cid}/export.md", None),
                               ("PATCH", f"/api/v1/ask/conversations/{cid}", {"title": "改名"})):
        assert_chinese_error(site.client.request(method, path, headers=site.auth("wang"), json=body), 404, "not_found")
    assert cid not in {c["id"] for c in site.client.get("/api/v1/ask/conversations", headers=site.auth("wang")).json()}
    # naming li's conversation in wang's question starts a new one instead of continuing li's
    other = site.client.post("/api/v1/ask", headers=site.auth("wang"),
                             json={"question": "它们的得分呢？", "conversation_id": cid}).json()
    assert other["conversation_id"] != cid
    assert site.client.get(f"/api/v1/ask/conversations/{cid}", headers=site.auth("li")).json()["turns"] == 1


def test_letterheads_are_each_users_own(site):
    mine = {"issuer": "××市财政局（李）", "addressee": "", "doc_number": "×财绩函〔2026〕1号", "date": "", "cc": ""}
    assert site.client.put("/api/v1/drafts/letterhead", headers=site.auth("li"), json=mine).status_code == 200
    theirs = site.client.get("/api/v1/drafts/letterhead", headers=site.auth("wang")).json()
    assert theirs["issuer"] != mine["issuer"] and theirs["doc_number"] != mine["doc_number"]
    assert site.client.get("/api/v1/drafts/letterhead", headers=site.auth("li")).json()["issuer"] == mine["issuer"]


def test_a_reviewer_cannot_act_on_a_submission_assigned_to_another(site):
    sid = site.sids["clean"]
    r = site.client.post(f"/api/v1/submissions/{sid}/assign", headers=site.auth("admin"),
                         json={"assignee": "wang", "version": _version(site, sid)})
    assert r.status_code == 200, r.text
    try:
        r = site.client.post(f"/api/v1/submissions/{sid}/state", headers=site.auth("li"),
                             json={"state": "in_review", "version": _version(site, sid)})
        assert_chinese_error(r, 403, "forbidden")
        assert "wang" in r.json()["error"]["message"]
        fid = site.client.get(f"/api/v1/submissions/{sid}", headers=site.auth("li")).json()["findings"][0]["id"]
        r = site.client.post(f"/api/v1/findings/{fid}/decision", headers=site.auth("li"),
                             json={"decision": "confirmed"})
        assert_chinese_error(r, 403, "forbidden")
    finally:
        r = site.client.post(f"/api/v1/submissions/{sid}/assign", headers=site.auth("admin"),
                             json={"assignee": None, "version": _version(site, sid)})
        assert r.status_code == 200, r.text


def _version(site: Site, sid: str) -> int:
    return site.client.get(f"/api/v1/submissions/{sid}", headers=site.auth("admin")).json()["summary"]["review_version"]
