"""The HTTP API on the real app: a temporary data directory with SQLite, full text and Chroma.

One app per module (uploads are the slow part); each test reads what the fixture stored, and
the tests that write use their own files.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from api.app import ApiSettings, create_app
from assistant.chat_model import set_chat_model_factory
from assistant.drafting import Draft
from assistant.drafting.polish import _polishable
from assistant.settings import Settings
from tests.api.support import XSS, wait_job

ERROR_KEYS = {"code", "message", "message_en"}


@dataclass
class Api:
    client: TestClient
    app: object
    admin: dict[str, str]
    reviewer: dict[str, str]
    job: dict
    files: dict[str, Path]
    data_dir: Path

    def sid(self, kind: str) -> str:
        name = self.files[kind].name
        return next(f["submission_id"] for f in self.job["files"] if f["name"] == name)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _upload(client: TestClient, headers: dict[str, str], paths: list[Path], **form: str):
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    return client.post("/api/v1/submissions", headers=headers, files=files, data=form)


@pytest.fixture(scope="module")
def api(tmp_path_factory, synth) -> Api:
    data_dir = tmp_path_factory.mktemp("api-data")
    settings = Settings(data_dir=data_dir, max_upload_mb=1, max_archive_mb=2)
    app = create_app(settings, ApiSettings(ask_per_minute=6000, ask_burst=1000))
    with TestClient(app) as client:
        _, admin = app.state.users.add("admin", "admin")
        _, reviewer = app.state.users.add("reviewer", "reviewer")
        kinds = ["docx_table", "xlsx_table", "pdf_table", "report_docx", "dept_docx"]
        r = _upload(client, _auth(reviewer), [synth[k] for k in kinds], defer_vectors="true")
        assert r.status_code == 202, r.text
        job = wait_job(client, _auth(reviewer), r.json()["id"])
        yield Api(client, app, _auth(admin), _auth(reviewer), job, synth, data_dir)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) >= ERROR_KEYS, body
    assert body["error"]["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"]), "message must be Chinese"
    return body["error"]


# --- health, auth, errors, OpenAPI ------------------------------------------------------------------


def test_health_and_readiness_need_no_token(api):
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["checks"]["database"]["ok"] and ready["checks"]["chroma"]["ok"]


def test_every_api_route_needs_a_token(api):
    openapi = api.client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, ops in openapi["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        if path == "/api/v1/session":  # the page's login itself: it takes the token (tested below)
            continue
        for method in ops:
            url = path.replace("{sid}", "x").replace("{job_id}", "x").replace("{key}", "x").replace(
                "{chunk_id}", "x").replace("{year}", "2023").replace("{name}", "exec")
            r = api.client.request(method.upper(), url)
            assert_error(r, 401, "unauthorized")
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
            assert ops[method].get("security"), f"{method} {path} has no security in OpenAPI"
            checked += 1
    assert checked >= 20


def test_bad_and_revoked_tokens_are_refused(api):
    assert_error(api.client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401, "unauthorized")
    assert_error(api.client.get("/api/v1/me", headers=_auth("zp_not-a-token")), 401, "invalid_token")
    users = api.app.state.users
    _, token = users.add("temp", "reviewer")
    assert api.client.get("/api/v1/me", headers=_auth(token)).json()["name"] == "temp"
    users.revoke("temp")
    assert_error(api.client.get("/api/v1/me", headers=_auth(token)), 401, "invalid_token")


def test_tokens_are_stored_hashed(api):
    from sqlalchemy import select

    from api.users import hash_token, users_table

    token = api.reviewer["Authorization"].split()[1]
    with api.app.state.stores.records.engine.connect() as conn:
        rows = conn.execute(select(users_table)).all()
    stored = {r.token_hash for r in rows}
    assert hash_token(token) in stored and token not in stored
    assert not any(token in str(tuple(r)) for r in rows)


def test_openapi_is_complete_with_examples(api):
    openapi = api.client.get("/api/v1/openapi.json").json()
    paths = openapi["paths"]
    for path in ["/api/v1/submissions", "/api/v1/submissions/{sid}", "/api/v1/submissions/{sid}/original",
                 "/api/v1/submissions/{sid}/recheck", "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job_id}/events",
                 "/api/v1/findings", "/api/v1/findings/export.xlsx", "/api/v1/rules", "/api/v1/ask",
                 "/api/v1/ask/stream", "/api/v1/ask/conversations", "/api/v1/ask/conversations/{conversation_id}",
                 "/api/v1/stats/{year}", "/api/v1/drafts/review/{sid}",
                 "/api/v1/drafts/annual", "/api/v1/drafts/{key}", "/api/v1/drafts/{key}/docx", "/healthz", "/readyz"]:
        assert path in paths, path
    schemas = openapi["components"]["schemas"]
    for name in ["ErrorResponse", "JobOut", "SubmissionPage", "SubmissionDetail", "FindingPage", "AnswerOut",
                 "AskRequest", "RulesCatalog", "StatsOut", "DraftVersionOut", "DraftUpdate"]:
        assert schemas[name].get("examples"), f"{name} has no example"
    assert openapi["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_errors_are_json_with_stable_codes(api):
    assert_error(api.client.get("/api/v1/nothing-here", headers=api.reviewer), 404, "not_found")
    assert_error(api.client.get("/api/v1/submissions/0000", headers=api.reviewer), 404, "not_found")
    assert_error(api.client.get("/api/v1/submissions?page=0", headers=api.reviewer), 422, "invalid_request")
    assert_error(api.client.post("/api/v1/ask", headers=api.reviewer, json={"question": ""}), 422, "invalid_request")
    assert_error(api.client.get("/api/v1/rules?profile=nowhere", headers=api.reviewer), 400, "bad_profile")


# --- uploads and jobs -----------------------------------------------------------------------------------


def test_upload_job_reports_every_stage_per_file(api):
    files = api.job["files"]
    assert api.job["state"] == "done" and api.job["total"] == len(files) == 5
    assert all(f["stage"] == "indexed" and f["status"] in ("ok", "needs_review") for f in files), files
    assert all(f["submission_id"] for f in files)
    assert sum(f["findings"] for f in files) > 0


def test_job_events_stream_progress_as_sse(api):
    with api.client.stream("GET", f"/api/v1/jobs/{api.job['id']}/events", headers=api.reviewer) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    assert "event: done" in text
    data = json.loads(text.split("event: done", 1)[1].split("data: ", 1)[1].split("\n", 1)[0])
    assert data["id"] == api.job["id"] and data["state"] == "done"


def test_jobs_are_private_to_their_owner(api):
    other_headers = _auth(api.app.state.users.add("other", "reviewer")[1])
    assert_error(api.client.get(f"/api/v1/jobs/{api.job['id']}", headers=other_headers), 404, "not_found")
    assert api.client.get(f"/api/v1/jobs/{api.job['id']}", headers=api.admin).status_code == 200


def test_same_content_is_skipped_and_force_reingests(api):
    r = _upload(api.client, api.reviewer, [api.files["xlsx_table"]], defer_vectors="true")
    job = wait_job(api.client, api.reviewer, r.json()["id"])
    assert job["files"][0]["stage"] == "skipped" and job["files"][0]["submission_id"] == api.sid("xlsx_table")
    r = _upload(api.client, api.reviewer, [api.files["xlsx_table"]], defer_vectors="true", force="true")
    job = wait_job(api.client, api.reviewer, r.json()["id"])
    assert job["files"][0]["stage"] == "indexed"


def test_uploads_are_checked_by_content_not_extension(api, tmp_path):
    exe = tmp_path / "自评表.pdf"
    exe.write_bytes(b"MZ\x90\x00" + bytes(300))
    err = assert_error(_upload(api.client, api.reviewer, [exe]), 415, "corrupt_file")
    assert "自评表.pdf" in err["message"]
    doc = tmp_path / "old.doc"  # .doc is read now; an OLE header with nothing behind it is corrupt
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert_error(_upload(api.client, api.reviewer, [doc]), 415, "corrupt_file")
    # a good file next to a bad one: accepted, the bad one failed with its reason
    r = _upload(api.client, api.reviewer, [exe, api.files["docx_table"]], defer_vectors="true")
    assert r.status_code == 202
    job = wait_job(api.client, api.reviewer, r.json()["id"])
    by_name = {f["name"]: f for f in job["files"]}
    assert by_name["自评表.pdf"]["stage"] == "failed" and by_name["自评表.pdf"]["code"] == "corrupt_file"
    assert by_name[api.files["docx_table"].name]["stage"] == "skipped"


def test_upload_size_caps(api, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("绩效" * 400_000, encoding="utf-8")  # 2.4 MB > 1 MB per file
    assert_error(_upload(api.client, api.reviewer, [big]), 413, "file_too_large")
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"a" * (4 * 2**20))  # above the whole-request cap: refused before reading
    assert_error(_upload(api.client, api.reviewer, [huge]), 413, "file_too_large")


def test_upload_names_are_made_safe(api, tmp_path):
    src = tmp_path / "x.md"
    src.write_text("# 绩效自评报告\n\n## 一、基本情况\n\n项目按计划实施。\n", encoding="utf-8")
    files = [("files", ("../../etc/passwd<b>\x00.md", src.read_bytes()))]
    r = api.client.post("/api/v1/submissions", headers=api.reviewer, files=files, data={"defer_vectors": "true"})
    assert r.status_code == 202, r.text
    name = r.json()["files"][0]["name"]
    assert "/" not in name and "<" not in name and "\x00" not in name and not name.startswith(".")
    assert name.endswith(".md")
    wait_job(api.client, api.reviewer, r.json()["id"])
    assert not list((api.data_dir / "uploads").glob("*/*/*")), "upload folders are removed after the job"


def test_zip_upload_unpacks_members_and_refuses_unsafe_ones(api, tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("材料/报告.md", "# 自评报告\n\n## 一、基本情况\n\n按时完成。\n")
        zf.writestr("../escape.md", "# x\n")
    r = _upload(api.client, api.reviewer, [archive], defer_vectors="true")
    job = wait_job(api.client, api.reviewer, r.json()["id"])
    by_name = {f["name"]: f for f in job["files"]}
    assert by_name["batch.zip/材料/报告.md"]["stage"] == "indexed"
    assert by_name["batch.zip/../escape.md"]["stage"] == "failed"
    assert by_name["batch.zip/../escape.md"]["code"] == "unsafe_archive"


def test_upload_with_vectors_embeds_into_chroma(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data"))
    with TestClient(app) as client:
        headers = _auth(app.state.users.add("r", "reviewer")[1])
        assert client.get("/readyz").json()["checks"]["chroma"]["detail"].startswith("not created")
        src = tmp_path / "向量.md"
        src.write_text("# 绩效自评报告\n\n## 一、满意度调查\n\n发放问卷120份，群众满意度为96%。\n", encoding="utf-8")
        job = wait_job(client, headers, _upload(client, headers, [src]).json()["id"])
        assert job["state"] == "done" and job["embedded"] >= 1
        sid = job["files"][0]["submission_id"]
        detail = client.get(f"/api/v1/submissions/{sid}", headers=headers).json()
        assert detail["provenance"]["embedded"] == detail["provenance"]["chunks"] >= 1
        assert client.get("/readyz").json()["checks"]["chroma"] == {"ok": True, "detail": "persistent"}
        assert app.state.stores.vectors.count() == detail["provenance"]["chunks"]


# --- submissions ------------------------------------------------------------------------------------


def test_list_filters_sorts_and_pages(api):
    c, h = api.client, api.reviewer
    everything = c.get("/api/v1/submissions", headers=h, params={"size": 500}).json()
    assert everything["total"] >= 5 and len(everything["items"]) == everything["total"]
    row = next(s for s in everything["items"] if s["id"] == api.sid("docx_table"))
    assert row["counts"]["error"] + row["counts"]["warning"] + row["counts"]["info"] > 0 and row["projects"]

    year = row["year"]
    by_year = c.get("/api/v1/submissions", headers=h, params={"year": year}).json()
    assert by_year["items"] and all(s["year"] == year for s in by_year["items"])
    by_unit = c.get("/api/v1/submissions", headers=h, params={"unit": row["unit"]}).json()
    assert row["id"] in {s["id"] for s in by_unit["items"]} and all(s["unit"] == row["unit"] for s in by_unit["items"])
    with_errors = c.get("/api/v1/submissions", headers=h, params={"severity": "error"}).json()["items"]
    assert all(s["counts"]["error"] > 0 for s in with_errors)

    sorted_errors = c.get("/api/v1/submissions", headers=h, params={"sort": "-errors", "size": 500}).json()["items"]
    errors = [s["counts"]["error"] for s in sorted_errors]
    assert errors == sorted(errors, reverse=True)
    scores = [s["total_score"] for s in c.get("/api/v1/submissions", headers=h, params={"sort": "score"}).json()["items"]]
    known = [s for s in scores if s is not None]
    assert known == sorted(known) and scores[: len(known)] == known  # unknown scores last

    scored = [s for s in everything["items"] if s["total_score"] is not None]
    low = min(s["total_score"] for s in scored)
    in_range = c.get("/api/v1/submissions", headers=h, params={"score_max": low}).json()["items"]
    assert {s["id"] for s in in_range} >= {s["id"] for s in scored if s["total_score"] == low}
    assert all(s["total_score"] is None or s["total_score"] <= low or s["kind"] != "table" for s in in_range)
    rated = [s for s in everything["items"] if s["exec_rate"] is not None]
    if rated:
        top = max(s["exec_rate"] for s in rated)
        got = c.get("/api/v1/submissions", headers=h, params={"exec_min": top}).json()["items"]
        assert got and all(s["id"] in {r["id"] for r in rated} for s in got)

    page1 = c.get("/api/v1/submissions", headers=h, params={"size": 2, "page": 1}).json()
    page2 = c.get("/api/v1/submissions", headers=h, params={"size": 2, "page": 2}).json()
    assert len(page1["items"]) == 2 and page1["total"] == everything["total"]
    assert not {s["id"] for s in page1["items"]} & {s["id"] for s in page2["items"]}


def test_detail_has_canonical_json_findings_and_provenance(api):
    sid = api.sid("docx_table")
    d = api.client.get(f"/api/v1/submissions/{sid}", headers=api.reviewer).json()
    assert d["submission"]["id"] == sid and d["submission"]["evaluations"][0]["indicators"]
    assert d["summary"]["counts"]["error"] + d["summary"]["counts"]["warning"] + d["summary"]["counts"]["info"] \
        == len(d["findings"]) > 0
    f = d["findings"][0]
    assert f["rule_title"] and f["location"]["field"] and f["location_text"] and f["source"]
    assert d["provenance"]["sha256"] and d["provenance"]["original_url"].endswith(f"/{sid}/original")
    original = api.client.get(d["provenance"]["original_url"], headers=api.reviewer)
    assert original.status_code == 200 and original.content == api.files["docx_table"].read_bytes()
    assert "attachment" in original.headers["content-disposition"]
    pdf = api.client.get(f"/api/v1/submissions/{api.sid('pdf_table')}/original", headers=api.reviewer)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.headers["content-disposition"].startswith("inline")


def test_recheck_restores_findings(api):
    sid = api.sid("xlsx_table")
    before = api.client.get(f"/api/v1/submissions/{sid}", headers=api.reviewer).json()["findings"]
    api.app.state.stores.records.save_findings(sid, [])
    assert api.client.get(f"/api/v1/submissions/{sid}", headers=api.reviewer).json()["findings"] == []
    r = api.client.post(f"/api/v1/submissions/{sid}/recheck", headers=api.reviewer).json()
    assert r["findings"] == len(before) and r["profile"]
    after = api.client.get(f"/api/v1/submissions/{sid}", headers=api.reviewer).json()["findings"]
    assert [f["id"] for f in after] == [f["id"] for f in before]


def test_delete_is_for_admins_only(api, tmp_path):
    src = tmp_path / "删除.md"
    src.write_text("# 绩效自评报告\n\n## 一、基本情况\n\n待删除。\n", encoding="utf-8")
    job = wait_job(api.client, api.reviewer, _upload(api.client, api.reviewer, [src], defer_vectors="true").json()["id"])
    sid = job["files"][0]["submission_id"]
    assert_error(api.client.delete(f"/api/v1/submissions/{sid}", headers=api.reviewer), 403, "forbidden")
    assert api.client.delete(f"/api/v1/submissions/{sid}", headers=api.admin).status_code == 204
    assert_error(api.client.get(f"/api/v1/submissions/{sid}", headers=api.admin), 404, "not_found")
    assert_error(api.client.get(f"/api/v1/submissions/{sid}/original", headers=api.admin), 404, "not_found")
    assert_error(api.client.delete(f"/api/v1/submissions/{sid}", headers=api.admin), 404, "not_found")


def test_submission_text_is_data_never_markup(api, tmp_path):
    src = tmp_path / "xss.md"
    src.write_text(f"# 绩效自评报告\n\n## 一、基本情况\n\n{XSS}\n", encoding="utf-8")
    job = wait_job(api.client, api.reviewer, _upload(api.client, api.reviewer, [src], defer_vectors="true").json()["id"])
    sid = job["files"][0]["submission_id"]
    r = api.client.get(f"/api/v1/submissions/{sid}", headers=api.reviewer)
    assert r.headers["content-type"].startswith("application/json")
    assert any(XSS in s["text"] for s in r.json()["submission"]["sections"])
    page = api.client.get(f"/submissions/{sid}")
    assert page.status_code == 200 and "<script>window.__xss" not in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    # a page route given markup in its path parameter escapes it
    evil = api.client.get('/submissions/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E')
    assert evil.status_code == 200 and "<img src=x" not in evil.text and "&lt;img src=x" in evil.text


def test_passage_of_a_chunk(api):
    sid = api.sid("report_docx")
    chunk = api.app.state.stores.records.chunks_for_submission(sid)[0]
    p = api.client.get(f"/api/v1/submissions/{sid}/passages/{chunk.id}", headers=api.reviewer).json()
    assert p["text"] == chunk.text and p["location_text"]
    assert_error(api.client.get(f"/api/v1/submissions/{api.sid('xlsx_table')}/passages/{chunk.id}",
                                headers=api.reviewer), 404, "not_found")


# --- findings, rules, stats -------------------------------------------------------------------------


def test_findings_filter_and_export_xlsx(api):
    c, h = api.client, api.reviewer
    everything = c.get("/api/v1/findings", headers=h, params={"size": 500}).json()
    assert everything["total"] > 0
    rule = everything["items"][0]["rule"]
    by_rule = c.get("/api/v1/findings", headers=h, params={"rule": rule}).json()
    assert by_rule["items"] and all(f["rule"] == rule for f in by_rule["items"])
    warnings = c.get("/api/v1/findings", headers=h, params={"severity": "warning"}).json()["items"]
    assert all(f["severity"] == "warning" and f["severity_text"] == "警告" for f in warnings)
    sid = api.sid("docx_table")
    mine = c.get("/api/v1/findings", headers=h, params={"submission_id": sid}).json()
    assert all(f["submission_id"] == sid and f["project"] for f in mine["items"])

    r = c.get("/api/v1/findings/export.xlsx", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["审核发现", "汇总"]
    assert book["审核发现"].max_row - 1 == everything["total"]
    one = openpyxl.load_workbook(io.BytesIO(c.get("/api/v1/findings/export.xlsx", headers=h,
                                                  params={"submission_id": sid}).content))
    assert one["审核发现"].max_row - 1 == mine["total"]


def test_exports_xlsx_and_csv_with_chinese_headers(api):
    c, h = api.client, api.reviewer
    total = c.get("/api/v1/findings", headers=h).json()["total"]
    book = openpyxl.load_workbook(io.BytesIO(c.get("/api/v1/findings/export.xlsx", headers=h).content))
    head = [x.value for x in book["审核发现"][1]]
    assert {"单位", "年度", "项目", "审核决定"} <= set(head) and book["审核发现"].freeze_panes == "A2"
    assert {"审核状态", "单位", "年度"} <= {x.value for x in book["汇总"][1]}
    years = [r[head.index("年度")] for r in book["审核发现"].iter_rows(min_row=2, values_only=True)]
    assert years and all(isinstance(y, int) for y in years if y is not None)
    r = c.get("/api/v1/findings/export.csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode()) and "filename*=utf-8''" in r.headers["content-disposition"]
    assert len(r.content.decode("utf-8-sig").strip().split("\r\n")) >= total + 1
    subs = c.get("/api/v1/submissions", headers=h, params={"size": 500}).json()["total"]
    sx = openpyxl.load_workbook(io.BytesIO(c.get("/api/v1/submissions/export.xlsx", headers=h).content))
    assert sx.sheetnames == ["汇总"] and sx["汇总"].max_row - 1 == subs
    state = [x.value for x in sx["汇总"][1]].index("审核状态")
    assert all(row[state] for row in sx["汇总"].iter_rows(min_row=2, values_only=True))
    sc = c.get("/api/v1/submissions/export.csv", headers=h)
    assert sc.status_code == 200 and sc.content.decode("utf-8-sig").startswith("文件,单位,年度")
    assert c.get("/api/v1/submissions/export.csv").status_code == 401


def test_rules_catalog_with_sources(api):
    data = api.client.get("/api/v1/rules", headers=api.reviewer).json()
    assert data["profile"] == "national" and len(data["rules"]) > 30
    assert all(r["source"] and r["title"] for r in data["rules"])
    assert "sichuan" in data["profiles"]
    sichuan = api.client.get("/api/v1/rules", headers=api.reviewer, params={"profile": "sichuan"}).json()
    assert sichuan["profile"] == "sichuan"


def test_stats_and_svg_charts(api):
    years = api.client.get("/api/v1/stats/years", headers=api.reviewer).json()
    assert years["years"] and years["latest"] == max(years["years"])
    year = api.client.get(f"/api/v1/submissions/{api.sid('docx_table')}", headers=api.reviewer).json()["summary"]["year"]
    stats = api.client.get(f"/api/v1/stats/{year}", headers=api.reviewer).json()
    assert stats["figures"]["submissions"]["value"] >= 1
    assert sum(b["value"] for b in stats["charts"]["grade"]) == sum(
        stats["figures"][f"grade.{g}"]["value"] for g in "优良中差")
    svg = api.client.get(f"/api/v1/stats/{year}/charts/exec.svg", headers=api.reviewer)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and "执行率" in svg.text and "<script" not in svg.text
    assert api.client.get(f"/api/v1/stats/{year}/charts/grade.svg", headers=api.reviewer).status_code == 200
    assert_error(api.client.get(f"/api/v1/stats/{year}", headers=api.reviewer, params={"scope": "unit:"}),
                 400, "bad_scope")


# --- ask ---------------------------------------------------------------------------------------------


def test_ask_structured_question_returns_rows_and_query_in_words(api):
    r = api.client.post("/api/v1/ask", headers=api.reviewer, json={"question": "各单位的平均得分是多少？"})
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["kind"] in ("structured", "mixed") and a["query_in_words"] and a["conversation_id"]
    assert a["rows"] and a["columns"] and all(c["label"] for c in a["columns"])


def test_ask_document_question_cites_passages(api):
    a = api.client.post("/api/v1/ask", headers=api.reviewer, json={"question": "满意度调查是怎么开展的？"}).json()
    assert a["kind"] == "document" and a["citations"]
    c = a["citations"][0]
    assert f"[{c['n']}]" in a["text"] and c["location_text"] and c["snippet"]
    p = api.client.get(f"/api/v1/submissions/{c['submission_id']}/passages/{c['chunk_id']}", headers=api.reviewer)
    assert p.status_code == 200
    follow = api.client.post("/api/v1/ask", headers=api.reviewer,
                             json={"question": "那问卷发放了多少份？", "conversation_id": a["conversation_id"]}).json()
    assert follow["conversation_id"] == a["conversation_id"]


def test_conversations_are_listed_reopened_and_their_subject_chips_removed(api):
    first = api.client.post("/api/v1/ask", headers=api.reviewer, json={"question": "各单位的平均得分是多少？"}).json()
    cid = first["conversation_id"]
    assert {"subject", "subject_chips"} <= set(first)
    follow = api.client.post("/api/v1/ask", headers=api.reviewer,
                             json={"question": "满意度调查是怎么开展的？", "conversation_id": cid}).json()
    assert follow["conversation_id"] == cid
    chips = follow["subject_chips"]
    assert all(c["key"] and c["label"] and c["value"] for c in chips)
    mine = api.client.get("/api/v1/ask/conversations", headers=api.reviewer).json()
    listed = next(c for c in mine if c["id"] == cid)
    assert listed["title"] == "各单位的平均得分是多少？" and listed["turns"] == 2
    opened = api.client.get(f"/api/v1/ask/conversations/{cid}", headers=api.reviewer)
    assert opened.status_code == 200, opened.text
    history = opened.json()["history"]
    assert [t["question"] for t in history] == ["各单位的平均得分是多少？", "满意度调查是怎么开展的？"]
    assert history[0]["answer"]["text"] == first["text"] and history[0]["answer"]["columns"]
    assert history[1]["answer"]["citations"] == follow["citations"]
    # another user neither lists nor opens it, and cannot continue it
    assert cid not in {c["id"] for c in api.client.get("/api/v1/ask/conversations", headers=api.admin).json()}
    assert_error(api.client.get(f"/api/v1/ask/conversations/{cid}", headers=api.admin), 404, "not_found")
    other = api.client.post("/api/v1/ask", headers=api.admin, json={"question": "有哪些项目？", "conversation_id": cid})
    assert other.json()["conversation_id"] != cid
    exported = api.client.get(f"/api/v1/ask/conversations/{cid}/export.md", headers=api.reviewer)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/markdown")
    assert "## 1. 各单位的平均得分是多少？" in exported.text and "## 2. 满意度调查是怎么开展的？" in exported.text
    assert follow["citations"][0]["file"] in exported.text
    assert_error(api.client.get(f"/api/v1/ask/conversations/{cid}/export.md", headers=api.admin), 404, "not_found")
    changed = api.client.patch(f"/api/v1/ask/conversations/{cid}", headers=api.reviewer,
                               json={"title": "得分与满意度", "remove": [c["key"] for c in chips]}).json()
    assert changed["title"] == "得分与满意度" and changed["subject_chips"] == []
    assert all(v is None for v in changed["subject"].values())
    assert_error(api.client.patch(f"/api/v1/ask/conversations/{cid}", headers=api.reviewer,
                                  json={"remove": ["colour"]}), 422, "invalid_request")


def test_ask_stream_sends_deltas_then_the_answer(api):
    with api.client.stream("POST", "/api/v1/ask/stream", headers=api.reviewer,
                           json={"question": "存在哪些问题？"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    events = [block for block in text.split("\n\n") if block.strip()]
    names = [line.split(": ", 1)[1] for block in events for line in block.splitlines() if line.startswith("event:")]
    assert names[-1] == "answer" and names.count("answer") == 1 and "delta" in names
    answer = json.loads(events[-1].split("data: ", 1)[1])
    assert answer["text"] and answer["conversation_id"]


def test_ask_is_rate_limited_per_user(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), ApiSettings(ask_per_minute=1, ask_burst=2))
    with TestClient(app) as client:
        a = _auth(app.state.users.add("a", "reviewer")[1])
        b = _auth(app.state.users.add("b", "reviewer")[1])
        for _ in range(2):
            assert client.post("/api/v1/ask", headers=a, json={"question": "有哪些项目？"}).status_code == 200
        r = client.post("/api/v1/ask", headers=a, json={"question": "有哪些项目？"})
        assert_error(r, 429, "rate_limited")
        assert int(r.headers["Retry-After"]) >= 1
        assert client.post("/api/v1/ask/stream", headers=a, json={"question": "有哪些项目？"}).status_code == 429
        assert client.post("/api/v1/ask", headers=b, json={"question": "有哪些项目？"}).status_code == 200


# --- drafts ------------------------------------------------------------------------------------------


def test_review_draft_generate_edit_versions_and_docx(api):
    c, h = api.client, api.reviewer
    sid = api.sid("docx_table")
    v1 = c.post(f"/api/v1/drafts/review/{sid}", headers=h, json={}).json()
    key = v1["key"]
    assert key == f"review:{sid}" and v1["editor"] == "reviewer" and v1["draft"]["blocks"]
    assert v1["unsupported"] == {}
    same = c.post(f"/api/v1/drafts/review/{sid}", headers=h, json={}).json()
    assert same["version"] == v1["version"], "regenerating an unchanged draft adds no version"

    block = next(b for b in v1["draft"]["blocks"] if b["key"] == "intro")
    text = block["text"] + "（经复核，已电话联系单位。）"
    v2 = c.put(f"/api/v1/drafts/{key}", headers=api.admin,
               json={"edits": {"intro": text}, "base_version": v1["version"], "note": "补充说明"}).json()
    assert v2["version"] == v1["version"] + 1 and v2["editor"] == "admin" and v2["edited_blocks"] == ["intro"]
    assert next(b for b in v2["draft"]["blocks"] if b["key"] == "intro")["text"] == text
    assert_error(c.put(f"/api/v1/drafts/{key}", headers=h, json={"edits": {"intro": "旧稿"}, "base_version": v1["version"]}),
                 409, "version_conflict")
    assert_error(c.put(f"/api/v1/drafts/{key}", headers=h, json={"edits": {"no-such-block": "x"}}), 400, "unknown_blocks")

    problem = next(b for b in v2["draft"]["blocks"] if b["key"].startswith("problem:"))
    fid = problem["key"].split(":", 1)[1]
    v3 = c.put(f"/api/v1/drafts/{key}", headers=h, json={"exclude": [fid]}).json()
    assert fid in v3["excluded"] and not any(b["key"] == problem["key"] for b in v3["draft"]["blocks"])

    versions = c.get(f"/api/v1/drafts/{key}/versions", headers=h).json()
    assert [v["version"] for v in versions] == [v1["version"], v2["version"], v3["version"]]
    old = c.get(f"/api/v1/drafts/{key}", headers=h, params={"version": v1["version"]}).json()
    assert old["version"] == v1["version"]

    docx = c.get(f"/api/v1/drafts/{key}/docx", headers=h, params={"version": v2["version"]})
    assert docx.status_code == 200 and docx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=utf-8''" in docx.headers["content-disposition"]
    xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode("utf-8")
    assert "已电话联系单位" in xml
    listed = c.get("/api/v1/drafts", headers=h, params={"kind": "review"}).json()
    assert key in {d["key"] for d in listed}
    assert_error(c.post("/api/v1/drafts/review/0000", headers=h, json={}), 404, "not_found")
    assert_error(c.post(f"/api/v1/drafts/review/{sid}", headers=h, json={"exclude": ["nope"]}), 400, "unknown_findings")


def test_a_batch_of_drafts_is_a_job_the_worker_runs(api):
    """Review letters for many submissions and an annual draft: queued by the API, drafted by the
    server's worker, each saved as a draft version, its progress and outcome in the job."""
    c, h = api.client, api.reviewer
    sids = [api.sid("xlsx_table"), api.sid("pdf_table")]
    year = c.get(f"/api/v1/submissions/{sids[0]}", headers=h).json()["submission"]["year"]
    r = c.post("/api/v1/drafts/batch", headers=h, json={"submission_ids": sids, "annual": [{"year": year}]})
    assert r.status_code == 202, r.text
    queued = r.json()
    assert queued["kind"] == "draft" and queued["total"] == 3
    job = wait_job(c, h, queued["id"])
    assert job["state"] == "done" and job["done"] == 3, job
    assert [f["stage"] for f in job["files"]] == ["drafted"] * 3
    assert [f["name"] for f in job["files"]] == [f"review:{sids[0]}", f"review:{sids[1]}", f"annual:{year}:all"]
    assert [f["submission_id"] for f in job["files"][:2]] == sids
    for f in job["files"]:
        saved = c.get(f"/api/v1/drafts/{f['name']}", headers=h).json()
        assert f["reason"] == f"第{saved['version']}版" and saved["editor"] == "reviewer" and saved["draft"]["blocks"]
    assert_error(c.post("/api/v1/drafts/batch", headers=h, json={"submission_ids": ["0000"]}), 404, "not_found")
    assert_error(c.post("/api/v1/drafts/batch", headers=h, json={}), 422, "nothing_to_draft")
    assert_error(c.post("/api/v1/drafts/batch", headers=h, json={"annual": [{"year": year, "scope": "unit"}]}),
                 400, "bad_scope")


