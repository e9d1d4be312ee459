"""``.xlsx`` → :class:`Document`: one :class:`Table` per worksheet, with openpyxl.

* ``load_workbook(data_only=True)`` returns the value each formula had when the file was last
  saved by Excel/WPS (openpyxl cannot calculate). A file written by a program that never
  calculated has no cached values; those cells read as empty and the document gets a warning.
* ``read_only=False`` because merged ranges are only available in the normal mode; covered
  cells copy the origin's text with ``merged=True``.
* The grid starts at A1 so that ``row``/``col`` are the sheet's own coordinates (row 0 is
  Excel row 1) and a reviewer can find the cell; empty trailing rows and columns are trimmed.
* Values are rendered as a reviewer sees them, minus float noise: ``1234.5`` (not
  ``1234.5000000001``), ``3`` (not ``3.0``), ``98.5%`` for 0.985 in a percent format, dates as
  ``YYYY-MM-DD``. Other number formats (decimals, thousands separators) are ignored: the raw
  value is more useful to the checker than its rounding.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from ingest.document import Cell, Document, Table
from ingest.errors import CorruptFile, EmptyFile, IngestError

NOISE_DIGITS = 9  # decimals kept: removes binary float noise, keeps any real precision
# a formula element directly followed by the end of its cell (or an empty <v>) has no cache
_UNCACHED_FORMULA = re.compile(rb"<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


def read_xlsx(path: Path, *, name: str | None = None) -> Document:
    name = name or path.name
    # imported here: openpyxl is slow to import and only xlsx files need it
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except IngestError:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError,
            AttributeError, IndexError) as e:
        raise CorruptFile(f"Excel 文件结构损坏 / broken workbook: {type(e).__name__}", file=name) from e
    except Exception as e:  # lxml / ElementTree parse errors of broken parts
        raise CorruptFile(f"Excel 文件无法解析 / unreadable workbook: {type(e).__name__}", file=name) from e

    doc = Document(name=name, format="xlsx")
    try:
        for ws in wb.worksheets:
            table = sheet_table(ws, index=len(doc.tables), block=len(doc.blocks))
            if table is None:
                doc.warnings.append(f"工作表“{ws.title}”为空 / sheet '{ws.title}' is empty")
            else:
                doc.blocks.append(table)
    finally:
        wb.close()
    if not doc.blocks:
        raise EmptyFile("所有工作表都是空的 / every sheet is empty", file=name)
    if _has_uncached_formulas(path):
        doc.warnings.append("部分公式没有保存计算结果，读作空值；请用 Excel/WPS 打开并保存后重新上传 / "
                            "some formulas have no cached value and read as empty; "
                            "open and save the file in Excel/WPS")
    return doc


def sheet_table(ws, *, index: int, block: int) -> Table | None:
    """The worksheet as a grid from A1 to its last non-empty row and column; None if empty."""
    texts: dict[tuple[int, int], str] = {}
    for cell in _stored_cells(ws):
        if cell.value is not None:
            text = format_value(cell.value, cell.number_format)
            if text:
                texts[(cell.row - 1, cell.column - 1)] = text
    # merges whose origin holds text: they extend the grid (a 合计 cell merged over A4:A5
    # covers row 5 even when row 5 is otherwise empty)
    merges = [(m.min_row - 1, m.min_col - 1, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    return grid_table(texts, merges, index=index, sheet=ws.title, block=block)


def grid_table(texts: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]], *,
               index: int, sheet: str, block: int) -> Table | None:
    """A sheet's :class:`Table` from its cell texts (0-based (row, col) → text) and merged ranges
    ``(row0, col0, row_end, col_end)`` with exclusive ends: the grid starts at A1, and a merge whose
    origin holds text is copied into the cells it covers. None for a sheet with no text. Shared by
    the .xlsx and .xls readers so both give the same grid."""
    if not texts:
        return None
    merges = [m for m in merges if (m[0], m[1]) in texts]
    n_rows = max([r for r, _ in texts] + [m[2] - 1 for m in merges]) + 1
    n_cols = max([c for _, c in texts] + [m[3] - 1 for m in merges]) + 1
    rows = [[Cell(texts.get((r, c), ""), r, c) for c in range(n_cols)] for r in range(n_rows)]
    for r0, c0, r_end, c_end in merges:
        origin = rows[r0][c0]
        origin.rowspan, origin.colspan = r_end - r0, c_end - c0
        for r in range(r0, r_end):
            for c in range(c0, c_end):
                if (r, c) != (r0, c0):
                    rows[r][c] = Cell(origin.text, r, c, merged=True)
    return Table(index=index, rows=rows, sheet=sheet, block=block)


def _stored_cells(ws):
    """The cells the file stores. ``iter_rows`` would walk (and create) every cell of the
    used range, which one stray formatted cell in row 1048576 makes enormous."""
    stored = getattr(ws, "_cells", None)  # openpyxl's cell store, stable since 2.x
    if isinstance(stored, dict):
        return list(stored.values())
    return [cell for row in ws.iter_rows() for cell in row]


def format_value(value: object, number_format: str | None = None) -> str:
    """A cell value as text (see the module docstring)."""
    fmt = number_format or ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (int, float)):
        if _is_percent(fmt):
            return format_number(value * 100) + "%"
        return format_number(value)
    return str(value).strip()


def format_number(value: float) -> str:
    """``1234.5000000001`` → ``1234.5``, ``3.0`` → ``3``, ``-0.0`` → ``0``."""
    rounded = round(float(value), NOISE_DIGITS)
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return str(int(rounded))
    return format(rounded, ".15g")


def _is_percent(number_format: str) -> bool:
    # drop quoted literals and escaped characters: "0.0\%" or '0.0"%"' show a literal %
    stripped = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in stripped


def _has_uncached_formulas(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(
                _UNCACHED_FORMULA.search(zf.read(n))
                for n in zf.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
