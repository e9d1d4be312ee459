"""``ziping check`` and ``ziping rules``, the exports, and docs/rules.md staying in sync."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from api.cli import check as check_cli
from api.cli import rules as rules_cli
from assistant.checker.catalog import catalog_markdown
from assistant.checker.registry import NOT_IMPLEMENTED, rule_classes

ROOT = Path(__file__).resolve().parents[3]

M = None
FORM = [  # a MOF-layout table with planted defects: rate 100% for 114/120, full marks for 400/500
    ["项目名称", "学生资助补助经费", M, M, M, M, M, M, M],
    ["主管部门", "某县教育局", M, M, "实施单位", "某县教育局", M, M, M],
    ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", M],
    ["", "年度资金总额", "120", "120", "114", "10", "100%", "10", M],
    ["", "其中：当年财政拨款", "110", "110", "105", "—", "—", "—", M],
    ["", "上年结转资金", "10", "10", "9", "—", "—", "—", M],
    ["", "其他资金", "0", "0", "0", "—", "—", "—", M],
    ["年度总体目标", "预期目标", M, M, M, "实际完成情况", M, M, M],
    ["", "资助学生500人", M, M, M, "资助学生400人", M, M, M],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["", "产出指标(50分)", "数量指标", "资助人数", "≧500人", "400人", "30", "30", ""],
    ["", "", "质量指标", "资助准确率", "═100%", "100%", "20", "20", ""],
    ["", "效益指标（30分）", "社会效益", "辍学率", "≤1%", "0.8%", "30", "30", ""],
    ["", "满意度指标(10分)", "服务对象满意度", "学生满意度", "≥90%", "95%", "10", "10", ""],
    ["总分", M, M, M, M, M, "100", "100", M],
]


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    check_cli.register(app)
    rules_cli.register(app)
    return app


@pytest.fixture
def form(tmp_path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    for row in FORM:
        ws.append(row)
    path = tmp_path / "学生资助自评表.xlsx"
    wb.save(path)
    return path


def test_check_table_output_groups_by_severity(app, form):
    out = CliRunner().invoke(app, ["check", str(form)])
    assert out.exit_code == 0, out.output
    assert "学生资助自评表.xlsx" in out.output and "【错误】" in out.output
    assert "执行率应为 95.00%（114/120），表内填报 100%" in out.output
    assert "CALC-IND-001" in out.output and "共检查 1 个文件" in out.output


def test_check_json_lists_submissions_with_findings(app, form, tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a docx")
    out = CliRunner().invoke(app, ["check", str(form), str(bad), "--format", "json", "--min-severity", "error"])
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    first, second = data
    assert first["submission"]["file"] == form.name and first["submission"]["projects"] == ["学生资助补助经费"]
    assert {f["severity"] for f in first["findings"]} == {"error"}
    rate = next(f for f in first["findings"] if f["rule"] == "CALC-FUND-001")
    assert rate["location"]["field"] == "evaluations[0].funds.rate" and rate["location"]["sheet"] == "自评表"
    assert rate["id"] and rate["source"] and rate["suggestion"]
    assert second["submission"]["error"] and second["findings"] == []


def test_check_exit_code_2_only_when_nothing_could_be_read(app, tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    out = CliRunner().invoke(app, ["check", str(bad), str(tmp_path / "missing.docx")])
    assert out.exit_code == 2 and "Traceback" not in out.output
    out = CliRunner().invoke(app, ["check", str(bad), "--profile", "atlantis"])
    assert out.exit_code == 2 and "atlantis" in out.output


def test_check_folder_markdown_to_file(app, form, tmp_path):
    target = tmp_path / "report.md"
    out = CliRunner().invoke(app, ["check", str(form.parent), "--format", "markdown", "--out", str(target)])
    assert out.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 审核发现") and "| 错误 | CALC-FUND-001 |" in text


def test_check_xlsx_has_findings_and_summary_sheets(app, form, tmp_path):
    target = tmp_path / "审核.xlsx"
    assert CliRunner().invoke(app, ["check", str(form), "--format", "xlsx"]).exit_code == 2  # needs --out
    out = CliRunner().invoke(app, ["check", str(form), "--format", "xlsx", "--out", str(target),
                                   "--profile", "sichuan"])
    assert out.exit_code == 0, out.output
    wb = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert wb.sheetnames == ["审核发现", "汇总"]
    findings, summary = wb["审核发现"], wb["汇总"]
    assert findings["A1"].value == "文件" and findings["A1"].font.bold
    assert findings.auto_filter.ref and findings.auto_filter.ref.startswith("A1:")
    assert summary.auto_filter.ref and findings.freeze_panes == "A2"
    assert findings.column_dimensions["H"].width >= 40
    rules = {findings.cell(row=r, column=4).value for r in range(2, findings.max_row + 1)}
    assert "CALC-FUND-001" in rules
    assert summary["A2"].value == form.name and summary["F2"].value >= 1  # 错误 count


def test_rules_command_lists_the_catalog(app):
    out = CliRunner().invoke(app, ["rules"])
    assert out.exit_code == 0 and "CALC-FUND-001" in out.output and "CALC-AGG-001" in out.output
    data = json.loads(CliRunner().invoke(app, ["rules", "--json", "--profile", "sichuan"]).stdout)
    assert len(data["rules"]) == len(rule_classes())
    fund3 = next(r for r in data["rules"] if r["code"] == "MISSING-FUND-003")
    assert fund3["severity"] == "error" and fund3["default_severity"] == "warning"
    assert {n["code"] for n in data["not_implemented"]} == set(NOT_IMPLEMENTED)


def test_docs_rules_md_is_generated_from_the_code(app):
    out = CliRunner().invoke(app, ["rules", "--markdown"])
    assert out.exit_code == 0
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert out.stdout == catalog_markdown() == committed, (
        "docs/rules.md is stale: regenerate it with `ziping rules --markdown > docs/rules.md`")
