"""Load the real regression set (``eval/real/forms/*.yaml``) and write its forms as files.

A form file says where the form was published (``source``), which province and layout it is,
its cells as ``[row, col, text]`` or ``[row, col, text, rowspan, colspan]`` (1-based, the text
exactly as the published page shows it), which cells or rows the transcriber had to complete
(``completed``: the page's text broke off or a scan was unreadable; ``not_judged``: the rules whose
findings cannot be judged on a form transcribed only in part), the fields a reviewer reads
off it (``expected``) and the defects a reviewer sees in it (``defects``). Labels are written by
reading the form, never by running the checker: the evaluation must not grade the product with
its own code.

A defect's ``at`` says where it is: a form row (an integer, as in ``cells``), or one of
:data:`PLACES` for a defect that is not on one row (the funds block, the goal, the total, the
table as a whole).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import yaml

HERE = Path(__file__).parent
FORMS_DIR = HERE / "forms"
CONSTRUCTED_DIR = HERE / "constructed"

# (row, col, text) 1-based, or (row, col, text, rowspan, colspan) for a merged cell.
Cell = tuple[int, int, str] | tuple[int, int, str, int, int]
# Where a defect that is not on one form row is: the part of the form a reviewer points at.
PLACES = ("header", "funds", "goal", "goal_planned", "goal_achieved", "indicators", "total", "grade",
          "conclusion", "signatures", "form")
LAYOUTS = ("mof", "mof_nature", "sichuan", "department", "framework", "no_score", "score_first",
           "county_special")
KINDS = ("project", "department")


@dataclass(frozen=True)
class RealForm:
    """A form's cells, and the writers that make a file of them (the synthetic corpus' renderers)."""

    source: str
    cells: list[Cell]

    def write_xlsx(self, path: Path) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "自评表"
        for cell in self.cells:
            r, c, text = cell[:3]
            target = ws.cell(r, c, float(text) if _is_number(text) else text)
            if text.startswith("="):
                target.data_type = "s"  # a typed "=8个" is text in Excel and WPS, not a formula
            if len(cell) == 5 and (cell[3] > 1 or cell[4] > 1):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + cell[3] - 1, end_column=c + cell[4] - 1)
        wb.save(path)
        return path

    def write_docx(self, path: Path) -> Path:
        """The same cells as one Word table (the synthetic corpus' docx writer), merges kept."""
        from eval.synth.render_docx import write_tables

        path.write_bytes(write_tables([self.grid()], author="test"))
        return path

    def write_pdf(self, path: Path, *, split: bool = False) -> Path:
        """A text PDF (the synthetic corpus' writer); ``split`` puts the second half of the
        indicator rows on page 2 under a repeat of the indicator header row."""
        from eval.synth.render_pdf import write_pdf

        path.write_bytes(write_pdf(self.grid(), "test", force_split=split)[0])
        return path

    def write_scan(self, path: Path) -> Path:
        """An image-only PDF of the table at 150 dpi (the synthetic corpus' scan renderer)."""
        from eval.synth.render_scan import write_scan

        path.write_bytes(write_scan(self.grid(), "test"))
        return path

    def grid(self):
        """The cells as the synthetic corpus' :class:`~eval.synth.layouts.Grid`."""
        from eval.synth.layouts import GCell, Grid

        n_rows = max(c[0] + (c[3] if len(c) == 5 else 1) - 1 for c in self.cells)
        n_cols = max(c[1] + (c[4] if len(c) == 5 else 1) - 1 for c in self.cells)
        rows: list[list[GCell | None]] = [[GCell("") for _ in range(n_cols)] for _ in range(n_rows)]
        merges = []
        for cell in self.cells:
            r, c, text = cell[0] - 1, cell[1] - 1, cell[2]
            rows[r][c] = GCell(text)
            rs, cs = (cell[3], cell[4]) if len(cell) == 5 else (1, 1)
            if rs > 1 or cs > 1:
                merges.append((r, c, r + rs - 1, c + cs - 1))
                for rr in range(r, r + rs):
                    for cc in range(c, c + cs):
                        if (rr, cc) != (r, c):
                            rows[rr][cc] = None
        header = next((c[0] - 1 for c in self.cells if c[2] == "一级指标"), 0)
        return Grid(cells=rows, merges=merges, widths=[1.0] * n_cols, header_row=header, title="")


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


@dataclass(frozen=True)
class ExpectedIndicator:
    """One indicator row as a reviewer reads it: values as written (full-width digits, signs)."""

    name: str
    target: str | None = None
    actual: str | None = None
    weight: float | None = None
    score: float | None = None


@dataclass(frozen=True)
class ExpectedFunds:
    """The funds block's total row and its execution cells, as a reviewer reads them."""

    budget_initial: float | None = None
    budget_full_year: float | None = None
    exec_amount: float | None = None
    rate: str | None = None
    weight: float | None = None
    score: float | None = None


@dataclass(frozen=True)
class Expected:
    """The fields a reviewer reads off the form (``None``: the form has no such field or leaves it blank)."""

    project_name: str | None = None
    impl_unit: str | None = None
    year: int | None = None
    funds: ExpectedFunds | None = None
    total_score: float | None = None
    grade: str | None = None
    indicators: tuple[ExpectedIndicator, ...] = ()


@dataclass(frozen=True)
class Defect:
    """A defect a careful reviewer sees: the rule codes that name it (any of them), or none when no
    rule names it yet (``kind`` then says what it is), where it is and what the reviewer wrote."""

    rules: tuple[str, ...]
    at: int | str
    note: str
    kind: str | None = None


@dataclass(frozen=True)
class FormFile:
    id: str
    title: str
    source: str
    province: str
    kind: str
    layout: str
    form: RealForm
    expected: Expected
    defects: tuple[Defect, ...]
    completed: tuple[str, ...] = ()  # what the transcriber completed, in words
    # Rules whose findings cannot be judged on this transcription: the part of the form they need
    # (the rows after where the page breaks off) was not transcribed.
    not_judged: tuple[str, ...] = ()
    notes: str = ""
    constructed: bool = False
    path: Path | None = field(default=None, compare=False)


def _expected(data: dict[str, Any]) -> Expected:
    funds = data.get("funds")
    return Expected(
        project_name=data.get("project_name"), impl_unit=data.get("impl_unit"), year=data.get("year"),
        funds=ExpectedFunds(**funds) if funds is not None else None,
        total_score=data.get("total_score"), grade=data.get("grade"),
        indicators=tuple(ExpectedIndicator(**row) for row in data.get("indicators") or ()))


def _defect(data: dict[str, Any]) -> Defect:
    rules = data.get("rule") or ()
    return Defect(rules=tuple([rules] if isinstance(rules, str) else rules), at=data["at"], note=data["note"],
                  kind=data.get("kind"))


def parse(data: dict[str, Any], path: Path | None = None) -> FormFile:
    cells: list[Cell] = [tuple(c) for c in data["cells"]]  # type: ignore[misc]
    return FormFile(
        id=data["id"], title=data["title"], source=data["source"], province=data.get("province", ""),
        kind=data["kind"], layout=data["layout"], form=RealForm(data["source"], cells),
        expected=_expected(data.get("expected") or {}),
        defects=tuple(_defect(d) for d in data.get("defects") or ()),
        completed=tuple(data.get("completed") or ()), not_judged=tuple(data.get("not_judged") or ()),
        notes=data.get("notes", ""),
        constructed=bool(data.get("constructed")), path=path)


def load(path: Path) -> FormFile:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), path)


@cache
def real_forms() -> tuple[FormFile, ...]:
    """Every transcribed published form, in file-name order."""
    return tuple(load(p) for p in sorted(FORMS_DIR.glob("*.yaml")))


@cache
def constructed_forms() -> tuple[FormFile, ...]:
    return tuple(load(p) for p in sorted(CONSTRUCTED_DIR.glob("*.yaml")))


def form(form_id: str) -> FormFile:
    """One form of the real set (or a constructed one) by its id."""
    for f in real_forms() + constructed_forms():
        if f.id == form_id:
            return f
    raise KeyError(form_id)
