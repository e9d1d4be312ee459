"""``ziping embed --queue`` and ``ziping recheck --queue`` queue jobs; ``ziping worker --once`` runs
them and exits when the queue is empty — on a real SQLite data directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.settings import Settings, get_settings
from assistant.stores import open_stores
from assistant.stores.jobs import JobStore
from tests.support.jobs import report_text


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_queued_embedding_and_recheck_are_run_by_a_worker(data_dir: Path, tmp_path: Path):
    files = []
    for n in range(2):
        files.append(tmp_path / f"报告{n}.md")
        files[-1].write_text(report_text(n), encoding="utf-8")
    cli = CliRunner()
    assert cli.invoke(app, ["ingest", "--defer-vectors", *map(str, files)]).exit_code == 0
    queued = cli.invoke(app, ["embed", "--queue"])
    assert queued.exit_code == 0 and "已加入任务队列" in queued.stdout
    embed_id = re.search(r"任务 (\w+)（向量化）", queued.stdout).group(1)
    queued = cli.invoke(app, ["recheck", "--queue", "--all"])
    assert queued.exit_code == 0, queued.output
    recheck_id = re.search(r"任务 (\w+)（重新预审）", queued.stdout).group(1)
    assert cli.invoke(app, ["recheck", "--queue", "no-such-id"]).exit_code == 2

    ran = cli.invoke(app, ["worker", "--once"])
    assert ran.exit_code == 0, ran.output
    assert f"任务 {embed_id}（向量化）：完成" in ran.stdout and f"任务 {recheck_id}（重新预审）：完成" in ran.stdout
    stores = open_stores(Settings(data_dir=data_dir))
    try:
        jobs = JobStore(stores.records.engine)
        assert jobs.get(recheck_id).progress == jobs.get(recheck_id).total == 2
        assert jobs.get(embed_id).owner.startswith("cli") and jobs.get(embed_id).progress > 0
        assert stores.records.chunks_pending_embedding() == []
    finally:
        stores.close()


def test_worker_refuses_an_unknown_kind_in_chinese(data_dir: Path):
    result = CliRunner().invoke(app, ["worker", "--once", "--kind", "translate"])  # "draft" is a kind now
    assert result.exit_code == 2 and "未知的任务类型" in result.stderr
