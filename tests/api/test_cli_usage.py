"""Typer/Click's own English reaches the user in Chinese: usage errors and the help pages' frame,
with Click's exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.usage import translate

ENGLISH = ("Usage:", "Error:", "Missing argument", "No such option", "No such command", "Try '",
           "Invalid value", "Options:", "Commands:", "Arguments:", "Show this message", "[default:", "[required]")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def no_english(text: str) -> None:
    assert not [w for w in ENGLISH if w in text], text


@pytest.mark.parametrize(("args", "says"), [
    (["check"], "错误 / error: 缺少参数 'paths'"),
    (["check", "x.docx", "--bogus"], "错误 / error: 没有选项 --bogus"),
    (["chek"], "错误 / error: 没有命令 'chek'（是否要用 'check'、'recheck'？）"),
    (["check", "x.docx", "--format", "pdf"],
     "'--format' / '-f' 的值无效：'pdf' 不是可选值（'table'、'json'、'xlsx'、'markdown'）之一"),
    (["recheck", "--year", "去年"], "'--year' 的值无效：'去年' 不是有效的整数"),
    (["rules", "多余"], "错误 / error: 多余的参数：多余"),
    (["check", "x.docx", "--out"], "错误 / error: 选项 '--out' 后面需要一个值"),
    (["extract", "/no/such/自评表.xlsx"], "'file' 的值无效：文件 '/no/such/自评表.xlsx' 不存在"),
    (["demo", "--n", "0"], "'--n' 的值无效：0 超出范围 1<=x<=500"),
    (["user", "add"], "错误 / error: 缺少参数 'name'"),
])
def test_usage_errors_are_in_chinese_with_exit_code_2(args, says):
    result = run(*args)
    assert result.exit_code == 2
    assert says in result.stderr
    no_english(result.output)


def test_a_usage_error_shows_the_usage_and_where_help_is():
    err = run("check").stderr
    assert err.startswith("用法：ziping check [选项]")
    assert "查看帮助：ziping check --help" in err


def test_help_pages_have_a_chinese_frame():
    page = run("check", "--help")
    assert page.exit_code == 0
    out = page.stdout
    assert out.startswith("用法：ziping check [选项]")
    for line in ("参数：", "选项：", "显示本帮助并退出。", "[默认：table]", "[必填]"):
        assert line in out
    no_english(out)
    top = run("--help").stdout
    assert "命令：" in top and "用法：ziping [选项] 命令 [参数]..." in top
    no_english(top)
    no_english(run("draft", "review", "--help").stdout)


def test_no_arguments_shows_the_chinese_help():
    result = run()
    assert "命令：" in result.output and "check" in result.output
    no_english(result.output)


def test_commands_keep_their_own_exit_codes_and_output():
    ok = run("rules", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["rules"]
    bad = run("check", "x.docx", "--profile", "atlantis")  # the command's own error: exit 2
    assert bad.exit_code == 2 and "审核口径无效" in bad.stderr


def test_a_message_no_pattern_knows_is_kept():
    assert translate("Something new from Click.") == "Something new from Click."
    assert translate("'7' is not a valid float.") == "'7' 不是有效的数字"
