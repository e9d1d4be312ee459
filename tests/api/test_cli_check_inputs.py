"""``ziping check`` takes what ``ziping ingest`` takes: files, folders and .zip archives (members
unpacked the same safe way, a refused member reported and the rest still checked)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from tests.assistant.checker.test_checker_cli import FORM


def _form(path: Path, project: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    for row in FORM:
        ws.append([project if cell == "学生资助补助经费" else cell for cell in row])
    wb.save(path)
    return path


@pytest.fixture
def two_forms(tmp_path: Path) -> list[Path]:
    src = tmp_path / "src"
    src.mkdir()
    return [_form(src / "甲自评表.xlsx", "学生资助补助经费"), _form(src / "乙自评表.xlsx", "校舍维修经费")]


def _check_json(*args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["check", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _projects(items: list[dict]) -> list[str]:
    return sorted(p for i in items for p in i["submission"].get("projects", []))


def test_check_a_zip_of_two_forms(two_forms, tmp_path):
    archive = tmp_path / "自评表.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for form in two_forms:
            z.write(form, f"材料/{form.name}")
    items = _check_json(str(archive))
    assert _projects(items) == ["学生资助补助经费", "校舍维修经费"]
    for item in items:
        assert {"CALC-FUND-001", "CALC-IND-001"} <= {f["rule"] for f in item["findings"]}
    # the same findings as the two files named one by one (checked together: same unit, same year)
    direct = _check_json(*map(str, two_forms))
    assert _rules(items) == _rules(direct)


def _rules(items: list[dict]) -> dict[str, list[str]]:
    return {i["submission"]["file"]: sorted(f["rule"] for f in i["findings"]) for i in items}


def test_check_a_folder_holding_a_form_and_a_zip(two_forms, tmp_path):
    folder = tmp_path / "批次"
    folder.mkdir()
    (folder / two_forms[0].name).write_bytes(two_forms[0].read_bytes())
    with zipfile.ZipFile(folder / "补充.zip", "w") as z:
        z.write(two_forms[1], two_forms[1].name)
    items = _check_json(str(folder))
    assert _projects(items) == ["学生资助补助经费", "校舍维修经费"]


def test_a_refused_zip_member_is_reported_and_the_rest_checked(two_forms, tmp_path):
    archive = tmp_path / "混合.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(two_forms[0], two_forms[0].name)
        z.writestr("../出逃.xlsx", b"x")
    result = CliRunner().invoke(app, ["check", str(archive)])
    assert result.exit_code == 0, result.output
    assert "共检查 2 个文件（1 个无法读取）" in result.stdout
    assert "出逃.xlsx" in result.stderr and "Traceback" not in result.output


def test_a_zip_with_nothing_readable_exits_2(tmp_path):
    archive = tmp_path / "坏.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(app, ["check", str(archive)])
    assert result.exit_code == 2
    assert "无法打开压缩包" in result.stderr
