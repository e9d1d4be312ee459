"""What a unit typed stays text in everything a reviewer downloads: a unit named
``=HYPERLINK(…)<img onerror>`` and an indicator named ``<script>…`` come out of the workbooks as
string cells (no formula, no hyperlink), out of the CSVs with the ``'`` that keeps Excel from
evaluating them, out of the Word draft as plain runs (no field, no hyperlink), and out of the JSON
API as the literal text (the page escapes it: tests/security/test_inert_page.py)."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from assistant.checker.export import FORMULA_STARTS
from tests.security.conftest import FORMULA, IMG, SCRIPT

XLSX_EXPORTS = ["/api/v1/findings/export.xlsx", "/api/v1/submissions/export.xlsx", "/api/v1/scores/export.xlsx"]
CSV_EXPORTS = ["/api/v1/findings/export.csv", "/api/v1/submissions/export.csv"]


def test_the_api_returns_the_hostile_text_literally(site):
    detail = site.client.get(f"/api/v1/submissions/{site.sids['hostile']}", headers=site.auth("li")).json()
    assert detail["summary"]["unit"] == site.hostile.unit
    names = [i["name"] for e in detail["submission"]["evaluations"] for i in e["indicators"]]
    assert site.hostile.indicator in names


@pytest.mark.parametrize("url", XLSX_EXPORTS)
def test_workbooks_hold_no_formula_and_no_link(site, url):
    r = site.client.get(url, headers=site.auth("admin"))
    assert r.status_code == 200, r.text
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{url} {sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                assert cell.hyperlink is None, f"{url} {sheet.title}!{cell.coordinate} is a link"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert any(t.startswith(FORMULA) for t in texts), f"{url}: the hostile unit is not in the export"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        sheets = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets and b"<f " not in sheets


@pytest.mark.parametrize("url", CSV_EXPORTS)
def test_csv_cells_never_start_like_a_formula(site, url):
    r = site.client.get(url, headers=site.auth("admin"))
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert any(c.startswith("'" + FORMULA) for c in cells), f"{url}: the hostile unit is not in the export"


def test_the_audit_log_csv_keeps_a_typed_reason_as_text(site):
    """The hole this found: the audit log's CSV wrote a reviewer's reason as it was typed, so a
    reason starting with ``=`` became a formula in Excel."""
    sid = site.sids["hostile"]
    detail = site.client.get(f"/api/v1/submissions/{sid}", headers=site.auth("admin")).json()
    finding = detail["findings"][0]
    r = site.client.post(f"/api/v1/findings/{finding['id']}/decision", headers=site.auth("admin"),
                         json={"decision": "false_positive", "reason": FORMULA, "comment": "@SUM(1+1)"})
    assert r.status_code == 200, r.text
    r = site.client.get(f"/api/v1/submissions/{sid}/events", params={"format": "csv"}, headers=site.auth("admin"))
    assert r.status_code == 200, r.text
    cells = [c for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) for c in row]
    assert "'" + FORMULA in cells
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    site.client.post(f"/api/v1/findings/{finding['id']}/decision", headers=site.auth("admin"),
                     json={"decision": "open"})


def test_the_word_draft_holds_the_text_as_text(site):
    sid = site.sids["hostile"]
    r = site.client.post(f"/api/v1/drafts/review/{sid}", headers=site.auth("li"), json={"annex": True})
    assert r.status_code == 200, r.text
    key = r.json()["key"]
    r = site.client.get(f"/api/v1/drafts/{key}/docx", headers=site.auth("li"))
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    for active in ("<w:hyperlink", "<w:fldSimple", "<w:instrText", "<w:object", "<w:altChunk"):
        assert active not in body, active
    assert "HYPERLINK" not in body.replace("=HYPERLINK(&quot;", "").replace('=HYPERLINK("', ""), \
        "the only HYPERLINK is the unit's name as text"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "<img" not in text or IMG in text
    assert "<script" not in text or SCRIPT in text
