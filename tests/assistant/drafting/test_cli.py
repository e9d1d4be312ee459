"""``ziping draft review|annual|versions`` and ``ziping stats`` on the ingested corpus."""

from __future__ import annotations

import json

import docx
import pytest
import typer
from typer.testing import CliRunner

from api.cli import draft as draft_cli
from assistant.settings import get_settings


@pytest.fixture
def run(corpus, monkeypatch):
    app = typer.Typer()
    draft_cli.register(app)
    monkeypatch.setenv("ZIPING_DATA_DIR", str(corpus.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, [str(a) for a in args])
    get_settings.cache_clear()


def test_draft_review_one_and_all(run, with_findings, tmp_path):
    out = tmp_path / "r.docx"
    result = run("draft", "review", with_findings[0], "--out", out, "--editor", "张三")
    assert result.exit_code == 0, result.output
    assert "审核结论" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    result = run("draft", "review", "--all", "--out-dir", tmp_path / "batch", "--format", "md")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "batch").glob("*.md"))) == len(with_findings)


def test_draft_review_exclusion_and_versions(run, records, with_findings):
    sid = with_findings[1]
    fid = records.get_findings(sid)[0].id
    result = run("draft", "review", sid, "--exclude", fid, "--editor", "李四", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["meta"]["excluded"] == [fid]
    listing = run("draft", "versions", sid, "--json")
    versions = json.loads(listing.stdout)
    assert versions[-1]["editor"] == "李四" and versions[-1]["excluded"] == [fid]
    assert run("draft", "review", sid, "--exclude", "no-such-id").exit_code == 2


def test_draft_annual_and_stats(run, year, tmp_path):
    out = tmp_path / "a.docx"
    result = run("draft", "annual", "--year", year, "--out", out)
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "存在的问题和困难" in text and "下一步工作措施" in text and "特此报告。" in text
    md = run("draft", "annual", "--year", year, "--scope", "all", "--format", "md", "--no-stats")
    assert md.exit_code == 0 and "## 四、" in md.stdout and "## 二、" not in md.stdout
    assert run("draft", "annual", "--year", year, "--scope", "unit").exit_code in (0, 2)
    stats = run("stats", "--year", year, "--json")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["year"] == year
    plain = run("stats", "--year", year)
    assert f"{year}年度统计" in plain.stdout


def test_letterhead_options_are_saved_for_the_editor(run, year, with_findings):
    sid = with_findings[2]
    result = run("draft", "review", sid, "--editor", "王五", "--issuer", "松涛县财政局", "--doc-number",
                 "松财绩函〔2026〕7号", "--date", "2026年12月7日", "--cc", "松涛县审计局", "--annex", "--format", "md")
    assert result.exit_code == 0, result.output
    assert "松财绩函〔2026〕7号" in result.stdout and "抄送：松涛县审计局。" in result.stdout
    assert "附件：审核发现明细" in result.stdout
    # the next draft by the same editor, without the options, keeps them
    annual = run("draft", "annual", "--year", year, "--editor", "王五", "--format", "md")
    assert annual.exit_code == 0 and "松涛县财政局" in annual.stdout and "2026年12月7日" in annual.stdout
    other = run("draft", "annual", "--year", year, "--editor", "赵六", "--format", "md")
    assert "松涛县财政局" not in other.stdout
