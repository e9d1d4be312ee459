"""A synthetic cycle (:mod:`eval.synth.cycle`) as files: the 绩效目标申报表, the 绩效监控表 and the
项目支出绩效自评表 laid out on the national templates (财预〔2015〕88号 申报表, 财预〔2019〕136号
监控表, 财预〔2020〕10号 自评表), as .docx or .xlsx with real merged cells.

Used by the ingest tests (reading, linking) and the browser test of the side-by-side page.
"""

from __future__ import annotations

from pathlib import Path

from assistant.model import Declaration, Evaluation, Monitoring
from eval.synth.cycle import Triple, _fmt

M = object()  # same box as the cell to the left
U = object()  # same box as the cell above


def _amount(x: float | None) -> str:
    return "" if x is None else _fmt(round(x, 2))


def declaration_grid(d: Declaration) -> list[list[object]]:
    rows: list[list[object]] = [["项目名称", d.project_name or "", M, M, M, M],
                                ["主管部门", d.department or "", M, "实施单位", d.impl_unit or "", M]]
    for i, f in enumerate(d.funds):
        rows.append(["项目资金（万元）" if i == 0 else U, f.name, _amount(f.amount), M, M, M])
    rows.append(["年度总体目标", d.goal or "", M, M, M, M])
    rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", M])
    for ind in d.indicators:
        rows.append([U, ind.level1 or "", ind.level2 or "", ind.name or "", ind.target.raw, M])
    return rows


def monitoring_grid(m: Monitoring) -> list[list[object]]:
    period = f"1-{m.months}月"
    expected_amount = (m.budget or 0) * (m.expected_rate.number or 0) / 100
    rows: list[list[object]] = [
        ["项目名称", m.project_name or "", M, M, M, M, M, M, M],
        ["主管部门", m.department or "", M, M, "实施单位", m.impl_unit or "", M, M, M],
        ["项目资金（万元）", "年初预算数", f"{period}执行数", f"{period}执行率", "全年预计执行数", "全年预计执行率", M, M, M],
        ["年度资金总额", _amount(m.budget), _amount(m.executed), m.rate.raw, _amount(expected_amount),
         m.expected_rate.raw, M, M, M],
        ["年度总体目标", "全年目标", M, M, f"{period}执行情况", M, M, M, M],
        [U, "见申报表", M, M, m.goal_progress or "", M, M, M, M],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", f"{period}执行情况", "全年预计完成情况",
         "偏差原因分析", "预警等级"],
    ]
    for ind in m.indicators:
        rows.append([U, ind.level1 or "", ind.level2 or "", ind.name or "", ind.target.raw, ind.progress.raw,
                     ind.expected.raw, ind.deviation_reason or "", ind.warning or ""])
    return rows


def evaluation_grid(ev: Evaluation) -> list[list[object]]:
    f = ev.funds
    rows: list[list[object]] = [
        ["项目名称", ev.project_name or "", M, M, M, M, M, M, M],
        ["主管部门", ev.department or "", M, M, "实施单位", ev.impl_unit or "", M, M, M],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "偏差原因分析及改进措施"],
    ]
    for i, row in enumerate(f.rows):
        scored = i == 0
        rows.append([U, row.name, _amount(row.budget_initial), _amount(row.budget_full_year), _amount(row.exec_amount),
                     _fmt(f.weight) if scored and f.weight is not None else "—", f.rate.raw if scored else "—",
                     _fmt(f.score) if scored and f.score is not None else "—", (f.reason or "") if scored else U])
    if f.adjust_reason:
        rows.append([U, "预算调整原因", f.adjust_reason, M, M, M, M, M, M])
    rows.append(["年度总体目标", "预期目标", M, M, M, "实际完成情况", M, M, M])
    rows.append([U, ev.goal_planned or "", M, M, M, ev.goal_achieved or "", M, M, M])
    rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    for ind in ev.indicators:
        rows.append([U, ind.level1 or "", ind.level2 or "", ind.name or "", ind.target.raw, ind.actual.raw,
                     _fmt(ind.weight) if ind.weight is not None else "", _fmt(ind.score) if ind.score is not None else "",
                     ind.deviation_reason or ""])
    return rows


def _boxes(grid: list[list[object]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Each box's origin → its last (row, col)."""
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    ends: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            o = origin[(r, c - 1)] if value is M else origin[(r - 1, c)] if value is U else (r, c)
            origin[(r, c)] = o
            end = ends.get(o, o)
            ends[o] = (max(end[0], r), max(end[1], c))
    return ends


def write_docx(path: Path, title: list[str], grid: list[list[object]]) -> Path:
    from docx import Document

    doc = Document()
    for line in title:
        doc.add_paragraph(line)
    table = doc.add_table(rows=len(grid), cols=len(grid[0]))
    table.style = "Table Grid"
    for (r, c), (r2, c2) in _boxes(grid).items():
        cell = table.cell(r, c)
        if (r2, c2) != (r, c):
            cell = cell.merge(table.cell(r2, c2))
        cell.text = str(grid[r][c])
    doc.save(path)
    return path


def write_xlsx(path: Path, title: list[str], grid: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    width = len(grid[0])
    for i, line in enumerate(title, start=1):
        ws.cell(i, 1, line)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    top = len(title) + 1
    for (r, c), (r2, c2) in _boxes(grid).items():
        ws.cell(top + r, c + 1, str(grid[r][c]))
        if (r2, c2) != (r, c):
            ws.merge_cells(start_row=top + r, start_column=c + 1, end_row=top + r2, end_column=c2 + 1)
    wb.save(path)
    return path


def write_pdf(path: Path, title: list[str], grid: list[list[object]]) -> Path:
    """A text PDF of the grid, drawn by the corpus' PDF renderer (reportlab, CJK font)."""
    from eval.synth.layouts import GCell, Grid
    from eval.synth.render_pdf import write_pdf as render

    boxes = _boxes(grid)
    cells: list[list[GCell | None]] = [[None] * len(grid[0]) for _ in grid]
    for (r, c) in boxes:
        text = str(grid[r][c])
        cells[r][c] = GCell(text, "text" if len(text) > 12 else "value")
    header = next(r for r, row in enumerate(grid) if "三级指标" in row)
    merges = [(r, c, r2, c2) for (r, c), (r2, c2) in boxes.items() if (r2, c2) != (r, c)]
    data, _ = render(Grid(cells, merges, [1.0] * len(grid[0]), header, title=title[0],
                          subtitle=title[1] if len(title) > 1 else None), "ziping")
    path.write_bytes(data)
    return path


def write_triple(triple: Triple, folder: Path, fmt: str = "docx") -> list[Path]:
    """The three files of a triple: 申报表, 监控表, 自评表 (in that order)."""
    write = {"docx": write_docx, "xlsx": write_xlsx, "pdf": write_pdf}[fmt]
    folder.mkdir(parents=True, exist_ok=True)
    dec, mon, ev = triple.cycle.declaration, triple.cycle.monitoring, triple.submission.evaluations[0]
    assert dec is not None and mon is not None
    return [
        write(folder / f"{triple.name}-申报表.{fmt}", ["项目支出绩效目标申报表", f"（{dec.year}年度）"],
              declaration_grid(dec)),
        write(folder / f"{triple.name}-监控表.{fmt}", [f"项目支出绩效目标执行监控表（{mon.year}年1-{mon.months}月）"],
              monitoring_grid(mon)),
        write(folder / f"{triple.name}-自评表.{fmt}", ["项目支出绩效自评表", f"（{ev.year}年度）"], evaluation_grid(ev)),
    ]
