"""The architecture of docs/architecture.md holds: imports run one way (import-linter contracts in
pyproject.toml), and the docs a user reads point only inside the repo and match the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def _user_docs() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_readme_and_docs_point_only_inside_the_repo():
    for doc in _user_docs():
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text, f"{doc.name} points to ../shared, which a user of the repo does not have"
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+://", target):
                continue
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which is not in the repo"


def test_form_fields_page_is_generated_from_the_labels():
    from ingest.forms.fields_doc import markdown

    committed = (ROOT / "docs" / "form-fields.md").read_text(encoding="utf-8")
    assert committed == markdown(), (
        "docs/form-fields.md is stale: regenerate it with `python -m ingest.forms.fields_doc > docs/form-fields.md`")
