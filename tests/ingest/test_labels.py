"""labels.yaml read by generic code: synonym matching and the layout markers."""

from __future__ import annotations

import pytest

from ingest.forms.labels import labels


@pytest.mark.parametrize(("headers", "layout"), [
    (["三级指标", "指标性质", "年度指标值"], "sichuan"),
    (["项目资金（万元）", "调整后预算数", "预算执行数"], "sichuan"),
    (["预算数（A）", "执行数（B）"], "municipal"),  # full-width brackets are normalised
    (["得分（20分*执行率）"], "municipal"),
    (["全年预算数", "全年执行数", "分值"], None),  # the MOF layout's labels mark no province
])
def test_layout_of_a_header_row(headers: list[str], layout: str | None) -> None:
    assert labels().layout_of(headers) == layout


def test_synonyms_match_with_and_without_notes() -> None:
    table = labels()
    assert table.match("fund_columns", "执行率（B/A）") == "exec_rate"
    assert table.match("fund_columns", "调整后预算数") == "budget_full_year"
    assert table.match_prefix("fund_rows", "其中：当年财政拨款") == "current_fiscal"
    assert table.match("fund_columns", "备注") is None
