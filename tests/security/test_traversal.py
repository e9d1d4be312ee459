"""Path traversal: a hostile upload name, a hostile zip member name or a hostile id in a file route
never reads or writes outside the data directory (or the static folder)."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.api.support import wait_job

NOTE = "项目名称：学生资助补助经费\n预算执行率：95%\n".encode()


def _outside(site, marker: str) -> list[Path]:
    """Files named after ``marker`` outside the data directory's uploads: anywhere under the test
    session's temporary root (two levels above the data directory), or right in / or /tmp."""
    found = [p for p in site.data_dir.parent.parent.glob(f"**/*{marker}*") if "uploads" not in p.parts]
    return found + [p for root in (Path("/"), Path("/tmp")) for p in root.glob(f"*{marker}*")]


def test_hostile_upload_names_are_kept_inside(site):
    marker = uuid.uuid4().hex[:10]
    names = [f"../../../../{marker}_a.txt", f"..\\..\\..\\{marker}_b.txt", f"/tmp/{marker}_c.txt",
             f"C:\\Windows\\{marker}_d.txt", f"..%2F..%2F{marker}_e.txt", f"./.{marker}_f.txt", f"\x00{marker}_g.txt"]
    r = site.client.post("/api/v1/submissions", headers=site.auth("li"), data={"defer_vectors": "true", "force": "true"},
                         files=[("files", (n, NOTE)) for n in names])
    assert r.status_code == 202, r.text
    job = wait_job(site.client, site.auth("li"), r.json()["id"])
    shown = [f["name"] for f in job["files"]]
    assert len(shown) == len(names)
    for name in shown:
        assert "/" not in name and "\\" not in name and not name.startswith(".") and "\x00" not in name, name
    assert _outside(site, marker) == []


def test_hostile_zip_members_are_refused_and_written_nowhere(site):
    marker = uuid.uuid4().hex[:10]
    hostile = [f"../../{marker}_a.txt", f"/tmp/{marker}_b.txt", f"ok/../../../{marker}_c.txt", f"C:/{marker}_d.txt"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("good/说明.txt", NOTE)
        for name in hostile:
            zf.writestr(zipfile.ZipInfo(name), NOTE)
    r = site.client.post("/api/v1/submissions", headers=site.auth("li"), data={"defer_vectors": "true", "force": "true"},
                         files=[("files", ("批量.zip", buf.getvalue()))])
    assert r.status_code == 202, r.text
    job = wait_job(site.client, site.auth("li"), r.json()["id"])
    assert _outside(site, marker) == []
    files = job["files"]
    refused = [f for f in files if f["stage"] == "failed"]
    assert len(refused) >= len(hostile) - 1, files  # "C:/x" is a plain relative name on POSIX: kept inside
    assert all(f["code"] == "unsafe_archive" for f in refused if marker in f["name"]), refused
    assert any(f["name"].endswith("说明.txt") and f["stage"] != "failed" for f in files), files


@pytest.mark.parametrize("path", [
    "/api/v1/submissions/..%2F..%2Fziping.db/original",
    "/api/v1/submissions/%2e%2e%2f%2e%2e%2fziping.db/original",
    "/api/v1/submissions/..%5C..%5Cziping.db/original",
    "/api/v1/submissions/....%2F%2Fziping.db/original",
    "/api/v1/drafts/..%2F..%2Fziping.db/docx",
    "/api/v1/jobs/..%2F..%2Fziping.db",
    "/api/v1/ask/conversations/..%2F..%2Fziping.db/export.md",
    "/api/v1/submissions/x/passages/..%2F..%2Fziping.db",
])
def test_file_routes_refuse_traversal_in_ids(site, path):
    r = site.client.get(path, headers=site.auth("admin"))
    assert r.status_code in (404, 422), (path, r.status_code)
    assert b"SQLite format" not in r.content
    assert r.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/static/..%2F..%2Fapi%2Fapp.py", "/static/../app.py", "/static/%2e%2e/app.py",
                                  "/static/..%5Capp.py", "/static//etc/passwd"])
def test_static_files_stay_in_their_folder(site, path):
    r = site.client.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert b"create_app" not in r.content and b"root:" not in r.content


def test_the_original_of_a_submission_is_its_own_file(site):
    sid = site.sids["hostile"]
    r = site.client.get(f"/api/v1/submissions/{sid}/original", headers=site.auth("li"))
    assert r.status_code == 200 and r.content == site.hostile.path.read_bytes()
    assert "attachment" in r.headers["content-disposition"]
