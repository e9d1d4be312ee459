"""How much of a file a reader may take on: a PDF's pages and a workbook's cells, counted before any
reader parses the file.

The byte caps (the upload's size, an Office package's unpacked size in :mod:`ingest.readers.sniff`)
do not bound the work: measured on this machine (2 cores, shared), a 770 KB PDF of 5,000 one-line
pages took 193 s to read, and a 2.4 MB workbook of 20,000 rows × 10 cells 79 s and 220 MB, which
scales to tens of minutes and gigabytes for a workbook under the 50 MB upload cap. A
self-evaluation is a few pages and a few thousand cells; a file far beyond that is refused at once
with its count and the cap (``ZIPING_MAX_PDF_PAGES``, ``ZIPING_MAX_SHEET_CELLS``), before pdfplumber
or openpyxl sees it.

Pages are counted by walking the page tree (pdfminer), not from its ``/Count``, which a crafted
file can set to anything; the walk stops one page past the cap. Cells are the ``<c>`` elements of
the worksheets' XML, streamed out of the package a megabyte at a time.
"""

from __future__ import annotations

import re
import zipfile
from itertools import islice
from pathlib import Path

from ingest.errors import FileTooLarge

__all__ = ["check_caps", "pdf_pages", "sheet_cells"]

_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")  # a cell element, with or without a prefix


def pdf_pages(path: Path, stop: int) -> int | None:
    """The PDF's pages, counted up to ``stop``; None when pdfminer cannot walk them (the reader
    then reports what is wrong with the file)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with path.open("rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            return sum(1 for _ in islice(PDFPage.create_pages(doc), stop))
    except Exception:  # noqa: BLE001 — encrypted, broken: not this check's to say
        return None


def sheet_cells(path: Path, stop: int) -> int:
    """The cells of the workbook's worksheets, counted up to about ``stop``."""
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with zf.open(info) as part:
                carry = b""
                while block := part.read(2**20):
                    data = carry + block
                    cut = data.rfind(b"<")  # a tag cut by the block's end is counted with the next block
                    cut = cut if cut > 0 else len(data)
                    total += len(_CELL.findall(data, 0, cut))
                    carry = data[cut:]
                    if total > stop:
                        return total
                total += len(_CELL.findall(carry))
    return total


def check_caps(path: Path, fmt: str, *, max_pages: int, max_cells: int) -> None:
    """Raise :class:`FileTooLarge` for a PDF of more than ``max_pages`` pages or a workbook of more
    than ``max_cells`` cells (see the module docstring)."""
    if fmt == "pdf":
        pages = pdf_pages(path, max_pages + 1)
        if pages is not None and pages > max_pages:
            raise FileTooLarge(f"PDF 超过 {max_pages} 页，超出单个文件可读取的页数上限，请拆分后上传，或只上传自评表和自评报告 / "
                               f"more than {max_pages} pages")
    elif fmt == "xlsx":
        try:
            cells = sheet_cells(path, max_cells)
        except (zipfile.BadZipFile, OSError):
            return  # the reader says what is wrong with the package
        if cells > max_cells:
            raise FileTooLarge(f"工作簿单元格超过 {max_cells:,} 个，超出可读取的上限，请只上传自评表所在的工作表 / "
                               f"more than {max_cells:,} cells")
