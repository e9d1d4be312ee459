"""SQL has one home: only ``assistant/stores`` imports SQLAlchemy, and the answer engine's fields
all have their SQL there."""

from __future__ import annotations

import ast
from pathlib import Path

from assistant.answer.schema import FIELDS
from assistant.stores.queries import FIELD_SQL

ROOT = Path(__file__).resolve().parents[2]
STORES = ROOT / "assistant" / "stores"


def _imports_sqlalchemy(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            return True
    return False


def test_no_sqlalchemy_outside_the_stores():
    product = [p for pkg in ("assistant", "ingest", "api") for p in (ROOT / pkg).rglob("*.py")]
    assert len(product) > 50
    outside = [str(p.relative_to(ROOT)) for p in product if STORES not in p.parents and _imports_sqlalchemy(p)]
    assert outside == []
    assert _imports_sqlalchemy(STORES / "records.py")  # the check does see an import


def test_every_query_field_has_its_sql():
    assert set(FIELD_SQL) == set(FIELDS)
