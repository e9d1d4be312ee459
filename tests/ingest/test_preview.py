"""The original as HTML (ingest/preview.py): same cell numbering as the reader, merges drawn
once, a location on a covered cell marks its origin, every text escaped, the cache rebuilt when
the original changes."""

from __future__ import annotations

import os
import re

import docx
import openpyxl

from assistant.model import Location
from ingest.preview import cached_preview, cell_id, pdf_page_png, render
from ingest.readers import read_document

SCRIPT = '<script>window.__x=1</script><img src=x onerror="alert(1)">'


def _docx(path):
    d = docx.Document()
    d.add_paragraph("项目支出绩效自评表")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 2).text = "指标", "年度指标值", "实际完成值"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "产出指标"
    t.cell(1, 1).text, t.cell(1, 2).text = "≥95%", "96%"
    t.cell(2, 1).text, t.cell(2, 2).text = "100人", SCRIPT
    d.save(path)
    return path


def test_docx_cells_keep_the_readers_numbering_and_merges_are_drawn_once(tmp_path):
    doc = read_document(_docx(tmp_path / "表.docx"))
    preview = render(doc)
    table = doc.tables[0]
    # every origin cell is in the markup under the reader's (table, row, col), with its own text
    assert re.search(rf'<td id="{cell_id(table.index, 1, 2)}">96%</td>', preview.html)
    assert re.search(rf'<td id="{cell_id(table.index, 1, 0)}" rowspan="2">产出指标</td>', preview.html)
    assert f'id="{cell_id(table.index, 2, 0)}"' not in preview.html
    # a location on the covered cell marks the merge's origin
    target = preview.target(Location(table=table.index, row=2, col=0))
    assert target == cell_id(table.index, 1, 0)
    marked = preview.marked(target)
    assert re.search(r'<td id="[^"]+" class="hit" rowspan="2"><a id="hit"></a>产出指标</td>', marked)
    assert marked.count('class="hit"') == 1
    # a paragraph location marks the paragraph
    assert preview.target(Location(paragraph=doc.paragraphs[0].index)) == f"p{doc.paragraphs[0].index}"


def test_document_text_is_escaped(tmp_path):
    preview = render(read_document(_docx(tmp_path / "表.docx")))
    assert "<script" not in preview.html and "<img" not in preview.html
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;" in preview.html


def test_xlsx_sheets_use_excel_coordinates_and_a_sheet_location_opens_its_sheet(tmp_path):
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "说明"
    first["A1"] = "填表说明"
    ws = wb.create_sheet("自评表")
    ws["A1"] = "项目名称"
    ws["B1"] = "县中学校舍维修"
    ws.merge_cells("B1:D1")
    ws["C4"] = 387664.62
    wb.save(tmp_path / "表.xlsx")
    doc = read_document(tmp_path / "表.xlsx")
    preview = render(doc)
    assert preview.sheets == ["说明", "自评表"]
    sheet = doc.tables[1]
    # C4 is row 3, col 2 (0-based), as the reader numbers it
    assert preview.target(Location(table=sheet.index, row=3, col=2, sheet="自评表")) == cell_id(sheet.index, 3, 2)
    assert f'<td id="{cell_id(sheet.index, 3, 2)}">387664.62</td>' in preview.html
    assert preview.target(Location(table=sheet.index, row=0, col=3)) == cell_id(sheet.index, 0, 1)
    assert 'colspan="3">县中学校舍维修</td>' in preview.html
    assert preview.target(Location(sheet="自评表")) == f"t{sheet.index}"
    assert "工作表“自评表”" in preview.html
    assert preview.target(Location(table=9, row=0, col=0)) is None
    assert preview.marked(None) == preview.html


def test_the_cache_is_used_and_rebuilt_when_the_original_changes(tmp_path):
    original = _docx(tmp_path / "表.docx")
    cache = tmp_path / "previews" / "x.json"
    first = cached_preview(original, cache)
    assert cache.exists() and "96%" in first.html
    cache.write_text(cache.read_text(encoding="utf-8").replace("96%", "缓存里的"), encoding="utf-8")
    assert "缓存里的" in cached_preview(original, cache).html  # read from the cache
    d = docx.Document(original)
    d.tables[0].cell(1, 2).text = "97%"
    d.save(original)
    later = cache.stat().st_mtime + 5
    os.utime(original, (later, later))
    again = cached_preview(original, cache)
    assert "97%" in again.html and "缓存里的" not in again.html


def test_pdf_page_image_is_rendered_and_clamped(tmp_path, synth_corpus):
    pdf = next(p for p in sorted(synth_corpus.glob("*.pdf")))
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(str(pdf)))
    shot = pdf_page_png(pdf, 99, tmp_path / "previews" / "p.json")
    assert shot.png.startswith(b"\x89PNG") and shot.page == pages and shot.mark is None
    assert list((tmp_path / "previews").glob("*.png"))


def test_a_pdf_cell_is_outlined_where_the_reader_found_it(tmp_path, synth_corpus):
    import io

    from PIL import Image

    pdf = next(p for p in sorted(synth_corpus.glob("*_table_*.pdf")))
    doc = read_document(pdf)
    table = doc.tables[0]
    cell = next(c for row in table.rows[2:] for c in row if c.text and not c.merged and c.bbox)
    preview = cached_preview(pdf, tmp_path / "previews" / "pdf.json")
    page, box = preview.box(Location(table=table.index, row=cell.row, col=cell.col))
    assert (page, box) == (cell.page or table.page, cell.bbox)
    shot = pdf_page_png(pdf, page, tmp_path / "previews" / "pdf.json", box=box)
    x0, top, x1, bottom = shot.mark
    import pypdfium2

    k = shot.size[0] / pypdfium2.PdfDocument(str(pdf))[page - 1].get_width()  # pixels per point
    assert abs(x0 - box[0] * k) <= 2 and abs(bottom - box[3] * k) <= 2
    with Image.open(io.BytesIO(shot.png)) as image:
        red = image.convert("RGB").getpixel((x0 - 2, (top + bottom) // 2))
    assert red[0] > 180 and red[1] < 90 and red[2] < 90, red  # the outline is drawn at the cell's left edge


def test_legacy_doc_and_xls_previews_show_the_originals_cells_at_the_same_places(tmp_path, synth_corpus):
    """.doc (docx → odt → doc, as tests/ingest/test_legacy.py makes them) and .xls originals go
    through the converter: a cell of the preview holds what the modern original holds there."""
    from html import escape

    from ingest.readers.convert import shared_converter, soffice_path
    from tests.conftest import require_system

    require_system("libreoffice-writer-nogui / libreoffice-calc-nogui", soffice_path() is not None)
    office = shared_converter()
    for suffix, fmt in ((".docx", "doc"), (".xlsx", "xls")):
        src = next(p for p in sorted(synth_corpus.glob(f"*_table_*{suffix}")))
        legacy = tmp_path / f"{src.stem}.{fmt}"
        if fmt == "doc":
            office.convert(office.convert(src, tmp_path / f"{src.stem}.odt"), legacy)
        else:
            office.convert(src, legacy)
        preview = cached_preview(legacy, tmp_path / "previews" / f"{fmt}.json")
        table = read_document(src).tables[0]  # the modern original, read on its own
        checked = 0
        for row in table.rows:
            for cell in row:
                if cell.text and not cell.merged and "\n" not in cell.text:
                    key = cell_id(table.index, cell.row, cell.col)
                    assert re.search(rf'<td id="{key}"[^>]*>{re.escape(escape(cell.text))}</td>', preview.html), \
                        (fmt, key, cell.text)
                    checked += 1
        assert checked >= 10, fmt
