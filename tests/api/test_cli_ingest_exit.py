"""``ziping ingest`` exit status: 1 when nothing was stored, 0 otherwise (a partial failure is
named on the summary's last line)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.settings import get_settings
from tests.assistant.checker.test_checker_cli import FORM


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def _form(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    for row in FORM:
        ws.append(row)
    wb.save(path)
    return path


def _broken(tmp_path: Path) -> list[Path]:
    a, b = tmp_path / "坏文件.docx", tmp_path / "空文件.pdf"
    a.write_bytes(b"PK\x03\x04 not really a docx")
    b.write_bytes(b"")
    return [a, b]


def _ingest(*args: object):
    return CliRunner().invoke(app, ["ingest", "--defer-vectors", *map(str, args)])


def test_every_file_failing_exits_1_with_a_chinese_summary(data_dir, tmp_path):
    result = _ingest(*_broken(tmp_path))
    assert result.exit_code == 1, result.output
    assert "入库失败：全部 2 个文件都未能入库" in result.stderr
    assert "失败 2" in result.stdout


def test_json_output_keeps_the_exit_status_and_valid_json(data_dir, tmp_path):
    result = CliRunner().invoke(app, ["ingest", "--defer-vectors", "--json", *map(str, _broken(tmp_path))])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["counts"]["failed"] == 2


def test_an_empty_folder_exits_1(data_dir, tmp_path):
    (tmp_path / "empty").mkdir()
    result = _ingest(tmp_path / "empty")
    assert result.exit_code == 1 and "没有找到任何文件" in result.stderr


def test_partial_failure_exits_0_and_says_how_many_failed(data_dir, tmp_path):
    good = _form(tmp_path / "甲自评表.xlsx")
    result = _ingest(good, *_broken(tmp_path))
    assert result.exit_code == 0, result.output
    assert "3 个文件中有 2 个失败" in result.stdout
    # run again: the good file is already stored (skipped), which is not a failure of the batch
    again = _ingest(good)
    assert again.exit_code == 0 and "已跳过 1" in again.stdout and "个失败" not in again.output


def test_help_documents_the_exit_status():
    out = CliRunner().invoke(app, ["ingest", "--help"]).stdout
    assert "退出码" in out and "1 = 一个文件也没有入库" in out
