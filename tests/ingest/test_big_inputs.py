"""Big inputs (issue 17 item 4): a 5,000-page PDF and a workbook of hundreds of thousands of cells,
read in a fresh interpreter to bound their memory and time as the bomb tests do. Under the byte
caps they would take minutes and gigabytes (ingest/readers/caps.py has the figures): they are
refused at once with the count and the cap. ``python -m eval.big_inputs`` (in ``make bench``)
runs the full sizes: a 200 MB workbook among them."""

from __future__ import annotations

from pathlib import Path

from eval.big_inputs import big_xlsx, many_page_pdf, probe
from ingest.readers.caps import pdf_pages, sheet_cells


def test_a_5000_page_pdf_is_refused_with_its_page_cap_in_bounded_time_and_memory(tmp_path: Path):
    path = many_page_pdf(tmp_path / "annexes.pdf", 5000)
    assert path.stat().st_size < 2 * 2**20 and pdf_pages(path, 10_000) == 5000
    got = probe(path, timeout=120)
    assert got.outcome == "file_too_large" and "PDF 超过 1000 页" in got.message, got
    assert got.seconds < 30 and got.peak_mb < 200, got  # read in full: 193 s at load 13


def test_a_pdf_under_the_page_cap_is_read(tmp_path: Path):
    got = probe(many_page_pdf(tmp_path / "short.pdf", 3), timeout=120)
    assert got.outcome != "file_too_large", got


def test_a_workbook_of_300000_cells_is_refused_with_its_cell_cap_in_bounded_time_and_memory(tmp_path: Path):
    path = big_xlsx(tmp_path / "ledger.xlsx", 30_000)
    assert sheet_cells(path, 10**9) == 300_000
    got = probe(path, timeout=120)
    assert got.outcome == "file_too_large" and "单元格超过 200,000 个" in got.message, got
    assert got.seconds < 20 and got.peak_mb < 150, got  # read in full, 200,000 cells took 79 s and 220 MB


def test_a_workbook_over_the_upload_size_is_refused_before_it_is_opened(tmp_path: Path):
    path = big_xlsx(tmp_path / "ledger.xlsx", 2_000)
    got = probe(path, max_bytes=path.stat().st_size - 1, timeout=60)
    assert got.outcome == "file_too_large" and "MB" in got.message and got.seconds < 5, got


def test_cells_are_counted_with_a_namespace_prefix_and_across_block_ends(tmp_path: Path):
    """Some writers prefix the spreadsheet namespace (``<x:c>``); a tag cut by a 1 MB block's end
    counts once."""
    import zipfile

    row = "".join(f'<x:c r="A{i}"><x:v>{i}</x:v></x:c><x:c r="B{i}" t="s"/>' for i in range(1, 40_001))
    path = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", f'<x:worksheet xmlns:x="m"><x:sheetData><x:row r="1">{row}'
                                                "</x:row></x:sheetData><x:cols><x:col/></x:cols></x:worksheet>")
    assert sheet_cells(path, 10**9) == 80_000

