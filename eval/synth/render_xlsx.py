"""A grid → one worksheet with merged ranges (``ws.merge_cells``), title rows above the table.

Amounts, weights and scores are numbers unless the grid cell has none (then text such as
"1,234.50" or "—"); rates and indicator values are text, as people type them.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from eval.synth.files import FIXED, stable_zip
from eval.synth.layouts import Grid

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONTS = {bold: Font(name="宋体", size=10, bold=bold) for bold in (False, True)}
_ALIGN = {h: Alignment(wrap_text=True, vertical="center", horizontal=h) for h in ("left", "center")}


def write_sheet(grid: Grid, author: str, sheet: str = "自评表") -> bytes:
    wb = Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = author
    wb.properties.created = wb.properties.modified = FIXED
    ws = wb.active
    ws.title = sheet
    n = grid.n_cols
    top = [grid.title, *([grid.subtitle] if grid.subtitle else []), *grid.pre]
    for r, text in enumerate(top, start=1):
        ws.cell(row=r, column=1, value=text).font = Font(name="宋体", size=16 if r == 1 else 11, bold=r == 1)
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
    first = len(top) + 1
    for r in range(grid.n_rows):
        for c in range(n):
            target = ws.cell(row=first + r, column=c + 1)
            target.border = _BORDER
            cell = grid.cells[r][c]
            if cell is None:
                continue
            if cell.number is not None:
                target.value = cell.number
                target.number_format = "0.00" if not float(cell.number).is_integer() or "." in cell.text else "General"
            elif cell.text:
                target.value = cell.text
                target.data_type = "s"  # "=100%" is a typed value, not a formula
            target.font = _FONTS[cell.kind in ("head", "label")]
            target.alignment = _ALIGN["left" if cell.kind == "text" else "center"]
    # Register the ranges directly: ws.merge_cells() also restyles every covered cell, which is
    # slow and unnecessary here (covered cells are empty and already have their borders).
    for r0, c0, r1, c1 in grid.merges:
        ws.merged_cells.add(CellRange(min_row=first + r0, min_col=c0 + 1, max_row=first + r1, max_col=c1 + 1))
    for c, w in enumerate(grid.widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(w * 9, 1)
    for r in range(grid.n_rows):
        longest = max((len(cell.text) / max(1.0, _width(grid, r, c) * 4.5)
                       for c, cell in enumerate(grid.cells[r]) if cell is not None and cell.text), default=1)
        ws.row_dimensions[first + r].height = max(18.0, 14.0 * (int(longest) + 1))
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue())


def _width(grid: Grid, r: int, c: int) -> float:
    span = grid.span_of(r, c)[1]
    return sum(grid.widths[c:c + span])
