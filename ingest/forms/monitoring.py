"""A 项目支出绩效目标执行监控表 → :class:`~assistant.model.Monitoring`: the round (1–N月), the
money executed to date (年初预算数, 1–N月执行数, 执行率, 全年预计执行率), the overall goal's
progress, and per indicator its target, progress to date, expected year-end, 偏差原因 and 预警.

Called by :func:`ingest.extract.extract_document` for a file classified as 绩效监控表.
"""

from __future__ import annotations

from assistant.model import MonitoredIndicator, Monitoring
from assistant.values import parse_amount, parse_value
from ingest.document import Document
from ingest.forms.cycle_grid import (
    indicator_rows,
    is_label,
    label_key,
    months_of,
    read_goal,
    read_header,
    rows,
    with_field,
)
from ingest.forms.labels import labels

TITLE_WORDS = ("绩效监控表", "执行监控表", "运行监控", "监控情况表", "跟踪监控")


def read_monitoring(doc: Document) -> Monitoring:
    head = read_header(doc, TITLE_WORDS)
    mon = Monitoring(title=head.title, year=head.year, project_name=head.values.get("project_name"),
                     department=head.values.get("department"),
                     impl_unit=head.values.get("impl_unit") or head.values.get("unit_name"))
    mon.cells = with_field(dict(head.cells), "monitoring")
    mon.months = months_of(head.title)
    _funds(doc, mon)
    mon.goal_progress, loc = read_goal(doc, "goal_done")
    if loc is not None:
        mon.cells.update(with_field({"goal_progress": loc}, "monitoring"))
    grid, header_texts = indicator_rows(doc)
    mon.months = mon.months or months_of(header_texts.get("progress"))
    for i, row in enumerate(grid):
        t = row.texts
        mon.indicators.append(MonitoredIndicator(
            level1=t.get("level1") or None, level2=t.get("level2") or None, name=t["name"],
            target=parse_value(t.get("target")), progress=parse_value(t.get("progress")),
            expected=parse_value(t.get("expected")), deviation_reason=_written(t.get("deviation_reason")),
            warning=_written(t.get("warning")), cells=with_field(row.cells, f"monitoring.indicators[{i}]")))
    _overall_warning(doc, mon)
    return mon


def _written(text: str | None) -> str | None:
    text = (text or "").strip()
    return None if text in ("", "/", "—", "-", "无", "——") else text


def _funds(doc: Document, mon: Monitoring) -> None:
    """The funds header (年初预算数 | 1-7月执行数 | 1-7月执行率 | …) and the total row under it."""
    words = labels()
    cols: dict[str, int] = {}
    for table, r, segs in rows(doc):
        keys = {}
        for seg in segs:
            key = label_key("monitoring_fund_columns", seg.text)
            if key and key not in keys:
                keys[key] = seg.start
        if "executed" in keys and ("budget" in keys or "rate" in keys):
            cols = keys
            mon.months = mon.months or months_of(next((s.text for s in segs if s.start == keys["executed"]), ""))
            continue
        if not cols or not segs:
            continue
        if words.match_prefix("fund_rows", segs[0].text) != "total" and not (
                len(segs) > 1 and words.match_prefix("fund_rows", segs[1].text) == "total"):
            continue

        def text(key: str, table=table, r=r, cols=cols) -> str:
            return table.text(r, cols[key]) if key in cols else ""

        mon.budget = parse_amount(text("budget")).in_wan()
        mon.executed = parse_amount(text("executed")).in_wan()
        mon.rate = parse_value(text("rate"))
        mon.expected_rate = parse_value(text("expected_rate"))
        mon.cells.update(with_field({k: table.location(r, cols[c], file=doc.name) for k, c in
                                     (("budget", "budget"), ("executed", "executed"), ("rate", "rate"),
                                      ("expected_rate", "expected_rate")) if c in cols}, "monitoring"))
        return


def _overall_warning(doc: Document, mon: Monitoring) -> None:
    """A row ``预警等级 | 黄色`` outside the indicator grid; else the worst of the rows' colours."""
    for table, r, segs in rows(doc):
        for k, seg in enumerate(segs[:-1]):
            if is_label("warning", seg.text) and _written(segs[k + 1].text):
                mon.warning = segs[k + 1].text.strip()
                mon.cells.update(with_field({"warning": table.location(r, segs[k + 1].start, file=doc.name)},
                                            "monitoring"))
                return
    colours = [i.warning for i in mon.indicators if i.warning]
    for colour in ("红", "橙", "黄"):
        found = next((c for c in colours if colour in c), None)
        if found:
            mon.warning = found
            return
