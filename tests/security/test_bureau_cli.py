"""``ziping bureau add|list``, ``ziping user add --bureau`` and ``ziping ingest --bureau``: an operator
makes a bureau, puts a reviewer and files into it; unknown bureaus and bad codes are refused in
Chinese (exit 2) and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.settings import get_settings
from assistant.stores import open_stores
from assistant.stores.users import UserStore


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ZIPING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_an_operator_makes_a_bureau_and_puts_a_reviewer_and_files_into_it(data_dir, tmp_path):
    made = run("bureau", "add", "hz-czj", "杭州市财政局")
    assert made.exit_code == 0 and "已添加机构 hz-czj" in made.output
    listed = json.loads(run("bureau", "list", "--json").output)
    assert {(b["code"], b["name"]) for b in listed} == {("default", "本机构"), ("hz-czj", "杭州市财政局")}

    added = run("user", "add", "xiaoli", "--bureau", "hz-czj")
    assert added.exit_code == 0, added.output
    users = {u["name"]: u["bureau"] for u in json.loads(run("user", "list", "--json").output)}
    assert users == {"xiaoli": "hz-czj"}

    note = tmp_path / "说明.txt"
    note.write_text("项目名称：杭州的说明\n", encoding="utf-8")
    stored = run("ingest", str(note), "--bureau", "hz-czj", "--defer-vectors", "--json")
    assert stored.exit_code == 0, stored.output
    sid = json.loads(stored.output)["files"][0]["submission_id"]
    stores = open_stores(get_settings())
    try:
        assert stores.records.bureau_of(sid) == "hz-czj"
        assert stores.records.within("hz-czj").get_summary(sid) is not None
        assert stores.records.within("default").get_summary(sid) is None
    finally:
        stores.close()


def test_unknown_bureaus_and_bad_codes_are_refused_in_chinese_and_nothing_is_stored(data_dir, tmp_path):
    bad = run("bureau", "add", "Bad Code", "某局")
    assert bad.exit_code == 2 and "机构代码" in bad.output
    nobody = run("user", "add", "xiaowang", "--bureau", "nowhere")
    assert nobody.exit_code == 2 and "没有代码为" in nobody.output and "ziping bureau add" in nobody.output
    note = tmp_path / "说明.txt"
    note.write_text("项目名称：说明\n", encoding="utf-8")
    refused = run("ingest", str(note), "--bureau", "nowhere", "--defer-vectors")
    assert refused.exit_code == 2 and "没有代码为" in refused.output
    stores = open_stores(get_settings())
    try:
        assert stores.records.count_submissions() == 0
        assert UserStore(stores.records.engine).list() == []
    finally:
        stores.close()
