"""A 项目支出绩效目标申报表 → :class:`~assistant.model.Declaration`: 项目名称, 单位, 年度, the
year's 总体目标, the 绩效指标 rows with their 指标值, and the money by source (年度资金总额,
其中：财政拨款, 其他资金…; the year's column when the form also has the 中期 one).

Called by :func:`ingest.extract.extract_document` for a file classified as 绩效目标申报表.
"""

from __future__ import annotations

from assistant.model import Declaration, FundSource, PlannedIndicator
from assistant.values import parse_amount, parse_value
from ingest.document import Document
from ingest.forms.cycle_grid import indicator_rows, read_goal, read_header, rows, with_field
from ingest.forms.labels import labels, normalise_label

TITLE_WORDS = ("绩效目标申报表", "绩效目标表", "目标申报表", "绩效目标审核表")
_MID_TERM = ("中期", "实施期")


def read_declaration(doc: Document) -> Declaration:
    head = read_header(doc, TITLE_WORDS)
    dec = Declaration(title=head.title, year=head.year, project_name=head.values.get("project_name"),
                      department=head.values.get("department"),
                      impl_unit=head.values.get("impl_unit") or head.values.get("unit_name"))
    dec.cells = with_field(dict(head.cells), "declaration")
    dec.goal, loc = read_goal(doc, "goal_year")
    if loc is not None:
        dec.cells["goal"] = with_field({"goal": loc}, "declaration")["goal"]
    dec.funds_unit, dec.funds = _funds(doc)
    for i, row in enumerate(r for r in indicator_rows(doc)[0] if r.texts.get("target") is not None):
        dec.indicators.append(PlannedIndicator(
            level1=row.texts.get("level1") or None, level2=row.texts.get("level2") or None,
            name=row.texts["name"], target=parse_value(row.texts.get("target")),
            cells=with_field(row.cells, f"declaration.indicators[{i}]")))
    return dec


def _funds(doc: Document) -> tuple[str, list[FundSource]]:  # amounts in 万元
    """Money by source: in each row, the last "fund row name | amount" pair that is not the
    mid-term column (a row may hold 中期资金总额 | 300 | 年度资金总额 | 100)."""
    words = labels()
    unit = "万元"
    out: list[FundSource] = []
    seen: set[str] = set()
    for table, r, segs in rows(doc):
        for seg in segs:
            text = normalise_label(seg.text)
            if "资金" in text and "(元)" in text:  # 项目资金（元）: amounts kept in 万元 all the same
                unit = "元"
        pair = None
        for k, seg in enumerate(segs[:-1]):
            category = words.match_prefix("fund_rows", seg.text)
            if category is None or any(m in seg.text for m in _MID_TERM):
                continue
            amount = parse_amount(segs[k + 1].text, unit).in_wan()
            if amount is not None:
                pair = (seg, segs[k + 1], category, amount)
        if pair is None:
            continue
        label, value, category, amount = pair
        name = label.text.strip()
        if name in seen:
            continue
        seen.add(name)
        n = len(out)
        out.append(FundSource(name=name, category=category, amount=amount, cells=with_field(
            {"name": table.location(r, label.start, file=doc.name),
             "amount": table.location(r, value.start, file=doc.name)}, f"declaration.funds[{n}]")))
    return "万元", out
