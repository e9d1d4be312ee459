"""Big inputs (issue 17 item 4): a 5,000-page PDF, a workbook of hundreds of thousands of cells and
PDF pages drawing hundreds of thousands of characters, read in a fresh interpreter to bound their memory and time as the bomb tests do. Under the byte
caps they would take minutes and gigabytes (ingest/readers/caps.py has the figures): they are
refused at once with the count and the cap. ``python -m eval.big_inputs`` (in ``make bench``)
runs the full sizes: a 200 MB workbook among them."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from eval.big_inputs import (
    big_xlsx,
    inflating_pdf,
    many_page_pdf,
    nested_forms_pdf,
    operands_pdf,
    probe,
    rects_pdf,
    slow_pdf,
)
from eval.extraction import label_files
from eval.real.forms import real_forms
from ingest.document import Table
from ingest.readers import read_document
from ingest.readers.caps import PageCaps, page_content, pdf_pages, sheet_cells


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



# --- what one PDF page may draw (ingest/readers/caps.py page_content, ZIPING_MAX_PAGE_CHARS) ----------


def test_a_page_drawing_300000_characters_is_refused_with_its_count_and_the_cap_in_bounded_time_and_memory(
        tmp_path: Path):
    path = slow_pdf(tmp_path / "glyphs.pdf", 300_000)
    assert path.stat().st_size < 4096
    got = probe(path, timeout=120)
    assert got.outcome == "file_too_large", got
    assert "第1页要绘制 300,000 个字符" in got.message and "每页 50,000 个的上限" in got.message, got
    assert got.seconds < 20 and got.peak_mb < 150, got  # laid out: 356 s and 660 MB under load


def test_forms_drawing_forms_are_counted_as_often_as_they_are_drawn(tmp_path: Path):
    """A 3 KB page drawing a form 100 times that draws one 100 times that draws one 100 times that
    shows one character: a million characters for pdfplumber, refused without drawing any."""
    path = nested_forms_pdf(tmp_path / "forms.pdf")
    assert path.stat().st_size < 8192
    assert _densest(path)[0] == 1_000_000
    got = probe(path, timeout=120)
    assert got.outcome == "file_too_large" and "第1页要绘制至少" in got.message, got
    assert got.seconds < 20 and got.peak_mb < 150, got


def test_a_page_stroking_100000_rectangles_is_refused_with_its_count_and_the_cap(tmp_path: Path):
    path = rects_pdf(tmp_path / "rects.pdf")
    got = probe(path, timeout=120)
    assert got.outcome == "file_too_large", got
    assert "第1页要绘制 100,000 段线条图形" in got.message and "每页 20,000 段的上限" in got.message, got
    assert got.seconds < 20 and got.peak_mb < 150, got  # laid out: 94 s and 1.2 GB under load


def test_a_content_stream_inflating_to_200_mb_is_refused_without_inflating_it(tmp_path: Path):
    path = inflating_pdf(tmp_path / "inflating.pdf")
    assert path.stat().st_size < 2**20
    got = probe(path, timeout=120)
    assert got.outcome == "file_too_large" and "内容流解压后超过 32 MB" in got.message, got
    assert got.seconds < 20 and got.peak_mb < 200, got


def test_a_content_stream_of_millions_of_operands_is_refused_after_a_bounded_count(tmp_path: Path):
    """31 KB of deflated ``/a /a …`` (10 M names and nothing drawn): counted up to the token cap and
    refused, where pdfminer would build an operand stack of them all; a run of numbers as long is
    skimmed at once and passes."""
    from eval.big_inputs import _pdf, _stream

    def one_page(name: str, content: bytes) -> Path:
        return _pdf(tmp_path / name, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                                      _stream(content, compress=True),
                                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"])

    names = operands_pdf(tmp_path / "names.pdf")
    assert names.stat().st_size < 64 * 1024
    got = probe(names, timeout=120)
    assert got.outcome == "file_too_large" and "超过 1,000,000 个操作符和操作数" in got.message, got
    assert got.seconds < 30 and got.peak_mb < 200, got
    numbers = _densest(one_page("numbers.pdf", b"1 " * (10 * 2**20)))
    assert numbers == (0, 1, 0)


def test_a_page_over_the_cap_is_left_out_and_the_other_pages_are_read(tmp_path: Path):
    """A real form with a page drawing too much after it: the form is read, the warning names the page."""
    import pypdfium2 as pdfium

    both = pdfium.PdfDocument.new()
    for part in (real_forms()[0].form.write_pdf(tmp_path / "form.pdf"), slow_pdf(tmp_path / "glyphs.pdf", 60_000)):
        both.import_pages(pdfium.PdfDocument(part))
    both.save(tmp_path / "both.pdf")
    doc = read_document(tmp_path / "both.pdf")
    assert doc.pages == 2 and any(isinstance(b, Table) for b in doc.blocks)
    assert any("第2页要绘制 60,000 个字符" in w for w in doc.warnings), doc.warnings
    assert all(getattr(b, "page", 1) == 1 for b in doc.blocks)


def test_the_densest_real_and_synthetic_form_pages_are_far_under_the_cap_and_are_read(synth_corpus: Path,
                                                                                     tmp_path: Path):
    """The count is what pdfplumber lays out (every synthetic PDF page, CID fonts and hex strings
    included), and the densest page of the real set and of the synthetic corpus draws a fiftieth of
    the cap or less."""
    import pdfplumber

    cap = Settings().max_page_chars
    real = [ff.form.write_pdf(tmp_path / f"{ff.id}.pdf") for ff in real_forms()]
    synthetic = sorted(p for p, lab in label_files(synth_corpus) if lab["kind"] in ("pdf_table", "report_pdf"))
    assert real and synthetic
    for path in synthetic:
        with pdfplumber.open(path) as pdf:
            counted = [page_content(page.page_obj, stop=PageCaps(cap, 10**9)).chars for page in pdf.pages]
            assert counted == [len(page.chars) for page in pdf.pages], path.name
    densest = max((*real, *synthetic), key=lambda p: _densest(p)[0])
    assert 500 < _densest(densest)[0] < cap / 50, (densest.name, _densest(densest))
    ruled = max(_densest(p)[2] for p in (*real, *synthetic))
    assert 50 < ruled < Settings().max_page_paths / 100, ruled
    doc = read_document(densest)
    assert not [w for w in doc.warnings if "上限" in w] and doc.blocks


def _densest(path: Path) -> tuple[int, int, int]:
    """The most characters one page of ``path`` draws, its page number, and the most path segments
    one page draws."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as fh:
        pages = PDFPage.create_pages(PDFDocument(PDFParser(fh)))
        drawn = [(page_content(page, stop=PageCaps(10**9, 10**9)), n) for n, page in enumerate(pages, start=1)]
    chars, number = max((d.chars, n) for d, n in drawn)
    return chars, number, max(d.paths for d, _ in drawn)
