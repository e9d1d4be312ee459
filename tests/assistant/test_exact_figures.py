"""A form's figures reach the reader exactly as written: 1234567.5 and 387664.62 in the chunk text,
in the answer and the passages it cites, in the findings and in every export of them (issue 14:
chunking wrote 1.23457e+06 and 387665)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.answer import ask
from assistant.checker import check_submission
from assistant.checker.export import CheckedFile, to_json, to_markdown, to_xlsx
from assistant.model import Submission
from assistant.settings import Settings
from assistant.stores import open_stores
from ingest.chunking import chunk_submission
from tests.assistant.answer.ask_support import BigramEmbeddings, _ind, _table

BUDGET, SPENT = "1234567.5", "387664.62"


@pytest.fixture(scope="module")
def river() -> Submission:
    # 执行率 filled as 35%: the amounts say 31.40%, so CALC-FUND-001 quotes both amounts
    return _table("ffff000000000006", "某县水利局", 2023, "河道整治", "f.docx", float(BUDGET), float(SPENT), "35%",
                  71.0, "中", [_ind("产出指标", "数量指标", "整治河道长度", "≥12公里", "12公里", 20, 20, 5, "f.docx")])


def test_chunk_text_has_the_amounts_as_written(river):
    funds = next(c.text for c in chunk_submission(river) if "项目资金" in c.text)
    assert f"全年预算数{BUDGET}、全年执行数{SPENT}" in funds
    assert "e+" not in funds and "387665" not in funds


def test_answer_and_its_citations_show_the_amounts(river, tmp_path: Path):
    stores = open_stores(Settings(data_dir=tmp_path), embeddings=BigramEmbeddings())
    stores.save(river, chunk_submission(river), [])
    stores.sync_vectors()
    answer = ask("河道整治项目的全年执行数是多少？", stores)
    assert f"全年执行数{SPENT}" in answer.text, answer.text
    cited = [c.text for c in stores.records.get_chunks([c.chunk_id for c in answer.citations])]
    assert any(f"全年执行数{SPENT}" in t and BUDGET in t for t in cited), cited


def test_findings_and_exports_show_the_amounts(river):
    findings = check_submission(river)
    fund = next(f for f in findings if f.rule == "CALC-FUND-001")
    assert f"（{SPENT}/{BUDGET}）" in fund.message
    assert f"全年执行数 {SPENT}；全年预算数 {BUDGET}" in fund.evidence
    item = CheckedFile("f.docx", river, findings)
    workbook = load_workbook(io.BytesIO(to_xlsx([item])))
    cells = [str(c.value) for row in workbook["审核发现"].iter_rows() for c in row if c.value is not None]
    for text in (to_markdown([item]), json.dumps(to_json([item]), ensure_ascii=False), "\n".join(cells)):
        assert f"{SPENT}/{BUDGET}" in text
        assert f"全年执行数 {SPENT}" in text