def test_letterhead_is_an_input_saved_per_user(api):
    c, h = api.client, api.reviewer
    sid = api.sid("docx_table")
    head = {"issuer": "临渊市财政局", "doc_number": "临财绩函〔2026〕3号", "date": "2026年12月7日", "cc": "临渊市审计局"}
    v = c.post(f"/api/v1/drafts/review/{sid}", headers=h, json={"letterhead": head, "annex": True}).json()
    blocks = {b["key"]: b for b in v["draft"]["blocks"]}
    assert blocks["issuer"]["text"] == "临渊市财政局" and blocks["date"]["text"] == "2026年12月7日"
    assert blocks["docno"]["text"] == "临财绩函〔2026〕3号" and blocks["cc"]["text"] == "抄送：临渊市审计局。"
    assert "annex.findings" in blocks and v["unsupported"] == {}
    saved = c.get("/api/v1/drafts/letterhead", headers=h).json()
    assert saved == {**head, "addressee": ""}
    assert c.get("/api/v1/drafts/letterhead", headers=api.admin).json()["issuer"] == ""  # each user their own
    # the next draft without a letterhead uses the saved one
    annual = c.post("/api/v1/drafts/annual", headers=h, json={"year": v["draft"]["meta"]["year"]}).json()
    assert next(b for b in annual["draft"]["blocks"] if b["key"] == "issuer")["text"] == "临渊市财政局"
    put = c.put("/api/v1/drafts/letterhead", headers=h, json={**head, "issuer": "临渊市财政局绩效科"}).json()
    assert put["issuer"] == "临渊市财政局绩效科"
    assert c.put("/api/v1/drafts/letterhead", headers=h, json={"date": "x" * 31}).status_code == 422


