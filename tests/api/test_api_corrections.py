"""Corrections, read certainty and versions over HTTP on the real app (real SQLite, full text):
a correction re-checks and answers with the original beside it, bad input answers 404 / 409 / 422
in Chinese and changes nothing, a 待核实 read is confirmed once, the list and detail carry the
certainty, and a file uploaded against a submission becomes its next version with a diff."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from tests.api.support import wait_job, with_text_replaced
from tests.support.samples import make_submission

ERROR_KEYS = {"code", "message", "message_en"}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert set(body) >= ERROR_KEYS and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    return body["message"]


def upload(client, headers, path: Path, **form: str) -> str:
    r = client.post("/api/v1/submissions", headers=headers, files=[("files", (path.name, path.read_bytes()))],
                    data={"defer_vectors": "true", **form})
    assert r.status_code == 202, r.text
    job = wait_job(client, headers, r.json()["id"])
    (f,) = job["files"]
    assert f["submission_id"], job
    return f["submission_id"]


def planted(corpus: Path) -> tuple[Path, dict]:
    for labels in sorted(corpus.glob("*.labels.json")):
        data = json.loads(labels.read_text(encoding="utf-8"))
        if data["kind"] == "docx_table" and any(d["rule"] == "CALC-IND-001" for d in data["defects"]):
            return corpus / data["file"], data
    raise AssertionError("no .docx table with a planted CALC-IND-001")


@pytest.fixture(scope="module")
def api(tmp_path_factory, synth_corpus):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("api-review-b")),
                     ApiSettings(ask_per_minute=6000, ask_burst=1000))
    with TestClient(app) as client:
        _, token = app.state.users.add("张审核", "reviewer")
        path, labels = planted(synth_corpus)
        sid = upload(client, auth(token), path)
        yield client, app, auth(token), sid, path, labels


def test_a_correction_rechecks_and_shows_the_original(api):
    client, _, headers, sid, _, labels = api
    defect = next(d for d in labels["defects"] if d["rule"] == "CALC-IND-001")
    field = defect["location"]["field"]
    read = client.get(f"/api/v1/submissions/{sid}/corrections", headers=headers).json()
    assert (read["certainty"], read["certainty_text"], read["corrections"]) == ("recognised", "已识别", [])
    right = re.search(r"应为([0-9.]+)", defect["note"]).group(1)  # the score the label says is right
    r = client.post(f"/api/v1/submissions/{sid}/corrections", headers=headers,
                    json={"field_path": field, "value": right, "expected_version": read["review_version"]})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["correction"]["actor"] == "张审核" and out["correction"]["value_text"] == right
    assert "CALC-IND-001" in out["findings_resolved"]
    i = int(field.split("indicators[")[1].split("]")[0])
    original = labels["expected"]["evaluations"][0]["indicators"][i]["score"]
    assert float(out["correction"]["original_text"]) == original
    assert [c["field_path"] for c in out["read"]["corrections"]] == [field]
    assert out["read"]["review_version"] == read["review_version"] + 1
    detail = client.get(f"/api/v1/submissions/{sid}", headers=headers).json()
    assert detail["submission"]["evaluations"][0]["indicators"][i]["score"] == float(right)


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"field_path": "evaluations[0].indicators[99].score", "value": "1"}, 422, "没有第 99 项"),
    ({"field_path": "evaluations[0].nothing", "value": "1"}, 422, "没有这个字段"),
    ({"field_path": "evaluations[0].indicators[0].score", "value": "满分"}, 422, "不是分值"),
    ({"field_path": "evaluations[0].total_score", "value": "90", "expected_version": 999}, 409, "已被他人修改"),
])
def test_bad_corrections_answer_in_chinese_and_change_nothing(api, body, status, message):
    client, _, headers, sid, _, _ = api
    before = client.get(f"/api/v1/submissions/{sid}/corrections", headers=headers).json()
    detail = client.get(f"/api/v1/submissions/{sid}", headers=headers).json()
    r = client.post(f"/api/v1/submissions/{sid}/corrections", headers=headers, json=body)
    assert message in assert_error(r, status)
    assert client.get(f"/api/v1/submissions/{sid}/corrections", headers=headers).json() == before
    assert client.get(f"/api/v1/submissions/{sid}", headers=headers).json()["submission"] == detail["submission"]


def test_unknown_submission_is_404(api):
    client, _, headers, *_ = api
    assert_error(client.post("/api/v1/submissions/nope/corrections", headers=headers,
                             json={"field_path": "year", "value": "2023"}), 404)
    assert_error(client.post("/api/v1/submissions/nope/confirm", headers=headers, json={}), 404)
    assert_error(client.get("/api/v1/submissions/nope/versions", headers=headers), 404)


def test_an_uncertain_read_is_amber_in_the_list_and_confirmed_once(api):
    client, app, headers, *_ = api
    unsure = make_submission("unsure0000000001", unit="某县水利局")
    unsure.status, unsure.status_reason = "needs_review", "未找到指标表"
    app.state.stores.records.save_submission(unsure)
    items = {s["id"]: s for s in client.get("/api/v1/submissions", headers=headers).json()["items"]}
    assert (items[unsure.id]["certainty"], items[unsure.id]["certainty_text"]) == ("uncertain", "待核实")
    detail = client.get(f"/api/v1/submissions/{unsure.id}", headers=headers).json()
    assert detail["summary"]["certainty_text"] == "待核实"
    r = client.post(f"/api/v1/submissions/{unsure.id}/confirm", headers=headers, json={"expected_version": 1})
    assert r.status_code == 200, r.text
    assert (r.json()["certainty"], r.json()["confirmed_by"]) == ("recognised", "张审核")
    assert "无需确认" in assert_error(client.post(f"/api/v1/submissions/{unsure.id}/confirm", headers=headers,
                                                 json={}), 409)


def test_a_file_uploaded_against_a_submission_is_its_next_version(api, tmp_path):
    client, _, headers, sid, path, labels = api
    assert client.get(f"/api/v1/submissions/{sid}/versions", headers=headers).json()["versions"] == []
    assert "没有更早的版本" in assert_error(client.get(f"/api/v1/submissions/{sid}/diff", headers=headers), 422)
    assert_error(client.post("/api/v1/submissions", headers=headers, data={"replaces": "nope"},
                             files=[("files", (path.name, path.read_bytes()))]), 404)
    raw = labels["expected"]["evaluations"][0]["project_name"]
    renamed = with_text_replaced(path, tmp_path / f"重报_{path.name}", raw, f"{raw}（重报）")
    new = upload(client, headers, renamed, replaces=sid)
    versions = client.get(f"/api/v1/submissions/{new}/versions", headers=headers).json()
    assert [(v["submission_id"], v["number"]) for v in versions["versions"]] == [(sid, 1), (new, 2)]
    assert versions["versions"][1]["linked_by"] == "replaces"
    diff = client.get(f"/api/v1/submissions/{new}/diff", headers=headers).json()
    assert diff["old_id"] == sid
    assert {"field_path": "evaluations[0].project_name", "old": raw, "new": f"{raw}（重报）"} in diff["changes"]
    # the old version's corrected score is not in the new file: the finding is back as new
    assert "CALC-IND-001" in {f["rule"] for f in diff["new"]}
    assert all(f["submission_id"] == new for f in diff["still_present"])
