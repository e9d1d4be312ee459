"""A reviewer of one bureau cannot reach another bureau's data, nor the admin routes.

Two bureaus on one installation: the default bureau (A, a 自评表 and a 自评报告, its reviewer
“ana”) and “beta” (B, another 自评表, its reviewer “bob”); an admin sees both. The operations
are read from the app's OpenAPI document, so a route added later is covered without editing this
file: every operation taking a submission, finding, draft, job or conversation id answers 404 to
bob for A's object (as for an id that does not exist), and every list, statistic, export and
search shows him nothing of A. On SQLite and on PostgreSQL; nothing is mocked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import synth  # noqa: F401  (the synthetic files by kind, shared with the API tests)
from tests.api.support import wait_job
from tests.security.test_access import assert_chinese_error

LANES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
USERS = {"admin": ("admin", "default"), "ana": ("reviewer", "default"), "bob": ("reviewer", "beta")}
# the path parameters that name a stored object (a year, a chart or an export format name none)
ID_PARAMS = {"sid", "form_id", "fid", "key", "job_id", "conversation_id", "chunk_id"}


@dataclass
class Site:
    client: TestClient
    tokens: dict[str, str]
    a: dict[str, str]  # A's objects: sid, report, fid, chunk_id, job_id, conversation_id, key, form_id
    a_files: list[str]  # A's file names
    a_unit: str
    a_year: int
    b_sids: set[str]
    b_file: Path

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def _labels(path: Path) -> dict:
    return json.loads(path.with_name(f"{path.stem}.labels.json").read_text(encoding="utf-8"))["expected"]


def _seed(settings, files_a: list[Path], files_b: list[Path]) -> tuple[dict[str, str], list[str], list[str], str]:
    from assistant.stores import open_stores
    from assistant.stores.bureaus import BureauStore
    from assistant.stores.users import UserStore
    from ingest.pipeline import IngestOptions, ingest_paths

    stores = open_stores(settings)
    try:
        BureauStore(stores.records.engine).add("beta", "乙市财政局")
        report_a = ingest_paths(files_a, stores, IngestOptions())
        report_b = ingest_paths(files_b, stores, IngestOptions(bureau="beta"))
        for report in (report_a, report_b):
            assert all(f.status != "failed" for f in report.files), report.to_dict()
        users = UserStore(stores.records.engine)
        tokens = {name: users.add(name, role, bureau=bureau)[1] for name, (role, bureau) in USERS.items()}
        chunk_id = stores.records.chunks_for_submission(report_a.files[0].submission_id)[0].id
    finally:
        stores.close()
    return tokens, [f.submission_id for f in report_a.files], [f.submission_id for f in report_b.files], chunk_id


@pytest.fixture(scope="module", params=LANES)
def site(request, tmp_path_factory, synth) -> Iterator[Site]:  # noqa: F811
    from api.app import ApiSettings, create_app
    from assistant.settings import Settings

    with ExitStack() as stack:
        database_url = None
        if request.param == "postgres":
            from tests.support.postgres import fresh_database

            database_url = stack.enter_context(fresh_database(request.getfixturevalue("postgres_url"), "zp_bureau_"))
        settings = Settings(data_dir=tmp_path_factory.mktemp("bureaus"), database_url=database_url)
        table_a, report_a, table_b = synth["docx_table"], synth["report_docx"], synth["xlsx_table"]
        tokens, sids_a, sids_b, chunk_id = _seed(settings, [table_a, report_a], [table_b])
        expected = _labels(table_a)
        app = create_app(settings, ApiSettings(ask_per_minute=6000, ask_burst=1000, upload_per_minute=6000,
                                               upload_burst=1000))
        client = stack.enter_context(TestClient(app))
        site = Site(client, tokens, {}, [table_a.name, report_a.name], expected["unit"], expected["year"],
                    set(sids_b), table_b)
        site.a = _objects_of_a(site, sids_a, chunk_id)
        yield site


def _objects_of_a(site: Site, sids: list[str], chunk_id: str) -> dict[str, str]:
    """One object of each kind in bureau A, made by its reviewer: what bob will ask for."""
    c, ana = site.client, site.auth("ana")
    sid = sids[0]
    detail = c.get(f"/api/v1/submissions/{sid}", headers=ana).json()
    asked = c.post("/api/v1/ask", headers=ana, json={"question": f"{site.a_unit}的预算执行率是多少？"}).json()
    upload = c.post("/api/v1/submissions", headers=ana, data={"defer_vectors": "true"},
                    files=[("files", ("说明.txt", "项目名称：甲的说明\n".encode()))])
    assert upload.status_code == 202, upload.text
    wait_job(c, ana, upload.json()["id"])
    draft = c.post(f"/api/v1/drafts/review/{sid}", headers=ana, json={})
    assert draft.status_code == 200, draft.text
    return {"sid": sid, "form_id": sid, "fid": detail["findings"][0]["id"], "chunk_id": chunk_id,
            "job_id": upload.json()["id"], "conversation_id": asked["conversation_id"],
            "key": f"review:{sid}", "report": sids[1]}


def _fill(path: str, site: Site) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(site.a_year) if m.group(1) == "year" else
                  "csv" if m.group(1) == "fmt" else "exec" if m.group(1) == "name" else site.a[m.group(1)], path)


def _operations(site: Site) -> dict[str, list[tuple[str, str]]]:
    paths = site.client.get("/api/v1/openapi.json").json()["paths"]
    ops = [(method, path) for path, found in paths.items() if path.startswith("/api/v1/") for method in found]
    with_ids = [(m, p) for m, p in ops if set(re.findall(r"\{(\w+)\}", p)) & ID_PARAMS]
    reads = [(m, p) for m, p in ops if m == "get" and (m, p) not in with_ids]
    return {"with_ids": with_ids, "reads": reads}


def _request(site: Site, user: str, method: str, path: str):
    body = {} if method in ("post", "put", "patch") else None
    return site.client.request(method.upper(), _fill(path, site), headers=site.auth(user), json=body)


def test_every_operation_on_an_id_of_another_bureau_answers_404(site):
    ops = _operations(site)["with_ids"]
    assert len(ops) >= 25 and {p for _m, p in ops} >= {"/api/v1/submissions/{sid}", "/api/v1/findings/{fid}/decision",
                                                       "/api/v1/drafts/{key}", "/api/v1/jobs/{job_id}"}
    for method, path in ops:
        assert_chinese_error(_request(site, "bob", method, path), 404, "not_found")
    # the same reads of ana, in whose bureau these objects are, find them: the 404s above are the bureau's
    for method, path in ops:
        if method == "get":
            assert _request(site, "ana", method, path).status_code != 404, path


def test_every_list_statistic_export_and_search_shows_nothing_of_another_bureau(site):
    secrets = [*(v for k, v in site.a.items() if k in ("sid", "report", "fid", "job_id", "conversation_id")),
               *site.a_files, site.a_unit]
    reads = _operations(site)["reads"]
    assert len(reads) >= 15
    seen_by_admin = ""
    for method, path in reads:
        r = _request(site, "bob", method, path)
        assert r.status_code in (200, 403, 404, 422), (path, r.status_code, r.text[:300])
        leaked = [s for s in secrets if s in r.text]
        assert not leaked, (path, leaked)
        seen_by_admin += _request(site, "admin", method, path).text
    # the same reads show A's data to the admin: the lists above are filtered, not empty by accident
    assert site.a["sid"] in seen_by_admin and site.a_unit in seen_by_admin


def test_the_lists_show_each_reviewer_their_bureau_and_the_admin_both(site):
    def ids(user: str) -> set[str]:
        return {s["id"] for s in site.client.get("/api/v1/submissions", headers=site.auth(user)).json()["items"]}

    assert ids("bob") == site.b_sids
    assert site.a["sid"] in ids("ana") and not ids("ana") & site.b_sids
    assert ids("admin") >= site.b_sids | {site.a["sid"], site.a["report"]}


def _ask(site: Site, user: str, question: str) -> dict:
    r = site.client.post("/api/v1/ask", headers=site.auth(user), json={"question": question})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("question", ["{unit}的预算执行率是多少？", "{year}年有多少个项目？", "{year}年执行率最低的项目是哪个？"])
def test_an_ask_shows_nothing_of_another_bureau(site, question):
    question = question.format(unit=site.a_unit, year=site.a_year)
    ana = _ask(site, "ana", question)
    assert ana["found"] and site.a["sid"] in json.dumps(ana)  # answered from A's records or documents
    answer = _ask(site, "bob", question)
    for echoed in ("question", "resolved_question"):  # bob's own words, which may name A's unit
        answer.pop(echoed)
    bob = json.dumps(answer, ensure_ascii=False)
    assert not [s for s in (site.a["sid"], site.a["report"], site.a_unit, *site.a_files) if s in bob], bob


def test_an_ask_answered_only_by_another_bureaus_data_says_there_is_no_data(site):
    question = f"{site.a_year}年有多少个项目？"
    assert _ask(site, "ana", question)["aggregate"]["value"] >= 1
    bob = _ask(site, "bob", question)
    assert not bob["found"] and bob["aggregate"]["value"] == 0 and not bob["rows"]
    assert re.search(r"没有", bob["text"]), bob["text"]


def test_the_same_file_sent_by_another_bureau_is_refused_and_the_first_copy_kept(site):
    path = site.b_file.with_name(site.a_files[0])
    r = site.client.post("/api/v1/submissions", headers=site.auth("bob"), data={"defer_vectors": "true"},
                         files=[("files", (path.name, path.read_bytes()))])
    assert r.status_code == 202, r.text
    job = wait_job(site.client, site.auth("bob"), r.json()["id"])
    (f,) = job["files"]
    assert f["status"] == "failed" and "其他机构" in f["reason"] and site.a["sid"] not in json.dumps(job)
    assert site.client.get(f"/api/v1/submissions/{site.a['sid']}", headers=site.auth("ana")).status_code == 200


def test_a_reviewer_cannot_reach_the_admin_routes(site):
    admin_only = [("delete", "/api/v1/submissions/{sid}"), ("get", "/api/v1/ask/feedback/export.{fmt}"),
                  ("get", "/api/v1/ask/feedback/worst")]
    for method, path in admin_only:
        r = _request(site, "ana", method, path)  # ana's own bureau's submission: refused for the role
        assert_chinese_error(r, 403, "forbidden")
    assert _request(site, "admin", "get", "/api/v1/ask/feedback/worst").status_code == 200


def test_me_says_which_bureau(site):
    assert site.client.get("/api/v1/me", headers=site.auth("bob")).json()["bureau"] == "beta"


def test_ids_of_another_bureau_in_a_request_body_are_as_unknown_ids(site):
    """Batch review, batch drafting and a resubmission name submissions in the body, not the path."""
    c, bob, sid = site.client, site.auth("bob"), site.a["sid"]
    before = c.get(f"/api/v1/submissions/{sid}", headers=site.auth("ana")).json()["summary"]["state"]
    batch = c.post("/api/v1/review/batch", headers=bob, json={"submission_ids": [sid], "action": "state",
                                                              "state": "in_review"}).json()
    assert batch["done"] == 0 and batch["items"][0]["ok"] is False and "没有编号为" in batch["items"][0]["message"]
    assert c.get(f"/api/v1/submissions/{sid}", headers=site.auth("ana")).json()["summary"]["state"] == before
    assert_chinese_error(c.post("/api/v1/drafts/batch", headers=bob, json={"submission_ids": [sid]}), 404, "not_found")
    resubmitted = c.post("/api/v1/submissions", headers=bob, data={"replaces": sid},
                         files=[("files", ("说明.txt", "项目名称：乙\n".encode()))])
    assert_chinese_error(resubmitted, 404, "not_found")
