"""``ziping review correct|confirm|versions|diff`` on a real SQLite store: a correction re-checks and
is logged, a confirmation makes a 待核实 read 已识别, versions and their diff print; bad input
prints a Chinese reason, exits non-zero and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.checker import check_submission
from assistant.settings import Settings, get_settings
from assistant.stores import open_stores
from assistant.stores.corrections import CorrectionStore
from assistant.stores.review import ReviewStore
from tests.support.samples import make_submission


@pytest.fixture
def data(tmp_path: Path, monkeypatch):
    """Three stored submissions: a read one, its next version (a score corrected by the unit) and
    an uncertain read."""
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    first, second, unsure = make_submission("cli0000000000001"), make_submission("cli0000000000002"), \
        make_submission("cli0000000000003", unit="某县水利局")
    first.evaluations[0].indicators[0].score = 25.0
    unsure.status, unsure.status_reason = "needs_review", "未找到指标表"
    for sub in (first, second, unsure):
        stores.save(sub, [], check_submission(sub))
    stores.close()
    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def records(data_dir: Path):
    return open_stores(Settings(data_dir=data_dir)).records


def test_correct_rechecks_and_logs_with_the_user(data):
    result = CliRunner().invoke(app, ["review", "correct", "cli0000000000001", "evaluations[0].indicators[0].score",
                                      "20", "--user", "张审核", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["correction"]["parsed"], out["correction"]["original"]) == (20.0, 25.0)
    assert "CALC-IND-001" in out["findings_resolved"]
    r = records(data)
    assert r.get_submission("cli0000000000001").evaluations[0].indicators[0].score == 20.0
    (event,) = ReviewStore(r).events("cli0000000000001")
    assert (event.kind, event.actor) == ("correction", "张审核")
    r.close()
    text = CliRunner().invoke(app, ["review", "correct", "cli0000000000001", "evaluations[0].total_score", "96",
                                    "-u", "张审核"])
    assert text.exit_code == 0 and "已更正 evaluations[0].total_score：95 → 96" in text.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["cli0000000000001", "evaluations[0].indicators[9].score", "10"], "没有第 9 项"),
    (["cli0000000000001", "evaluations[0].indicators[0].score", "很好"], "不是分值"),
    (["no-such-submission", "year", "2023"], "没有编号为"),
])
def test_bad_corrections_are_refused_in_chinese(data, args, message):
    result = CliRunner().invoke(app, ["review", "correct", *args, "--user", "张审核"])
    assert result.exit_code == 2 and message in result.stderr
    r = records(data)
    assert CorrectionStore(r).history("cli0000000000001") == [] and ReviewStore(r).events("cli0000000000001") == []
    r.close()


def test_confirm_an_uncertain_read_once(data):
    result = CliRunner().invoke(app, ["review", "confirm", "cli0000000000003", "--user", "李审核"])
    assert result.exit_code == 0 and "待核实 → 已识别" in result.stdout
    again = CliRunner().invoke(app, ["review", "confirm", "cli0000000000003", "--user", "李审核"])
    assert again.exit_code == 3 and "无需确认" in again.stderr
    r = records(data)
    assert r.get_summary("cli0000000000003").certainty == "recognised"
    assert [e.kind for e in ReviewStore(r).events("cli0000000000003")] == ["certainty"]
    r.close()


def test_versions_and_diff(data):
    result = CliRunner().invoke(app, ["review", "versions", "cli0000000000002", "--json"])
    assert result.exit_code == 0, result.output
    assert [(v["submission_id"], v["number"]) for v in json.loads(result.stdout)] == [
        ("cli0000000000001", 1), ("cli0000000000002", 2)]
    diff = CliRunner().invoke(app, ["review", "diff", "cli0000000000002", "--json"])
    assert diff.exit_code == 0, diff.output
    out = json.loads(diff.stdout)
    assert out["old_id"] == "cli0000000000001"
    assert {"field_path": "evaluations[0].indicators[0].score", "old": "25", "new": "20"} in out["changes"]
    assert "CALC-IND-001" in {f["rule"] for f in out["resolved"]}
    text = CliRunner().invoke(app, ["review", "diff", "cli0000000000002"])
    assert "已消除的审核发现" in text.stdout and "25" in text.stdout
    none = CliRunner().invoke(app, ["review", "diff", "cli0000000000003"])
    assert none.exit_code == 2 and "没有更早的版本" in none.stderr
    alone = CliRunner().invoke(app, ["review", "versions", "cli0000000000003"])
    assert alone.exit_code == 0 and "没有其他版本" in alone.stdout
