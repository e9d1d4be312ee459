"""👍 / 👎 over HTTP and on the command line (issue 18 item 6): a user rates answers of their own
conversations (a 👎 with a reason, refused in Chinese without one), admins export the ratings and
read the worst-rated answers; ``ziping feedback`` does the same from the command line."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import ApiSettings, create_app
from api.cli import app as cli_app
from assistant.settings import Settings, get_settings


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ask-feedback")
    app = create_app(Settings(data_dir=data_dir), ApiSettings(start_worker=False))
    run = uuid.uuid4().hex[:6]
    with TestClient(app) as client:
        admin = _auth(app.state.users.add(f"admin{run}", "admin")[1])
        zhang = _auth(app.state.users.add(f"zhang{run}", "reviewer")[1])
        li = _auth(app.state.users.add(f"li{run}", "reviewer")[1])
        yield client, admin, zhang, li, data_dir


def test_an_answer_is_rated_and_the_rating_exported(site):
    client, admin, zhang, li, _ = site
    first = client.post("/api/v1/ask", json={"question": "退回的有哪些？"}, headers=zhang).json()
    assert first["turn"] == 0 and first["conversation_id"]
    cid = first["conversation_id"]
    second = client.post("/api/v1/ask", json={"question": "待审的有几份？", "conversation_id": cid},
                         headers=zhang).json()
    assert second["turn"] == 1

    r = client.post("/api/v1/ask/feedback", json={"conversation_id": cid, "turn": 1, "rating": -1}, headers=zhang)
    assert r.status_code == 422 and "理由" in r.json()["error"]["message"]
    r = client.post("/api/v1/ask/feedback", json={"conversation_id": cid, "turn": 1, "rating": -1,
                                                  "reason": "没有说明是哪几份"}, headers=zhang)
    assert r.status_code == 200, r.text
    assert r.json()["question"] == "待审的有几份？" and r.json()["rating"] == -1
    # another user's conversation is not theirs to rate
    r = client.post("/api/v1/ask/feedback", json={"conversation_id": cid, "turn": 0, "rating": 1}, headers=li)
    assert r.status_code == 404
    r = client.post("/api/v1/ask/feedback", json={"conversation_id": cid, "turn": 9, "rating": 1}, headers=zhang)
    assert r.status_code == 422 and "第10轮" in r.json()["error"]["message"]

    assert client.get("/api/v1/ask/feedback/export.csv", headers=zhang).status_code == 403
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/ask/feedback/export.csv", headers=admin).text.lstrip("\ufeff"))))
    assert rows[0][0] == "对话编号" and rows[1][:5] == [cid, "2", zhang_name(client, zhang), "👎", "没有说明是哪几份"]
    data = client.get("/api/v1/ask/feedback/export.json", headers=admin).json()
    assert [(d["turn"], d["rating"]) for d in data] == [(1, -1)]
    assert client.get("/api/v1/ask/feedback/export.xml", headers=admin).status_code == 404
    worst = client.get("/api/v1/ask/feedback/worst?n=3", headers=admin).json()
    assert worst[0]["question"] == "待审的有几份？" and worst[0]["reasons"] == ["没有说明是哪几份"]


def zhang_name(client: TestClient, headers: dict[str, str]) -> str:
    return client.get("/api/v1/me", headers=headers).json()["name"]


def test_the_command_line_rates_exports_and_reports(site, monkeypatch, tmp_path):
    client, _, zhang, _, data_dir = site
    cid = client.post("/api/v1/ask", json={"question": "审核中的有哪些？"}, headers=zhang).json()["conversation_id"]
    monkeypatch.setenv("ZIPING_DATA_DIR", str(data_dir))
    monkeypatch.delenv("ZIPING_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    refused = runner.invoke(cli_app, ["feedback", "rate", cid, "1", "--down"])
    assert refused.exit_code == 2 and "理由" in refused.output
    done = runner.invoke(cli_app, ["feedback", "rate", cid, "1", "--down", "--reason", "应列出材料名", "--user", "王五"])
    assert done.exit_code == 0, done.output
    assert "第1轮 👎" in done.output
    out = tmp_path / "fb.json"
    assert runner.invoke(cli_app, ["feedback", "export", "--format", "json", "--out", str(out)]).exit_code == 0
    assert any(d["reason"] == "应列出材料名" and d["user"] == "王五" for d in json.loads(out.read_text(encoding="utf-8")))
    report = runner.invoke(cli_app, ["feedback", "worst", "--n", "5"])
    assert report.exit_code == 0 and "审核中的有哪些？" in report.output and "应列出材料名" in report.output
    get_settings.cache_clear()
