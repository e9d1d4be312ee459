"""A page scanned turned by 90° or 180° is read as if upright; an upright page is not turned."""

from __future__ import annotations

import pytest

from ingest.document import Table
from ingest.readers.ocr import ocr_page_image, run_ocr
from ingest.readers.ocr.orientation import upright_turn
from tests.ingest.test_ocr import _ruled_image


@pytest.mark.slow
def test_an_upright_page_is_not_turned(cjk_font):
    page = _ruled_image(cjk_font)
    assert upright_turn(page, run_ocr(page)) == 0


@pytest.mark.slow
@pytest.mark.parametrize("turned_by", [180, 90])
def test_a_turned_page_is_read_upright(cjk_font, turned_by):
    page = _ruled_image(cjk_font).rotate(turned_by, expand=True, fillcolor="white")
    (table,) = [b for b in ocr_page_image(page, 1, 0, 0) if isinstance(b, Table)]
    assert (table.n_rows, table.n_cols) == (5, 4)
    assert [table.text(0, c) for c in range(4)] == ["项目名称", "年度指标值", "实际完成值", "得分"]
    assert [table.text(1, 2), table.text(1, 3)] == ["98%", "20"]
    assert table.text(4, 3) == "48"
