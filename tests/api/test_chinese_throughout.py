"""A reviewer reads Chinese: every ``--help`` page of the CLI (here) and every rendered web page
(``test_api.py``, which has the running app) is scanned for English words. What may stay English is what one types or a name: command and option
names, the values of a choice, file paths and defaults, environment variables, and the few format
and product names of :data:`ALLOW`."""

from __future__ import annotations

import html
import re

import typer
from typer.testing import CliRunner

from api.cli import app

__all__ = ["english_words", "visible_text"]

ALLOW = {"API", "JSON", "YAML", "Markdown", "LLM", "Excel", "Word", "PDF", "ziping", "UUID", "CSV", "OCR", "URL",
         "zip", "docx", "xlsx", "pdf", "doc", "xls", "wps", "txt", "md", "csv",
         "Enter", "Shift", "Ctrl", "Esc", "Tab"}  # key names as printed on the keys
WORD = re.compile(r"(?<![\w.-])[A-Za-z]{3,}(?![\w])")


def _typed(command, path=()) -> tuple[set[str], list[tuple[str, ...]]]:
    """Names one types (commands, options, choices) and every command path."""
    names, paths = set(), [tuple(path)]
    for p in getattr(command, "params", []):
        names.update(re.findall(r"[A-Za-z]+", " ".join([p.name or "", *getattr(p, "opts", []),
                                                          *getattr(p, "secondary_opts", [])])))
        names.update(str(c) for c in getattr(p.type, "choices", ()) or ())
        if isinstance(p.default, str):  # a default is a value one would type (auto, reviewer…)
            names.update(re.findall(r"[A-Za-z]+", p.default))
    for name, sub in getattr(command, "commands", {}).items():
        names.update(re.findall(r"[A-Za-z]+", name))
        more_names, more_paths = _typed(sub, (*path, name))
        names |= more_names
        paths += more_paths
    return names, paths


def english_words(text: str, allowed: set[str]) -> set[str]:
    text = re.sub(r"--?[\w-]+|<[^>]*>|\[默认：[^\]]*\]|\S*[/\\.]\S*|\b[A-Z][A-Z0-9_]{3,}\b", " ", text)
    return {w for w in WORD.findall(text) if w not in allowed and w not in ALLOW}


def test_every_cli_help_page_is_in_chinese():
    command = typer.main.get_command(app)
    typed, paths = _typed(command)
    runner = CliRunner()
    leaks = {}
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        words = english_words(result.output, typed)
        if words:
            leaks[" ".join(path) or "ziping"] = sorted(words)
    assert not leaks, leaks


def test_cli_usage_errors_are_in_chinese():
    runner = CliRunner()
    for args in (["draft", "review", "--no-such"], ["stats", "--year", "abc"], ["nosuch"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        message = result.output.splitlines()[-1]
        assert re.search(r"[\u4e00-\u9fff]", message), message


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|code|kbd)[^>]*>.*?</\1>", " ", page)  # code: what one types
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    titles = " ".join(re.findall(r'(?:placeholder|title|aria-label|alt)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + titles)