def test_review_draft_polished_by_the_configured_model(api):
    c, h = api.client, api.reviewer
    sid = api.sid("xlsx_table")
    assert_error(c.post(f"/api/v1/drafts/review/{sid}", headers=h, json={"polish": True}), 400, "llm_not_configured")
    template = Draft.from_dict(c.post(f"/api/v1/drafts/review/{sid}", headers=h, json={}).json()["draft"])
    blocks = [b for b in template.blocks if _polishable(b)]
    # a well-behaved model: other wording, every number kept
    replies = [b.text.replace("经审核，", "经认真审核，") for b in blocks]
    made: list[Settings] = []

    def factory(settings: Settings):
        made.append(settings)
        return FakeListChatModel(responses=replies)

    offline = api.app.state.settings
    api.app.state.settings = offline.model_copy(update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "fake"})
    previous = set_chat_model_factory(factory)
    try:
        v = c.post(f"/api/v1/drafts/review/{sid}", headers=h, json={"polish": True}).json()
    finally:
        set_chat_model_factory(previous)
        api.app.state.settings = offline
    assert len(made) == 1 and made[0].llm_model == "fake"
    polished = {b["key"] for b in v["draft"]["blocks"] if b["polished"]}
    assert polished == {b.key for b in blocks}
    assert v["draft"]["meta"]["polished"] is True and v["unsupported"] == {}
    assert "经认真审核，" in next(b["text"] for b in v["draft"]["blocks"] if b["key"] == "conclusion")


