"""The cycle over HTTP and the command line (issue 19): a self-evaluation's linked declaration and
monitoring form with the comparison findings (``GET /submissions/{id}/cycle``), the forms and
their links (``GET /cycle``), and a reviewer's relink (``PUT /cycle/{id}/link``, ``ziping cycle
link|unlink``) that re-checks the self-evaluations concerned; bad requests get Chinese errors and
change nothing."""

from __future__ import annotations

import json
import random

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import ApiSettings, create_app
from api.cli import app as cli
from assistant.settings import Settings
from assistant.stores import open_stores
from assistant.stores.cycle import CycleStore
from eval.synth.cycle import make_triple
from eval.synth.cycle_files import write_triple
from ingest.pipeline import IngestOptions, ingest_paths


def _ingest(tmp_path, settings: Settings, seed: int, defects: list[str], parts=(0, 1, 2)) -> dict[str, str]:
    triple = make_triple(random.Random(seed), seed, defects)
    paths = write_triple(triple, tmp_path / f"files{seed}")
    stores = open_stores(settings)
    try:
        report = ingest_paths([paths[i] for i in parts], stores, IngestOptions(defer_vectors=True))
    finally:
        stores.close()
    names = ("declaration", "monitoring", "evaluation")
    return {names[i]: f.submission_id for i, f in zip(parts, report.files, strict=True)}


@pytest.fixture
def site(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings, ApiSettings(start_worker=False))
    with TestClient(app) as client:
        token = app.state.users.add("zhang", "reviewer")[1]
        yield client, {"Authorization": f"Bearer {token}"}, settings


def test_cycle_route_shows_the_linked_forms_and_the_comparison_findings(tmp_path, site):
    client, auth, settings = site
    ids = _ingest(tmp_path, settings, 11, ["vaguer", "funds_changed"])
    body = client.get(f"/api/v1/submissions/{ids['evaluation']}/cycle", headers=auth).json()
    assert [link["kind"] for link in body["links"]] == ["declaration", "monitoring"]
    assert all(link["evaluation_id"] == ids["evaluation"] and link["state"] == "linked" for link in body["links"])
    assert body["declaration"]["indicators"] and len(body["monitorings"]) == 1
    assert {f["rule"] for f in body["findings"]} == {"CYCLE-VAL-002", "CYCLE-FUND-001"}
    assert {p["kind"] for p in body["pairs"]} == {"same"}
    assert [p["declared"] for p in body["pairs"]] == list(range(len(body["declaration"]["indicators"])))
    own = client.get(f"/api/v1/submissions/{ids['declaration']}/cycle", headers=auth).json()
    assert own["links"][0]["submission_id"] == ids["declaration"] and own["findings"] == []
    assert client.get("/api/v1/submissions/nosuch/cycle", headers=auth).status_code == 404


def test_relink_over_http_rechecks_and_bad_requests_change_nothing(tmp_path, site):
    client, auth, settings = site
    first = _ingest(tmp_path, settings, 13, ["dropped"], parts=(2,))
    other = _ingest(tmp_path, settings, 15, [], parts=(0,))  # another project's declaration: unmatched
    listed = client.get("/api/v1/cycle?state=unmatched", headers=auth).json()
    assert [f["submission_id"] for f in listed] == [other["declaration"]]
    assert "没有找到" in listed[0]["note"]

    bad = client.put(f"/api/v1/cycle/{other['declaration']}/link", json={"evaluation_id": "nosuch"}, headers=auth)
    assert bad.status_code == 422 and "没有编号为 nosuch" in bad.json()["error"]["message"]
    missing = client.put("/api/v1/cycle/nosuch/link", json={"evaluation_id": first["evaluation"]}, headers=auth)
    assert missing.status_code == 404
    assert client.get("/api/v1/cycle?state=unmatched", headers=auth).json() == listed  # unchanged

    done = client.put(f"/api/v1/cycle/{other['declaration']}/link", json={"evaluation_id": first["evaluation"]},
                      headers=auth).json()
    assert (done["state"], done["evaluation_id"], done["linked_by"]) == ("manual", first["evaluation"], "zhang")
    # the self-evaluation is now compared with a declaration of another project: its indicators differ
    rules = {f["rule"] for f in client.get(f"/api/v1/submissions/{first['evaluation']}/cycle", headers=auth)
             .json()["findings"]}
    assert "CYCLE-IND-001" in rules and "CYCLE-IND-002" in rules
    undone = client.put(f"/api/v1/cycle/{other['declaration']}/link", json={"evaluation_id": None}, headers=auth)
    assert undone.json()["state"] == "unlinked"
    after = client.get(f"/api/v1/submissions/{first['evaluation']}/cycle", headers=auth).json()
    assert after["links"] == [] and after["findings"] == []


def test_cycle_cli_lists_links_and_unlinks(tmp_path, monkeypatch):
    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    settings = Settings(data_dir=tmp_path / "data")
    ids = _ingest(tmp_path, settings, 17, ["goal_rewritten"])
    listed = CliRunner().invoke(cli, ["cycle", "list"])
    assert listed.exit_code == 0 and "绩效目标申报表" in listed.output and "自动关联" in listed.output
    result = CliRunner().invoke(cli, ["cycle", "unlink", ids["declaration"], "--user", "li", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["state"] == "unlinked"
    stores = open_stores(settings)
    try:
        assert not any(f.rule == "CYCLE-GOAL-001" for f in stores.records.get_findings(ids["evaluation"]))
        assert [link.kind for link in CycleStore(stores.records).links_of(ids["evaluation"])] == ["monitoring"]
    finally:
        stores.close()
    relinked = CliRunner().invoke(cli, ["cycle", "link", ids["declaration"], ids["evaluation"], "--user", "li"])
    assert relinked.exit_code == 0 and "已按新关联重新预审" in relinked.output
    assert CliRunner().invoke(cli, ["cycle", "link", "nosuch", ids["evaluation"]]).exit_code == 3
    assert CliRunner().invoke(cli, ["cycle", "link", ids["declaration"], ids["declaration"]]).exit_code == 2
