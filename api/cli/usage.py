"""Typer/Click's own English in Chinese: usage errors ("Missing argument", "No such option") and
the help pages' frame ("Usage:", "Options:", "Show this message and exit."), same exit codes.

The ``ziping`` group (:class:`ZipingGroup`) runs its commands in Click's non-standalone mode and
shows usage errors itself: the error's kind and fields (which parameter, which option, which
alternatives) decide the sentence; Click's inner wording for a bad value is translated by the
patterns in :data:`VALUE_MESSAGES`, and a message none of them knows is shown as Click wrote it.
Every command of the group gets a context whose help formatter writes the Chinese frame.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

try:  # typer ≥ 0.26 carries its own copy of Click
    from typer._click import exceptions as click_errors
    from typer._click.core import Command, Context
    from typer._click.formatting import HelpFormatter
except ImportError:  # pragma: no cover - older typer on the real Click
    from click import Command, Context, HelpFormatter
    from click import exceptions as click_errors

TYPE_TERMS = {"integer": "整数", "int": "整数", "float": "数字", "boolean": "是/否", "bool": "是/否",
              "UUID": "UUID", "datetime": "日期时间"}
PATH_TERMS = {"File": "文件", "Directory": "文件夹", "Path": "路径", "file": "文件", "directory": "文件夹",
              "path": "路径"}

# Click's wording of a bad value or a bad use → Chinese (first match wins).
VALUE_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"No such command (?P<name>'.*?')\.(?: Did you mean (?P<alts>.+)\?)?$"),
     lambda m: f"没有命令 {m['name']}" + (f"（是否要用 {m['alts'].replace(', ', '、')}？）" if m["alts"] else "")),
    (re.compile(r"Missing command\.?$"), lambda m: "缺少命令"),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$"), lambda m: f"多余的参数：{m['args']}"),
    (re.compile(r"Option (?P<opt>'.*?') requires an argument\.$"), lambda m: f"选项 {m['opt']} 后面需要一个值"),
    (re.compile(r"Option (?P<opt>'.*?') requires (?P<n>\d+) arguments\.$"),
     lambda m: f"选项 {m['opt']} 后面需要 {m['n']} 个值"),
    (re.compile(r"Option (?P<opt>'.*?') does not take a value\.$"), lambda m: f"选项 {m['opt']} 不接受值"),
    (re.compile(r"(?P<value>.+?) is not one of (?P<choices>.+?)\.$"),
     lambda m: f"{m['value']} 不是可选值（{m['choices'].replace(', ', '、')}）之一"),
    (re.compile(r"(?P<value>.+?) is not a valid (?P<type>[A-Za-z]+)\.?$"),
     lambda m: f"{m['value']} 不是有效的{TYPE_TERMS.get(m['type'], m['type'])}"),
    (re.compile(r"(?P<value>.+?) is not in the range (?P<range>.+?)\.$"),
     lambda m: f"{m['value']} 超出范围 {m['range']}"),
    (re.compile(r"(?P<kind>File|Directory|Path) (?P<name>'.*?') does not exist\.$"),
     lambda m: f"{PATH_TERMS[m['kind']]} {m['name']} 不存在"),
    (re.compile(r"(?P<kind>File|Directory|Path) (?P<name>'.*?') is a (?P<what>file|directory)\.$"),
     lambda m: f"{PATH_TERMS[m['kind']]} {m['name']} 是{PATH_TERMS[m['what']]}"),
    (re.compile(r"(?P<kind>File|Directory|Path) (?P<name>'.*?') is not (?P<what>readable|writable)\.$"),
     lambda m: f"{PATH_TERMS[m['kind']]} {m['name']} {'不可读' if m['what'] == 'readable' else '不可写'}"),
]

PARAM_KINDS = {"argument": "参数", "option": "选项", "parameter": "参数"}


def translate(message: str) -> str:
    """Click's English for a bad value or use, in Chinese (unchanged when no pattern knows it)."""
    for pattern, render in VALUE_MESSAGES:
        m = pattern.match(message.strip())
        if m:
            return render(m)
    return message


def _hint(err: Any) -> str:
    hint = err.param_hint if err.param_hint is not None else (
        err.param.get_error_hint(err.ctx) if err.param is not None else "")
    return " / ".join(repr(h) for h in hint) if isinstance(hint, Sequence) and not isinstance(hint, str) else hint


def describe(err: click_errors.ClickException) -> str:
    """The error in one Chinese sentence."""
    if isinstance(err, click_errors.MissingParameter):
        kind = err.param_type or (err.param.param_type_name if err.param is not None else "parameter")
        return f"缺少{PARAM_KINDS.get(kind, '参数')} {_hint(err)}".rstrip()
    if isinstance(err, click_errors.BadParameter):
        hint = _hint(err)
        return (f"{hint} 的值无效：" if hint else "值无效：") + translate(err.message)
    if isinstance(err, click_errors.NoSuchOption):
        also = f"（可能是：{'、'.join(sorted(err.possibilities))}）" if err.possibilities else ""
        return f"没有选项 {err.option_name}{also}"
    if isinstance(err, click_errors.FileError):
        return f"无法打开文件 {err.ui_filename!r}：{err.message}"
    return translate(err.message)