def test_annual_draft_with_statistics(api):
    year = api.client.get(f"/api/v1/submissions/{api.sid('docx_table')}", headers=api.reviewer).json()["summary"]["year"]
    v = api.client.post("/api/v1/drafts/annual", headers=api.reviewer, json={"year": year}).json()
    assert v["key"] == f"annual:{year}:all" and v["draft"]["kind"] == "annual" and v["draft"]["blocks"]
    assert any(f["kind"] == "figure" for f in v["draft"]["facts"].values())
    docx = api.client.get(f"/api/v1/drafts/{v['key']}/docx", headers=api.reviewer)
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert_error(api.client.post("/api/v1/drafts/annual", headers=api.reviewer, json={"year": year, "scope": "unit"}),
                 400, "bad_scope")


def test_pages_are_served_in_chinese(api):
    for path in ["/", "/login", "/ask", "/drafts", "/rules", f"/submissions/{api.sid('docx_table')}"]:
        r = api.client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert 'lang="zh-CN"' in r.text and "自评审核助手" in r.text
    assert api.client.get("/static/app.js").status_code == 200


def test_a_finding_shows_its_occurrences(api):
    from assistant.model import Finding, Location, Occurrence

    sid = api.sid("xlsx_table")
    records = api.app.state.stores.records
    before = records.get_findings(sid)
    rows = [Occurrence(location=Location(table=0, row=r, col=5, field=f"evaluations[0].indicators[{r - 8}].score"),
                       evidence=f"第{r}行", message="得分为空") for r in (8, 9)]
    merged = Occurrence(location=Location(table=0, row=8, col=6), message="满分无事实支撑", rule="SCORE-QUAL-001")
    folded = Finding(rule="MISSING-IND-001", severity="error", message="2 项指标同一问题", id="fold0000000000a1",
                     submission_id=sid, location=Location(table=0, field="evaluations[0].indicators"),
                     occurrences=[*rows, merged])
    records.save_findings(sid, [folded])
    try:
        detail = api.client.get(f"/api/v1/submissions/{sid}", headers=api.reviewer).json()
        listed = api.client.get("/api/v1/findings", headers=api.reviewer, params={"submission_id": sid}).json()
        for f in (detail["findings"][0], listed["items"][0]):
            assert f["location_text"] == "表1（2 处）"
            assert [(o["location_text"], o["evidence"], o["rule"]) for o in f["occurrences"]] == [
                ("表1 第9行 第6列", "第8行", None), ("表1 第10行 第6列", "第9行", None), ("表1 第9行 第7列", None, "SCORE-QUAL-001")]
            assert f["occurrences"][2]["rule_title"] == "定性指标满分无事实支撑"
            assert f["occurrences"][0]["location"]["field"] == "evaluations[0].indicators[0].score"
        assert listed["total"] == 1  # one defect, however many rows it lists
    finally:
        records.save_findings(sid, before)


