"""The rule packs over HTTP (issue 19 item 5): GET /api/v1/rules/profiles lists each pack with its
version and 依据 (official or repost); GET /api/v1/rules/profiles/{name}/diff says what it changes
from the national pack; the rules page carries the section that shows it; and a re-check over
HTTP names the pack version it applied."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from tests.support.samples import make_submission


@pytest.fixture
def api(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings, ApiSettings())
    with TestClient(app) as client:
        _, token = app.state.users.add("zhangsan", "reviewer")
        yield client, {"Authorization": f"Bearer {token}"}, app.state.stores.records


def test_the_packs_are_listed_with_version_and_sources(api):
    client, auth, _ = api
    r = client.get("/api/v1/rules/profiles", headers=auth)
    assert r.status_code == 200, r.text
    packs = {p["name"]: p for p in r.json()}
    assert list(packs)[0] == "national" and {"sichuan", "baoshan", "yueyang", "municipal", "exec_caps"} <= set(packs)
    assert all(p["version"] for p in packs.values())
    sichuan = packs["sichuan"]
    assert sichuan["official"] and sichuan["extends"] == "national" and sichuan["changes"] > 0
    assert sichuan["basis"][0]["url"] == "https://www.scqs.gov.cn/info/13206/211004.htm"
    assert not packs["municipal"]["official"] and "转载" in packs["municipal"]["basis"][0]["label"]
    assert client.get("/api/v1/rules/profiles").status_code == 401


def test_a_packs_diff_from_national(api):
    client, auth, _ = api
    r = client.get("/api/v1/rules/profiles/baoshan/diff", headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["pack"]["name"] == "baoshan"
    changes = {c["key"]: c for c in body["changes"]}
    assert (changes["execution_weight"]["national"], changes["execution_weight"]["pack"]) == ("10", "20")
    assert changes["execution_weight"]["basis"]["official"] and "gov.cn" in changes["execution_weight"]["basis"]["url"]
    assert client.get("/api/v1/rules/profiles/national/diff", headers=auth).json()["changes"] == []


def test_an_unknown_pack_is_a_chinese_404(api):
    client, auth, _ = api
    r = client.get("/api/v1/rules/profiles/atlantis/diff", headers=auth)
    assert r.status_code == 404 and "没有这个审核口径" in r.json()["error"]["message"]


def test_the_rules_page_has_the_diff_section(api):
    client, _, _ = api
    page = client.get("/rules")
    assert page.status_code == 200
    assert "与全国口径的差异" in page.text and 'id="pack-diff"' in page.text


def test_a_recheck_names_the_pack_version_it_applied(api):
    client, auth, records = api
    records.save_submission(make_submission("packsrecheck0001"))
    r = client.post("/api/v1/submissions/packsrecheck0001/recheck", headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["profile"] == "national" and r.json()["profile_version"] == "2026.1"
