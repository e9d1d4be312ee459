"""``ziping check ID`` on stored submissions and ``ziping recheck``, on a real SQLite store."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.checker.version import rules_version
from assistant.settings import Settings, get_settings
from assistant.stores import open_stores
from eval.extraction import label_files
from ingest.pipeline import IngestOptions, ingest_paths


@pytest.fixture
def stored(synth_corpus: Path, tmp_path: Path, monkeypatch) -> dict[str, list[str]]:
    """Two digital tables with planted defects, ingested into a fresh data dir; their ids →
    stored finding rule codes."""
    files = [p for p, lab in label_files(synth_corpus)
             if lab["kind"] in ("docx_table", "xlsx_table") and lab["defects"]][:2]
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    report = ingest_paths(files, stores, IngestOptions(defer_vectors=True))
    ids = [f.submission_id for f in report.files]
    out = {sid: sorted(f.rule for f in stores.records.get_findings(sid)) for sid in ids}
    stores.close()
    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield out
    get_settings.cache_clear()


def test_check_a_stored_id_prints_its_findings_and_stores_nothing(stored):
    sid, rules = next(iter(stored.items()))
    assert rules, "the planted defects give stored findings"
    result = CliRunner().invoke(app, ["check", sid, "--format", "json"])
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert item["submission"]["id"] == sid
    assert sorted(f["rule"] for f in item["findings"]) == rules


def test_check_unknown_reference_is_a_read_error(stored):
    result = CliRunner().invoke(app, ["check", "no-such-id"])
    assert result.exit_code == 2
    assert "既不是文件，也不是已入库材料的编号" in result.stderr


def test_recheck_takes_the_stale_submissions_recomputes_and_reports_the_change(stored, tmp_path):
    sid, rules = next(iter(stored.items()))
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    assert set(stores.records.rules_versions().values()) == {rules_version("auto")}  # stamped at ingest
    # as if stored by an older release whose rules found nothing here
    stores.records.save_findings(sid, [], rules_version="auto@0123456789abcdef")
    stores.close()

    result = CliRunner().invoke(app, ["recheck", "--json"])
    assert result.exit_code == 0, result.output
    [only] = json.loads(result.stdout)["rechecked"]  # the other one is up to date
    assert only["submission_id"] == sid and (only["before"], only["after"]) == (0, len(rules))
    assert Counter(only["added"]) == Counter(rules) and only["removed"] == []

    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    assert sorted(f.rule for f in stores.records.get_findings(sid)) == rules
    assert stores.records.rules_versions()[sid] == rules_version("auto")
    stores.close()
    again = CliRunner().invoke(app, ["recheck"])
    assert "已重新预审 0 份材料" in again.stdout and "无需重查" in again.stdout


def test_recheck_all_with_unchanged_rules_changes_nothing(stored):
    result = CliRunner().invoke(app, ["recheck", "--all", "--json"])
    assert result.exit_code == 0, result.output
    by_id = {r["submission_id"]: r for r in json.loads(result.stdout)["rechecked"]}
    assert set(by_id) == set(stored)
    assert all(r["added"] == r["removed"] == [] and r["before"] == r["after"] for r in by_id.values())


def test_rules_version_follows_a_custom_profile_file(tmp_path):
    custom = tmp_path / "hunan.yaml"
    custom.write_text("extends: national\nname: hunan\nexecution_reason_below: 90\n", encoding="utf-8")
    first = rules_version(custom)
    assert first.startswith("hunan@") and first != rules_version("national")
    custom.write_text("extends: national\nname: hunan\nexecution_reason_below: 80\n", encoding="utf-8")
    assert rules_version(custom) != first


def test_recheck_table_output_and_unknown_id(stored):
    sid = next(iter(stored))
    result = CliRunner().invoke(app, ["recheck", sid, "missing-id"])
    assert result.exit_code == 0  # one id was rechecked
    assert "已重新预审 1 份材料，其中 0 份的审核发现有变化" in result.stdout
    assert "未找到已入库材料 / no stored submission: missing-id" in result.stderr
