"""``GET /api/v1/submissions/{sid}/preview``: the original opened at a finding's cell, as an inert
page (no script allowed by its policy), for .docx, .xlsx and PDF originals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from ingest.readers import read_document
from tests.api.support import wait_job


@pytest.fixture(scope="module")
def api(tmp_path_factory, synth):
    data_dir = tmp_path_factory.mktemp("preview-data")
    app = create_app(Settings(data_dir=data_dir), ApiSettings())
    with TestClient(app) as client:
        _, token = app.state.users.add("审核员", "reviewer")
        headers = {"Authorization": f"Bearer {token}"}
        paths = [synth[k] for k in ("docx_table", "xlsx_table", "pdf_table")]
        r = client.post("/api/v1/submissions", headers=headers, data={"defer_vectors": "true"},
                        files=[("files", (p.name, p.read_bytes())) for p in paths])
        job = wait_job(client, headers, r.json()["id"])
        sids = {Path(f["name"]).suffix.lstrip("."): f["submission_id"] for f in job["files"]}
        yield client, headers, sids, data_dir, {p.suffix.lstrip("."): p for p in paths}


def _cell_finding(client, headers, sid):
    findings = client.get(f"/api/v1/submissions/{sid}", headers=headers).json()["findings"]
    return next(f for f in findings if f["location"]["table"] is not None and f["location"]["row"] is not None)


def _hit_text(html: str) -> str:
    m = re.search(r'<td id="[^"]+" class="hit"[^>]*><a id="hit"></a>(.*?)</td>', html, re.S)
    assert m, "no marked cell"
    return m.group(1).replace("<br>", "\n")


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_findings_cell_is_marked_with_the_text_the_reader_read_there(api, fmt):
    client, headers, sids, data_dir, files = api
    f = _cell_finding(client, headers, sids[fmt])
    r = client.get(f"/api/v1/submissions/{sids[fmt]}/preview", params={"finding": f["id"]}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    # read the file again independently of the preview: the marked cell is the one the finding names
    loc = f["location"]
    table = read_document(files[fmt]).tables[loc["table"]]
    from html import escape

    cell = table.rows[loc["row"]][loc["col"] or 0]
    assert _hit_text(r.text) == escape(cell.text)
    assert f["location_text"] in r.text
    # the page may not run any script, and only this response's nonce styles it
    policy = r.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<style nonce="{nonce}">' in r.text and "<script" not in r.text
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert list((data_dir / "files" / "previews").glob(f"{sids[fmt]}.json")), "the rendered preview is cached"


def test_cell_given_directly_and_a_place_not_in_the_file(api):
    client, headers, sids, _, _ = api
    url = f"/api/v1/submissions/{sids['docx']}/preview"
    r = client.get(url, params={"table": 0, "row": 0, "col": 0}, headers=headers)
    assert 'id="c0-0-0" class="hit"' in r.text
    missing = client.get(url, params={"table": 99, "row": 0, "col": 0}, headers=headers)
    assert missing.status_code == 200 and 'class="hit"' not in missing.text and "原件中没有找到这个位置" in missing.text


def test_pdf_shows_the_page_as_an_image(api):
    client, headers, sids, _, _ = api
    r = client.get(f"/api/v1/submissions/{sids['pdf']}/preview", params={"page": 1}, headers=headers)
    assert r.status_code == 200
    assert re.search(r'<img class="page" src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', r.text)
    assert "显示第1页" in r.text and "红框" not in r.text and 'id="hit"' not in r.text


def test_a_pdf_findings_cell_is_outlined_on_its_page(api):
    client, headers, sids, _, _ = api
    f = _cell_finding(client, headers, sids["pdf"])
    r = client.get(f"/api/v1/submissions/{sids['pdf']}/preview", params={"finding": f["id"]}, headers=headers)
    assert r.status_code == 200
    assert f"显示第{f['location']['page'] or 1}页，红框处为所指单元格" in r.text
    assert '<a id="hit"></a>' in r.text and re.search(r"#hit \{ position: absolute; left: 0; top: [\d.]+%; \}", r.text)


def test_errors_are_chinese_and_the_preview_needs_a_login(api):
    client, headers, sids, _, _ = api
    assert client.get(f"/api/v1/submissions/{sids['docx']}/preview").status_code == 401
    r = client.get("/api/v1/submissions/nosuch/preview", headers=headers)
    assert r.status_code == 404 and "没有这份材料" in r.json()["error"]["message"]
    r = client.get(f"/api/v1/submissions/{sids['docx']}/preview", params={"finding": "nosuch"}, headers=headers)
    assert r.status_code == 404 and "审核发现" in r.json()["error"]["message"]