HEADINGS = {"Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令"}
HELP_WORDS = {"Show this message and exit.": "显示本帮助并退出。"}
EXTRA_WORDS = {"default": "默认", "required": "必填", "env var": "环境变量"}
_EXTRA = re.compile(r"\s*\[(?P<items>[^\[\]]*)\]$")


# "中文 / english": the help line a reviewer reads is the Chinese half (the English half stays in
# the source for developers); an English-only line is left as written
_CJK = re.compile(r"[\u4e00-\u9fff]")
METAVARS = {"TEXT": "文字", "INTEGER": "整数", "FLOAT": "数字", "PATH": "路径", "FILE": "文件", "DIRECTORY": "文件夹",
            "BOOLEAN": "是/否", "UUID": "UUID"}
_METAVAR = re.compile(r"\b(" + "|".join(METAVARS) + r")\b")
# the ``<str>`` style of api/cli/options.py and the arguments' names, as the help page shows them
VALUE_TERMS = {"<str>": "<文字>", "<int>": "<整数>", "<float>": "<数字>", "<path>": "<路径>",
               "<int range>": "<整数>", "<float range>": "<数字>"}
ARGUMENT_TERMS = {"paths": "路径", "path": "路径", "ids": "材料编号", "key": "稿件编号", "name": "名称",
                  "question": "问题", "submission": "材料编号", "files": "文件", "file": "文件"}
_ARGUMENT = re.compile(r"([\[{])(" + "|".join(ARGUMENT_TERMS) + r")([\]}])")


def _terms(text: str) -> str:
    """Metavars and argument names in Chinese (option names and choices stay: they are typed)."""
    bare = re.fullmatch(r"(\w+)(\.\.\.)?", text.strip())
    if bare and bare.group(1) in ARGUMENT_TERMS:  # an argument's row in the 参数 list
        return text.replace(bare.group(1), ARGUMENT_TERMS[bare.group(1)], 1)
    for english, chinese in VALUE_TERMS.items():
        text = text.replace(english, chinese)
    text = _ARGUMENT.sub(lambda m: m.group(1) + ARGUMENT_TERMS[m.group(2)] + m.group(3), text)
    return _METAVAR.sub(lambda m: METAVARS[m.group(1)], text)


def chinese_only(text: str) -> str:
    """``起草审核意见 / draft the review comment`` → ``起草审核意见``, line by line (the
    ``[默认：…]`` tail kept)."""
    out = []
    for line in text.split("\n"):
        extra = _EXTRA.search(line)
        head, tail = (line[:extra.start()], line[extra.start():]) if extra else (line, "")
        parts = head.split(" / ")
        # exactly one " / " with Chinese before and none after; "all / department / unit" lists choices
        if len(parts) == 2 and _CJK.search(parts[0]) and not _CJK.search(parts[1]):
            head = parts[0].rstrip()
        out.append(head + tail)
    return "\n".join(out)


def _usage_words(args: str) -> str:
    return _terms(args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]..."))


def _help_words(text: str) -> str:
    """An option's help with Click's words in Chinese: the help option's own, ``[default: x]``."""
    text = chinese_only(HELP_WORDS.get(text, text))
    m = _EXTRA.search(text)
    if m is None:
        return text
    items = []
    for item in m["items"].split("; "):
        key, sep, value = item.partition(": ")
        items.append(f"{EXTRA_WORDS.get(key, key)}：{value}" if sep else EXTRA_WORDS.get(item, item))
    return text[:m.start()] + f"  [{'；'.join(items)}]"


class ChineseHelpFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _usage_words(args), prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(_terms(term), _help_words(text)) for term, text in rows], *args, **kwargs)

    def write_text(self, text: str) -> None:
        super().write_text(chinese_only(text))


class ChineseContext(Context):
    formatter_class = ChineseHelpFormatter


def _chinese_contexts(command: Command) -> None:
    command.context_class = ChineseContext
    for sub in getattr(command, "commands", {}).values():
        _chinese_contexts(sub)


def show(err: click_errors.ClickException) -> None:
    ctx = getattr(err, "ctx", None)
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            typer.echo(f"查看帮助：{ctx.command_path} {ctx.help_option_names[0]}\n", err=True)
    typer.echo(f"错误 / error: {describe(err)}", err=True)


class ZipingGroup(TyperGroup):
    """The ``ziping`` group: usage errors and help frames in Chinese, exit codes as Click's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chinese_contexts(self)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as err:  # the help page itself, not an error
            err.show()
            sys.exit(err.exit_code)
        except click_errors.ClickException as err:
            show(err)
            sys.exit(err.exit_code)
        except typer.Abort:
            typer.echo("已中止 / aborted", err=True)
            sys.exit(1)
        # non-standalone mode returns an Exit's code, or the command's own return value
        sys.exit(result if isinstance(result, int) else 0)
