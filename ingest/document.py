"""What a reader makes of a file: a :class:`Document` of blocks in reading order.

Readers know formats and nothing about self-evaluation forms; the form recogniser knows forms
and nothing about formats. This module is the contract between them. Every block and cell
keeps its provenance (page, paragraph index, table index, row, column, sheet) so that a field
recognised later can point back to the exact place in the file.

Tables are *grids after merge resolution*: a cell covered by a horizontal or vertical merge
holds the same text as the merge's origin and has ``merged=True`` (the origin has
``merged=False`` and ``span`` > 1), so the recogniser can read any row left to right without
knowing how the file merged it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.model import Location


@dataclass
class Cell:
    text: str
    row: int
    col: int
    merged: bool = False  # True when the text was copied from a merge origin
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None  # 1-based page the cell is on (PDF), None elsewhere
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    # OCR cells only: the recogniser's lowest score (0–1) over the lines read in the cell; None
    # for cells read from a file's text, empty cells and signs recovered from the glyph's shape.
    confidence: float | None = None


@dataclass
class Table:
    index: int  # 0-based position among the document's tables
    rows: list[list[Cell]]
    page: int | None = None  # first page (PDF)
    last_page: int | None = None  # last page when the table runs over a page break
    sheet: str | None = None  # xlsx sheet name
    nested_in: int | None = None  # index of the table this one is nested in (docx)
    block: int = 0  # position among all blocks, for reading order
    ocr: bool = False

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def text(self, row: int, col: int) -> str:
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col].text
        return ""

    def location(self, row: int, col: int, file: str | None = None) -> Location:
        cell = self.rows[row][col] if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]) else None
        page = cell.page if cell is not None and cell.page is not None else self.page
        return Location(file=file, page=page, table=self.index, row=row, col=col, sheet=self.sheet)


@dataclass
class Paragraph:
    text: str
    index: int  # 0-based position among all blocks (reading order)
    page: int | None = None
    heading_level: int | None = None  # 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）; None = body text
    style: str | None = None

    def location(self, file: str | None = None) -> Location:
        return Location(file=file, page=self.page, paragraph=self.index)


Block = Paragraph | Table


@dataclass
class Document:
    name: str  # file name as given by the user
    format: str  # docx | pdf | xlsx | txt | md
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    scanned: bool = False  # True when any page went through OCR
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def text(self) -> str:
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                out.extend(" ".join(c.text for c in row if not c.merged) for row in b.rows)
        return "\n".join(out)
