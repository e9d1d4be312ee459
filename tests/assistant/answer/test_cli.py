"""``ziping ask`` prints the answer, the rows or citations, and JSON with --json."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from api.cli import ask as ask_cli
from assistant.settings import get_settings


@pytest.fixture
def app(small, monkeypatch) -> typer.Typer:
    monkeypatch.setenv("ZIPING_DATA_DIR", str(small.settings.data_dir))
    get_settings.cache_clear()
    # the small store was embedded with the test embedder: reuse it for the CLI's stores
    monkeypatch.setattr("assistant.stores.open_stores", lambda settings: type(small)(
        settings=settings, records=small.records, fulltext=small.fulltext, embeddings=small.embeddings))
    monkeypatch.setattr(type(small), "close", lambda self: None)
    app = typer.Typer()
    ask_cli.register(app)
    app.command("noop")(lambda: None)
    yield app
    get_settings.cache_clear()


def test_structured_answer_prints_rows_and_query(app):
    result = CliRunner().invoke(app, ["ask", "哪些单位预算执行率低于80%？"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "某县教育局：1个" in out and "查询：在自评表中" in out
    assert "aaaa000000000001" in out and "提交材料编号" in out


def test_document_answer_prints_citations_with_cells(app):
    result = CliRunner().invoke(app, ["ask", "某县教育局学生资助项目的受助学生满意度实际完成多少？", "--k", "5"])
    assert result.exit_code == 0, result.output
    assert "[1] a.docx 第1页 表1 第10行 第3列" in result.output
    assert "会话：" in result.output


def test_json_and_follow_up(app):
    first = CliRunner().invoke(app, ["ask", "某县教育局学生资助项目的执行率是多少？", "--json"])
    data = json.loads(first.output)
    assert data["kind"] == "document" and data["citations"][0]["location"]["row"] is not None
    follow = CliRunner().invoke(app, ["ask", "那它的满意度呢？", "--json", "--conversation", data["conversation_id"]])
    data2 = json.loads(follow.output)
    assert "受助学生满意度" in data2["text"] and data2["resolved_question"]
    scoped = CliRunner().invoke(app, ["ask", "有多少个项目", "--year", "2023", "--json"])
    assert json.loads(scoped.output)["aggregate"]["value"] == 1
