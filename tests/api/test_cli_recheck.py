"""``ziping check ID`` on stored submissions and ``ziping recheck``, on a real SQLite store."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
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


def test_recheck_recomputes_lost_findings_and_reports_the_change(stored, tmp_path):
    sid, rules = next(iter(stored.items()))
    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    stores.records.save_findings(sid, [])  # as if stored by a release that had none of these rules
    stores.close()

    result = CliRunner().invoke(app, ["recheck", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    by_id = {r["submission_id"]: r for r in report["rechecked"]}
    assert set(by_id) == set(stored)
    assert (by_id[sid]["before"], by_id[sid]["after"]) == (0, len(rules))
    assert Counter(by_id[sid]["added"]) == Counter(rules) and by_id[sid]["removed"] == []
    other = next(s for s in stored if s != sid)
    assert by_id[other]["added"] == by_id[other]["removed"] == []  # unchanged rules, unchanged findings

    stores = open_stores(Settings(data_dir=tmp_path / "data"))
    assert sorted(f.rule for f in stores.records.get_findings(sid)) == rules
    stores.close()


def test_recheck_table_output_and_unknown_id(stored):
    sid = next(iter(stored))
    result = CliRunner().invoke(app, ["recheck", sid, "missing-id"])
    assert result.exit_code == 0  # one id was rechecked
    assert "已重新预审 1 份材料，其中 0 份的审核发现有变化" in result.stdout
    assert "未找到已入库材料 / no stored submission: missing-id" in result.stderr