def test_every_page_is_in_chinese(api):
    from tests.api.test_chinese_throughout import english_words, visible_text

    c = api.client
    sid = api.sid("docx_table")
    leaks = {}
    for url in ("/", "/login", "/drafts", "/ask", "/rules", f"/submissions/{sid}"):
        r = c.get(url)
        assert r.status_code == 200, url
        words = english_words(visible_text(r.text), set())
        if words:
            leaks[url] = sorted(words)
    assert not leaks, leaks


def test_session_cookie_login_shared_by_tabs(api):
    from fastapi.testclient import TestClient

    token = api.reviewer["Authorization"].split(" ", 1)[1]
    tab = TestClient(api.app, base_url="http://testserver")  # a browser without the bearer header
    assert tab.get("/api/v1/me").status_code == 401
    assert tab.post("/api/v1/session", json={"token": "wrong"}).status_code == 401
    r = tab.post("/api/v1/session", json={"token": token})
    assert r.status_code == 200 and r.json()["name"] == "reviewer"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/api" in cookie
    assert tab.get("/api/v1/me").json()["name"] == "reviewer"  # the cookie alone logs in (any tab)
    sid = api.sid("docx_table")
    # a change by cookie needs the page's header (another site's form cannot send it)
    assert_error(tab.post(f"/api/v1/drafts/review/{sid}", json={}), 403, "csrf")
    ok = tab.post(f"/api/v1/drafts/review/{sid}", json={}, headers={"X-Requested-With": "ziping"})
    assert ok.status_code == 200
    assert tab.delete("/api/v1/session").status_code == 204
    assert tab.get("/api/v1/me").status_code == 401
